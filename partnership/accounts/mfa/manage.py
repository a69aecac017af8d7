"""A person's own factors: list, add (app, passkey), name, remove, and recovery codes."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
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
from ...permissions import login_required
from . import passkeys, recovery, totp
from .forms import NameForm, TotpEnrolForm
from .policy import (
    blocked,
    grace_ends,
    has_factor,
    mark_verified,
    must_have_factor,
    step_up_required,
)
from .views import bp


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
