"""The second step of signing in, the step-up check, passkey sign-in (JSON for static/js), and a
person's own factors: list, add (app, passkey), name, remove, and recovery codes."""

from __future__ import annotations

import time

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    has_request_context,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from ...core.crypto import InvalidToken, decrypt, encrypt
from ...extensions import limiter
from ...permissions import login_required
from ..auth import load_user
from ..models import User
from ..sessions import safe_next, start_session
from . import passkeys, recovery, totp
from .forms import CodeForm, NameForm, TotpEnrolForm
from .policy import (
    blocked,
    gate,
    grace_ends,
    has_factor,
    mark_verified,
    must_have_factor,
    step_up_required,
)

bp = Blueprint("mfa", __name__)
bp.before_app_request(gate)


@bp.app_context_processor
def mfa_notice() -> dict:
    """``mfa_notice()`` in the layout: the date by which this person must add a factor."""

    def notice():
        if not has_request_context() or not current_user.is_authenticated:
            return None
        if request.endpoint == "mfa.security":  # the page says it itself
            return None
        user = current_user._get_current_object()
        if not must_have_factor(user) or has_factor(user):
            return None
        return grace_ends(user)

    return {"mfa_notice": notice}


#: Seconds between the password and the second factor before the password is asked again.
PENDING_SECONDS = 300


def _pending_user() -> User | None:
    """The person who gave the right password in this session and owes the second factor."""
    token, started = session.get("mfa_pending"), session.get("mfa_pending_at")
    if not isinstance(token, str) or not isinstance(started, (int, float)):
        return None
    if time.time() - started > PENDING_SECONDS:
        return None
    return load_user(token)  # the same checks as a signed-in session's


