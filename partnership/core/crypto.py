"""Field encryption with keys that rotate: Fernet tokens under a MultiFernet of configured keys.

``TAX_ID_KEYS`` is a comma-separated list of Fernet keys, newest first: the first encrypts,
every key decrypts, so a new key is put first and the old ones stay until the data has been
re-encrypted (``rotate``).
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app

__all__ = ["InvalidToken", "decrypt", "derived_key", "encrypt", "parse_keys", "rotate"]


def derived_key(secret: str, purpose: str) -> str:
    """A Fernet key derived from ``secret`` (development and tests only, never production)."""
    digest = hashlib.sha256(f"{purpose}:{secret}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def parse_keys(value: str) -> list[str]:
    """The comma-separated keys, each checked to be a Fernet key (ValueError names which)."""
    keys = [k.strip() for k in value.split(",") if k.strip()]
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise ValueError(f"key {position} is not a Fernet key") from None
    return keys


def _box(config_name: str) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in current_app.config[config_name]])


def encrypt(text: str, config_name: str = "TAX_ID_KEYS") -> str:
    """``text`` encrypted with the newest key of ``config_name``."""
    return _box(config_name).encrypt(text.encode()).decode()


def decrypt(token: str, config_name: str = "TAX_ID_KEYS") -> str:
    """The text of a token made with any key of ``config_name`` (InvalidToken otherwise)."""
    return _box(config_name).decrypt(token.encode()).decode()


def rotate(token: str, config_name: str = "TAX_ID_KEYS") -> str:
    """The same text encrypted again with the newest key."""
    return _box(config_name).rotate(token.encode()).decode()
