"""What outcomes add to pages of lower features, through their named signals."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user

from . import services


def programme_outcomes(programme) -> dict:
    """The programme page's "planned against reported" table (verified figures only), and for
    staff the link to the programme's outcome measures."""
    values = services.programme_section(programme)
    values["outcome_measures_url"] = (
        url_for("outcomes_staff.measures", programme_id=programme.id)
        if current_user.is_authenticated and current_user.is_staff
        else None
    )
    return values
