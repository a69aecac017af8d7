"""Staff → People: find an account, end its memberships, deactivate it, read the record."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.pagination import paginate
from ..core.unit_of_work import refusal_returns_to
from ..extensions import db
from ..permissions import staff_required
from . import access
from .forms import AccessReasonForm
from .mfa.policy import grace_ends, has_factor, must_have_factor, step_up_required
from .models import Membership, User
from .services import people_query

bp = Blueprint("people", __name__, url_prefix="/staff/people")


def _forms(user: User, bound: tuple[str, AccessReasonForm] | None = None) -> dict:
    """One reason form per action on the person page; ``bound`` keeps a refused submission."""
    forms = {
        "account": AccessReasonForm(prefix="account", formdata=None),
        "mfa": AccessReasonForm(prefix="mfa", formdata=None),
    }
    for m in user.memberships:
        forms[f"end-{m.id}"] = AccessReasonForm(prefix=f"end-{m.id}", formdata=None)
    if bound:
        forms[bound[0]] = bound[1]
    return forms


def _person_page(user: User, bound=None, status: int = 200):
    return (
        render_template(
            "accounts/person.html",
            person=user,
            forms=_forms(user, bound),
            history=access.access_history(user),
            has_factor=has_factor(user),
            must_have_factor=must_have_factor(user),
            grace_ends=grace_ends(user),
        ),
        status,
    )


@bp.get("")
@staff_required
def people():
    # Printable text only: a NUL byte is not something to search for (and PostgreSQL refuses it).
    q = "".join(ch for ch in request.args.get("q", "") if ch.isprintable()).strip()[:100]
    return render_template("accounts/people.html", page=paginate(people_query(q)), q=q)


@bp.get("/<int:user_id>")
@staff_required
def person(user_id: int):
    return _person_page(db.get_or_404(User, user_id))


@bp.post("/<int:user_id>/<any(deactivate, reactivate):action>")
@staff_required
@step_up_required
def change_account(user_id: int, action: str):
    user = db.get_or_404(User, user_id)
    form = AccessReasonForm(prefix="account")
    if not form.validate_on_submit():
        return _person_page(user, ("account", form), 400)
    operation = access.deactivate_account if action == "deactivate" else access.reactivate_account
    refusal_returns_to(url_for("people.person", user_id=user.id))
    operation(user, current_user._get_current_object(), form.reason.data.strip())
    if action == "deactivate":
        flash(_("The account is deactivated; its sessions have ended."), "success")
    else:
        flash(_("The account is active again."), "success")
    return redirect(url_for("people.person", user_id=user.id))


@bp.post("/memberships/<int:membership_id>/end")
@staff_required
@step_up_required
def end_membership(membership_id: int):
    membership = db.get_or_404(Membership, membership_id)
    form = AccessReasonForm(prefix=f"end-{membership.id}")
    if not form.validate_on_submit():
        return _person_page(membership.user, (f"end-{membership.id}", form), 400)
    refusal_returns_to(url_for("people.person", user_id=membership.user_id))
    access.end_membership(membership, current_user._get_current_object(), form.reason.data.strip())
    flash(_("The membership has ended."), "success")
    return redirect(url_for("people.person", user_id=membership.user_id))


@bp.post("/<int:user_id>/second-factors/reset")
@staff_required
@step_up_required
def reset_factors(user_id: int):
    """A lost phone or key: staff (fresh from their own step-up) remove the person's factors."""
    user = db.get_or_404(User, user_id)
    form = AccessReasonForm(prefix="mfa")
    if not form.validate_on_submit():
        return _person_page(user, ("mfa", form), 400)
    if user.id == current_user.id:
        flash(_("Change your own factors on your security page."), "error")
        return redirect(url_for("people.person", user_id=user.id))
    access.reset_factors(user, current_user._get_current_object(), form.reason.data.strip())
    flash(_("The second factors are removed; the person is told by e-mail."), "success")
    return redirect(url_for("people.person", user_id=user.id))
