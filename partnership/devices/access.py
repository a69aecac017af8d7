"""Who may do what with a campaign's devices."""

from __future__ import annotations

from ..campaigns.models import Campaign


def can_handle_devices(campaign: Campaign, user) -> bool:
    """Confirm a handover, answer a check-in, see the signed forms: programme staff and the
    staff of the campaign's school."""
    return bool(
        user.is_authenticated and (user.is_staff or user.is_school_staff_of(campaign.school_id))
    )
