"""The machine's other services the tests talk to over a real connection (besides the
databases, which ``tests/conftest.py`` sets up)."""

from __future__ import annotations


def redis_up(url: str) -> bool:
    """Whether a Redis answers at ``url`` (the tests that need one are skipped otherwise)."""
    try:
        from redis import Redis

        return bool(Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:  # noqa: BLE001 - no Redis: the test is skipped
        return False
