"""Fixtures of the Stripe boundary tests: an app without a database, pointed at the fake.

The client and the signatures touch no table, so these tests skip the per-backend database
(``app``) that the rest of the suite runs twice; ``stripe_app`` is that fixture's equivalent.
"""

from __future__ import annotations

import os

import pytest

from partnership import create_app
from tests.payments.refunding import paid  # noqa: F401  (a fixture of the refund tests)

#: The SDK's read timeout in these tests: a stalled fake costs half a second, not eight.
TIMEOUT = 0.5


@pytest.fixture(scope="session")
def bare_app():
    os.environ.setdefault("PARTNERSHIP_ENV", "testing")
    return create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "test-secret"}
    )


@pytest.fixture()
def payments_app(bare_app, fake_stripe):
    """``bare_app`` in an app context, with the Stripe keys of ``fake_stripe``."""
    keys = {**fake_stripe.config, "STRIPE_TIMEOUT": TIMEOUT}
    saved = {key: bare_app.config.get(key) for key in keys}
    bare_app.config.update(keys)
    with bare_app.app_context():
        yield bare_app
    bare_app.config.update(saved)
