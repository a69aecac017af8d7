"""Registry test helpers: pages in English (the msgids), and a snapshot of the registry tables."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from partnership.accounts import passwords
from partnership.extensions import db as _db

REGISTRY_TABLES = (
    "schools",
    "school_year_stats",
    "organisations",
    "partnerships",
    "memberships",
    "outgoing_mail",
    "network_events",
    "school_data_windows",
    "school_data_events",
)


@pytest.fixture(autouse=True)
def english(client):
    """Read the pages in English, so the assertions match the message ids."""
    with client.session_transaction() as session:
        session["locale"] = "en"


@pytest.fixture(autouse=True)
def fast_password_hashes(monkeypatch):
    """Registry tests create many accounts; the hash strength is tested in tests/accounts."""
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))


def snapshot() -> dict[str, list[tuple]]:
    """Every row of the registry tables, to prove a refused request changed nothing."""
    _db.session.expire_all()
    rows = {}
    with _db.engine.connect() as conn:
        for name in REGISTRY_TABLES:
            table = _db.metadata.tables[name]
            rows[name] = [tuple(r) for r in conn.execute(sa.select(table).order_by(table.c.id))]
    return rows


def count(model) -> int:
    return _db.session.scalar(sa.select(sa.func.count()).select_from(model))
