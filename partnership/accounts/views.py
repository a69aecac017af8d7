"""Log in and out, sign up, passwords, language, and asking to join a school or organisation."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from sqlalchemy.exc import IntegrityError

from ..core.unit_of_work import discard_changes, refusal_returns_to
from ..extensions import csrf, db, limiter
from ..permissions import login_required, staff_required
from ..registry.models import Organisation, OrganisationKind, School
from . import services
from .forms import (
    DecisionForm,
    JoinForm,
    LoginForm,
    PasswordChangeForm,
    ProfileForm,
    RegisterForm,
    ResetForm,
    ResetRequestForm,
)
from .mfa import views as mfa_views
from .mfa.policy import has_factor, step_up_required
from .models import Membership, MembershipState, TokenPurpose
from .passwords import verify_password
from .sessions import safe_next, start_session

bp = Blueprint("accounts", __name__)


def _login_email_key() -> str:
    return "login:" + services.normalise_email(request.form.get("email", ""))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], key_func=_login_email_key
)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(url_for("site.landing")))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("The e-mail or password is not right."))
        elif has_factor(user):  # the password alone does not sign in: the factor comes next
            return mfa_views.begin(user, safe_next(url_for("site.landing")))
        else:
            start_session(user)
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            return redirect(safe_next(url_for("site.landing")))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    services.end_sessions(current_user)
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("site.home"))


def _mail_address_key() -> str:
    return "mail:" + services.normalise_email(request.form.get("email", ""))


#: Sign-up and reset requests both mail an address: one bucket per address bounds what a
#: stranger can make us send to someone's inbox.
mail_to_address_limit = limiter.shared_limit(
    lambda: current_app.config["MAIL_RATE_LIMIT"],
    scope="mail-to-address",
    key_func=_mail_address_key,
    methods=["POST"],
)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@mail_to_address_limit
def register():
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        email, name, locale = form.email.data, form.name.data, session.get("locale")
        try:
            services.register(email, name, locale)
        except IntegrityError:  # a concurrent request signed up this address a moment ago
            discard_changes()
            services.register(email, name, locale)
        # The same answer whether or not the address has an account (the mail differs).
        flash(
            _(
                "Check your e-mail: we have sent a message to %(email)s. "
                "Open the link in it to finish.",
                email=services.normalise_email(email),
            ),
            "info",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/register.html", form=form)


@bp.route("/register/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """The link of the sign-up mail: choose a password, and the account is ready."""
    row = services.find_token(token, TokenPurpose.CONFIRM_EMAIL)
    if row is None:
        flash(_("This link is invalid or has expired. Sign up again to get a new one."), "error")
        return redirect(url_for("accounts.register"))
    form = ResetForm()
    if form.validate_on_submit():
        refusal_returns_to(url_for("accounts.login"))  # the link is spent: log in instead
        user = services.set_password_by_token(row, form.password.data)
        start_session(user)
        flash(_("Your account is ready."), "success")
        return redirect(url_for("accounts.account"))
    return render_template("accounts/confirm.html", form=form, email=row.user.email)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = ProfileForm(obj=current_user)
    if request.method == "GET":
        form.locale.data = current_user.locale or "th"
    if form.validate_on_submit():
        current_user.name = form.name.data.strip()
        current_user.locale = form.locale.data
        session["locale"] = form.locale.data
        flash(_("Saved."), "success")
        return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("The current password is not right."))
        else:
            # The user, not the proxy: login_user(current_user) would make g refer to itself.
            user = current_user._get_current_object()
            services.change_password(user, form.password.data)
            # This browser stays in (with its second-factor check); every other session ends.
            start_session(user, session.get("mfa_at"))
            flash(_("Your password is changed; other devices are logged out."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/password.html", form=form)


@bp.route("/password/reset", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@mail_to_address_limit
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.send_reset_link(form.email.data)
        # The same answer whether or not the address has an account.
        flash(_("If this e-mail has an account, a reset link is on its way."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    row = services.find_token(token, TokenPurpose.PASSWORD_RESET)
    if row is None:
        flash(_("This reset link is invalid or has expired. Ask for a new one."), "error")
        return redirect(url_for("accounts.reset_request"))
    form = ResetForm()
    if form.validate_on_submit():
        refusal_returns_to(url_for("accounts.reset_request"))  # the link is spent: a new one
        services.set_password_by_token(row, form.password.data)
        flash(_("Your password is changed. Log in with the new one."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form)


# No CSRF token: a forged switch only changes the display language, and without a per-visitor
# token in the layout the public pages are the same for every visitor (core.pagecache).
@bp.post("/language")
@csrf.exempt
def set_language():
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["locale"] = lang
        if current_user.is_authenticated:
            current_user.locale = lang
    return redirect(safe_next(url_for("site.home")))


@bp.route("/join", methods=["GET", "POST"])
@login_required
def join():
    form = JoinForm()
    organisations = db.session.scalars(
        db.select(Organisation)
        .where(Organisation.kind != OrganisationKind.VENDOR)  # a supplier's people are no sponsors
        .order_by(Organisation.name)
    ).all()
    form.organisation_id.choices = [(0, "—")] + [(o.id, o.name) for o in organisations]
    if form.validate_on_submit():
        school = organisation = None
        if form.kind.data == "school":
            code = (form.school_code.data or "").strip()
            school = db.session.scalar(db.select(School).where(School.code == code))
            if school is None:
                form.school_code.errors.append(
                    _("No school has this code. If your school is new, apply to the network.")
                )
        else:
            organisation = db.session.get(Organisation, form.organisation_id.data or 0)
            if organisation is None:
                form.organisation_id.errors.append(_("Choose your organisation."))
        if school is not None or organisation is not None:
            refusal_returns_to(url_for("accounts.account"))
            services.request_membership(
                current_user,
                school=school,
                organisation=organisation,
                position=form.position.data.strip(),
                message=(form.message.data or "").strip(),
            )
            flash(_("Your request is sent. Staff will review it."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/join.html", form=form)


@bp.get("/staff/memberships")
@staff_required
def memberships():
    pending = db.session.scalars(
        db.select(Membership)
        .where(Membership.state == MembershipState.PENDING)
        .order_by(Membership.created_at)
        .options(db.selectinload(Membership.user), db.selectinload(Membership.school))
        .options(db.selectinload(Membership.organisation))
    ).all()
    return render_template("accounts/memberships.html", pending=pending, form=DecisionForm())


@bp.post("/staff/memberships/<int:membership_id>/<any(approve, decline):decision>")
@staff_required
@step_up_required
def decide_membership(membership_id: int, decision: str):
    membership = db.get_or_404(Membership, membership_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    refusal_returns_to(url_for("accounts.memberships"))
    services.decide_membership(
        membership, decision == "approve", current_user, (form.reason.data or "").strip()
    )
    services.tell_membership_decision(membership)
    flash(_("Decision saved."), "success")
    return redirect(url_for("accounts.memberships"))
