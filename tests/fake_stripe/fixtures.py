"""Pytest fixtures: ``fake_stripe`` (a started fake) and ``stripe_app`` (the app pointed at it).

``tests/conftest.py`` imports them, so every test package can ask for them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .fake import FakeStripe


@pytest.fixture()
def fake_stripe() -> Iterator[FakeStripe]:
    """A fake Stripe on a free port of 127.0.0.1, stopped after the test.

    The test fails if the fake itself raised while serving (a bug of the fake, not the app).
    """
    fake = FakeStripe().start()
    try:
        yield fake
    finally:
        fake.stop()
    assert not fake.errors, "the fake Stripe server failed:\n" + "\n".join(fake.errors)


@pytest.fixture()
def stripe_app(app, fake_stripe: FakeStripe):
    """The app with online giving configured against ``fake_stripe`` (restored afterwards).

    The timeout is short so that tests of a stalled Stripe take about a second.
    """
    keys = {**fake_stripe.config, "STRIPE_TIMEOUT": 0.5}
    saved = {key: app.config.get(key) for key in keys}
    app.config.update(keys)
    try:
        yield app
    finally:
        app.config.update(saved)