def begin(user: User, next_url: str):
    """After the right password of a person with a factor: ask for it before signing in."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    session["mfa_pending"] = user.get_id()
    session["mfa_pending_at"] = time.time()
    session["mfa_next"] = next_url
    return redirect(url_for("mfa.login_verify"))


def _finish_login(user: User) -> str:
    """The factor is right: the session is now fully signed in. Where to go next."""
    next_url = session.get("mfa_next") or url_for("site.landing")
    start_session(user)
    mark_verified()
    flash(_("Welcome, %(name)s.", name=user.name), "success")
    return next_url


def _subject() -> tuple[User | None, bool]:
    """(whose factor is checked, whether this is the sign-in step rather than a step-up)."""
    if current_user.is_authenticated:
        return current_user._get_current_object(), False
    return _pending_user(), True


def _user_key() -> str:
    user, _login = _subject()
    return f"mfa-user:{user.id if user else '-'}"


def _failed(response) -> bool:
    return response.status_code in (401, 422)


def _rate() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _code_limit(view):
    """Wrong codes (only those: ``deduct_when``) are limited per client address and per person,
    as passwords are."""
    view = limiter.limit(_rate, methods=["POST"], deduct_when=_failed, key_func=_user_key)(view)
    return limiter.limit(_rate, methods=["POST"], deduct_when=_failed)(view)


def check_code(user: User, code: str) -> tuple[bool, int | None]:
    """(accepted, recovery codes left if a recovery code was used)."""
    if totp.looks_like_totp(code):
        return totp.verify(user, code), None
    if recovery.use(user, code):
        return True, recovery.remaining(user)
    return False, None


def _recovery_note(left: int | None) -> None:
    if left is not None:
        flash(
            _(
                "You used a recovery code; %(count)d left. Make new ones on the security page.",
                count=left,
            ),
            "info" if left > 2 else "error",
        )


def _verify_page(form, user: User, *, login: bool, status: int = 200):
    return (
        render_template(
            "accounts/mfa_verify.html",
            form=form,
            login=login,
            has_app=totp.factor_of(user) is not None,
            has_passkeys=bool(passkeys.of(user)),
            next_url=request.args.get("next", ""),
        ),
        status,
    )


@bp.route("/login/second-factor", methods=["GET", "POST"])
@_code_limit
def login_verify():
    user = _pending_user()
    if user is None:
        flash(_("Log in again: the time for the second step has passed."), "info")
        return redirect(url_for("accounts.login"))
    form = CodeForm()
    if form.validate_on_submit():
        accepted, left = check_code(user, form.code.data)
        if accepted:
            next_url = _finish_login(user)
            _recovery_note(left)
            return redirect(next_url)
        form.code.errors.append(_("This code is not right, or it was already used."))
        return _verify_page(form, user, login=True, status=422)
    return _verify_page(form, user, login=True, status=422 if request.method == "POST" else 200)


@bp.route("/account/verify", methods=["GET", "POST"])
@_code_limit
def step_up():
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    user = current_user._get_current_object()
    form = CodeForm()
    if form.validate_on_submit():
        accepted, left = check_code(user, form.code.data)
        if accepted:
            mark_verified()
            _recovery_note(left)
            return redirect(safe_next(url_for("mfa.security")))
        form.code.errors.append(_("This code is not right, or it was already used."))
        return _verify_page(form, user, login=False, status=422)
    return _verify_page(form, user, login=False, status=422 if request.method == "POST" else 200)


@bp.post("/mfa/passkey/options")
def passkey_options():
    user, _login = _subject()
    if user is None:
        return jsonify(error=_("Log in again.")), 401
    options, challenge = passkeys.authentication_options(user)
    session["webauthn_auth"] = challenge
    return current_app.response_class(options, mimetype="application/json")


@bp.post("/mfa/passkey")
@_code_limit
def passkey_verify():
    user, login = _subject()
    challenge = session.pop("webauthn_auth", None)
    if user is None or not isinstance(challenge, str):
        return jsonify(error=_("Log in again.")), 401
    payload = request.get_json(silent=True) or {}
    try:
        passkeys.authenticate(user, payload.get("credential"), challenge)
    except passkeys.PasskeyRefused:
        return jsonify(error=_("This passkey was not accepted.")), 422
    if login:
        return jsonify(redirect=_finish_login(user))
    mark_verified()
    next_url = payload.get("next") if isinstance(payload.get("next"), str) else ""
    inside = next_url.startswith("/") and not next_url.startswith("//") and "\\" not in next_url
    return jsonify(redirect=next_url if inside else url_for("mfa.security"))


def _me():
    return current_user._get_current_object()


def _codes_page(codes: list[str]):
    """The new recovery codes, shown this once (never cached)."""
    response = current_app.make_response(
        render_template("accounts/mfa_recovery_codes.html", codes=codes)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/account/security")
@login_required
def security():
    user = _me()
    return render_template(
        "accounts/mfa_security.html",
        app_factor=totp.factor_of(user),
        keys=passkeys.of(user),
        codes_left=recovery.remaining(user),
        has_factor=has_factor(user),
        must=must_have_factor(user),
        grace_ends=grace_ends(user),
        blocked=blocked(user),
        name_form=NameForm(formdata=None),
    )


def _pending_secret() -> str | None:
    token = session.get("totp_enrol")
    if not isinstance(token, str):
        return None
    try:
        return decrypt(token, "MFA_KEYS")
    except InvalidToken:
        return None


@bp.route("/account/security/app", methods=["GET", "POST"])
@login_required
@step_up_required
def totp_enrol():
    user = _me()
    if totp.factor_of(user) is not None:
        flash(_("You already have an authenticator app. Remove it first to add another."), "info")
        return redirect(url_for("mfa.security"))
    secret = _pending_secret()
    if request.method == "GET" or secret is None:
        secret = totp.new_secret()
        # Encrypted: the session is a cookie, and this secret is the second factor itself.
        session["totp_enrol"] = encrypt(secret, "MFA_KEYS")
    form = TotpEnrolForm()
    if form.validate_on_submit():
        first = not has_factor(user)
        if totp.add_factor(user, secret, form.code.data, (form.name.data or "").strip()):
            codes = recovery.generate(user) if first else None
            session.pop("totp_enrol", None)
            mark_verified()
            flash(_("Your authenticator app is added."), "success")
            return _codes_page(codes) if codes else redirect(url_for("mfa.security"))
        form.code.errors.append(_("This code is not right. Enter the code the app shows now."))
    uri = totp.provisioning_uri(secret, user)
    status = 422 if request.method == "POST" else 200
    page = render_template(
        "accounts/mfa_totp.html", form=form, secret=secret, qr=totp.qr_svg(uri), uri=uri
    )
    response = current_app.make_response((page, status))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/account/security/app/remove")
@login_required
@step_up_required
def totp_remove():
    if totp.remove(_me()):
        flash(_("The authenticator app is removed."), "success")
    return redirect(url_for("mfa.security"))


@bp.post("/account/security/passkeys/options")
@login_required
@step_up_required
def passkey_register_options():
    options, challenge = passkeys.registration_options(_me())
    session["webauthn_register"] = challenge
    return current_app.response_class(options, mimetype="application/json")


@bp.post("/account/security/passkeys")
@login_required
@step_up_required
def passkey_register():
    user = _me()
    challenge = session.pop("webauthn_register", None)
    payload = request.get_json(silent=True) or {}
    if not isinstance(challenge, str) or not isinstance(payload, dict):
        return jsonify(error=_("Start again: the passkey request has expired.")), 400
    first = not has_factor(user)
    name = payload.get("name") if isinstance(payload.get("name"), str) else ""
    try:
        passkeys.register(user, payload.get("credential"), challenge, name)
    except passkeys.PasskeyRefused:
        return jsonify(error=_("The passkey could not be added.")), 422
    mark_verified()
    flash(_("Your passkey is added."), "success")
    target = url_for("mfa.recovery_codes") if first else url_for("mfa.security")
    return jsonify(redirect=target)


@bp.post("/account/security/passkeys/<int:passkey_id>/name")
@login_required
def passkey_rename(passkey_id: int):
    form = NameForm()
    if not form.validate_on_submit():
        flash(_("Give the passkey a name of up to 80 characters."), "error")
    elif passkeys.rename(_me(), passkey_id, form.name.data):
        flash(_("Saved."), "success")
    else:
        abort(404)
    return redirect(url_for("mfa.security"))


@bp.post("/account/security/passkeys/<int:passkey_id>/remove")
@login_required
@step_up_required
def passkey_remove(passkey_id: int):
    if not passkeys.remove(_me(), passkey_id):
        abort(404)
    flash(_("The passkey is removed."), "success")
    return redirect(url_for("mfa.security"))


@bp.route("/account/security/recovery", methods=["GET", "POST"])
@login_required
@step_up_required(methods=("POST",))
def recovery_codes():
    """New recovery codes (the old ones stop working), shown once."""
    user = _me()
    if request.method == "POST":
        if not has_factor(user):
            flash(_("Add an authenticator app or a passkey first."), "info")
            return redirect(url_for("mfa.security"))
        codes = recovery.generate(user)
        return _codes_page(codes)
    return render_template("accounts/mfa_recovery.html", codes_left=recovery.remaining(user))
