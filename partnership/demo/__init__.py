"""Demo data from the seed documents (real organisations and places; invented people)."""

from __future__ import annotations

from .registry import seed_registry


def seed_demo() -> list[tuple[str, str, str]]:
    """Seed everything; returns (e-mail, role, password) of accounts created this run."""
    accounts = seed_registry()
    return accounts
