"""Every account ``flask seed-demo`` prints can log in and get a password-reset mail."""

from __future__ import annotations

import re

import sqlalchemy as sa
from email_validator import validate_email

from partnership.accounts.models import User
from partnership.extensions import db
from partnership.registry.models import Organisation, School

from .conftest import log_in

#: "  role   e-mail   password" lines of the seed's output.
ACCOUNT_LINE = re.compile(r"^\s+(.+?)\s+(\S+@\S+)\s+(\S+)$", re.M)
NEW_PASSWORD = "a much longer secret 42"


def seeded_accounts(app) -> list[tuple[str, str, str]]:
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    accounts = ACCOUNT_LINE.findall(result.output)
    assert len(accounts) >= 4, result.output
    return accounts


def test_every_demo_login_can_log_in_and_reset_its_password(app, mailbox):
    for role, email, password in seeded_accounts(app):
        client = app.test_client()
        assert log_in(client, email, password).status_code == 302, (role, email)
        client.post("/logout")
        response = client.post("/password/reset", data={"email": email})
        assert response.status_code == 302 and response.location == "/login", (role, email)
        link = mailbox.link(email, "/password/reset/")
        done = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
        assert done.location == "/login", (role, email)
        assert log_in(client, email, NEW_PASSWORD).status_code == 302, (role, email)


def test_every_demo_address_passes_the_forms_e_mail_check(app):
    seeded_accounts(app)
    addresses = [
        *db.session.scalars(sa.select(User.email)),
        *db.session.scalars(sa.select(School.contact_email).where(School.contact_email != "")),
        *db.session.scalars(
            sa.select(Organisation.contact_email).where(Organisation.contact_email != "")
        ),
        app.config["MAIL_FROM"],
    ]
    assert len(addresses) > 10
    for address in addresses:
        validate_email(address, check_deliverability=False)  # raises for .local and the like
