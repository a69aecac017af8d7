"""Mail bodies that hold a secret are stored encrypted (Fernet) until they are sent.

The key is ``MAIL_BODY_KEY`` (one or more Fernet keys, comma-separated, newest first, so a key
can be rotated); without it a key is derived from ``SECRET_KEY``, so rotating that also makes
unsent secret mail unreadable (it then fails and staff see why).
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app

__all__ = ["InvalidToken", "decrypt", "encrypt"]


def _fernet() -> MultiFernet:
    config = current_app.config
    keys = [k.strip() for k in (config.get("MAIL_BODY_KEY") or "").split(",") if k.strip()]
    if not keys:
        digest = hashlib.sha256(b"partnership mail body key\0" + config["SECRET_KEY"].encode())
        keys = [base64.urlsafe_b64encode(digest.digest()).decode()]
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The text; raises ``InvalidToken`` when no configured key opens it."""
    return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
