"""Second-factor test helpers: a frozen TOTP clock and the code of a step."""

from __future__ import annotations

import pyotp
import pytest

from partnership.accounts.mfa import totp

#: A fixed moment, on a step boundary plus 10 s (2026-12-06 12:00:10 UTC).
FROZEN = 1796558400 + 10
STEP = FROZEN // 30


def code_at(secret: str, seconds: float) -> str:
    return pyotp.TOTP(secret).at(int(seconds))


@pytest.fixture()
def clock(monkeypatch):
    """The TOTP clock, frozen at ``FROZEN``; ``clock.now = ...`` moves it."""

    class Clock:
        now: float = FROZEN

    frozen = Clock()
    monkeypatch.setattr(totp, "now_seconds", lambda: frozen.now)
    return frozen
