"""Demo data from the seed documents (real organisations and places; invented people)."""

from __future__ import annotations

from ..receipts.claims import claim_receipts, thank_numbered
from .after_funding import seed_after_funding
from .campaigns import seed_campaigns
from .dashboards import seed_dashboards
from .governance import seed_governance
from .governance_actions import seed_governance_actions
from .governance_bodies import seed_governance_bodies
from .governance_meetings import seed_governance_meetings
from .governance_minutes import seed_governance_minutes
from .governance_sessions import seed_governance_sessions
from .library import seed_library
from .matching import seed_matching
from .programmes import seed_programmes
from .receipts import seed_receipts
from .registry import seed_registry
from .review import seed_review
from .school_data import seed_school_data


def seed_demo() -> list[tuple[str, str, str]]:
    """Seed everything; returns (e-mail, role, password) of accounts created this run."""
    accounts = seed_registry()
    seed_school_data()
    seed_programmes()
    accounts += seed_review()
    seed_campaigns()
    seed_receipts()
    seed_matching()
    seed_after_funding()
    seed_dashboards()  # a stalled and an ending-soon campaign for the staff dashboard
    accounts += seed_governance()  # the working group of seed 004 and what it decided
    seed_governance_bodies()  # a seat that changed hands, a new vice-chair: members' history
    seed_governance_minutes()  # 1/2564's minutes approved at 2/2564, so published
    seed_governance_actions()  # meeting 1/2564's action items, one overdue for Mitr Phol
    seed_governance_meetings()  # the working group's coming meeting with its agenda
    seed_governance_sessions()  # Khon Kaen's assembly (seed 001), a public session
    seed_library()  # lessons shared (seeds 000, 001, 004), the published minutes, final reports
    claim_receipts(batch=100_000)  # the gifts matching paid: their numbers
    thank_numbered(batch=100_000)
    return accounts
