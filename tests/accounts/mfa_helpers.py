"""Second-factor test helpers: the frozen moment of the ``clock`` fixture and the code of a step."""

from __future__ import annotations

import pyotp

#: A fixed moment, on a step boundary plus 10 s (2026-12-06 12:00:10 UTC).
FROZEN = 1796558400 + 10
STEP = FROZEN // 30


def code_at(secret: str, seconds: float) -> str:
    return pyotp.TOTP(secret).at(int(seconds))
