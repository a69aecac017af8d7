"""The staff log of every e-mail the app has queued or sent."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template

from ..core.pagination import paginate
from ..permissions import staff_required
from .models import OutgoingMail

bp = Blueprint("notifications", __name__)


@bp.get("/staff/mail")
@staff_required
def outgoing_mail():
    query = sa.select(OutgoingMail).order_by(OutgoingMail.id.desc())
    return render_template("notifications/mail.html", page=paginate(query))
