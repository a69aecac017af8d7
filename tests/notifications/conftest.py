"""Outbox tests: a real SMTP server on 127.0.0.1, and the app switched to worker delivery."""

from __future__ import annotations

import pytest

from tests.factories import english  # noqa: F401  (autouse: pages in English)
from tests.smtp_server import SMTPServer


@pytest.fixture()
def smtp(app, monkeypatch):
    """A started SMTP server the app sends to; stopped after the test."""
    server = SMTPServer().start()
    for key, value in server.config.items():
        monkeypatch.setitem(app.config, key, value)
    monkeypatch.setitem(app.config, "SMTP_TIMEOUT", 2)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture()
def worker_mode(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_DELIVERY", "worker")
