"""A database or Redis that does not answer is a 503 with Retry-After, never a 500."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from redis.exceptions import ConnectionError as RedisConnectionError

from partnership.extensions import db


@pytest.mark.parametrize(
    "error",
    [
        sa.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection")),
        RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused."),
    ],
    ids=["postgresql", "redis"],
)
def test_a_dependency_down_is_503_with_retry_after(app, client, monkeypatch, error):
    def down(*args, **kwargs):
        raise error

    monkeypatch.setattr(db.session, "execute", down)
    page = client.get("/healthz", headers={"Accept": "text/html"})
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "30"
    assert "ระบบไม่พร้อมให้บริการชั่วคราว" in page.get_data(as_text=True)
    api = client.get("/healthz", headers={"Accept": "application/json"})
    assert api.status_code == 503
    assert api.json["status"] == 503


def test_a_database_lost_at_the_commit_is_503_too(app, client, monkeypatch):
    """The view ran; the request's commit (after it, in ``core.unit_of_work``) meets a dropped
    connection: Flask gives that error to the 500 handler, which answers 503 all the same."""

    def commit_fails():
        raise sa.exc.OperationalError("COMMIT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(db.session, "commit", commit_fails)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # as served, not as tested
    answer = client.post("/webhooks/stripe", data=b"{}", headers={"Stripe-Signature": "t=1,v1=0"})
    assert answer.status_code == 400  # refused before anything is written: no commit at all
    switched = client.post("/language", data={"lang": "en"})
    assert switched.status_code == 503, switched.get_data(as_text=True)[:300]
    assert switched.headers["Retry-After"] == "30"
