"""Flask CLI commands: ``flask seed-demo`` and ``flask create-staff``."""

from __future__ import annotations

import click
from flask import Flask

from .core.unit_of_work import commit_now


def register_cli(app: Flask) -> None:
    """The commands that span features (each feature's own come with its ``init_app``)."""

    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Load realistic demo data (idempotent: running it twice changes nothing)."""
        from flask import current_app

        from .demo import seed_demo

        if current_app.config.get("ENV_NAME") == "production":
            # Its passwords are printed and its donation and receipt tokens are guessable.
            raise click.ClickException(
                "seed-demo refuses to run in production: demo accounts and guessable receipt "
                "tokens must never reach a live site. Use a development or test database."
            )

        created = seed_demo()
        commit_now(reason="CLI: seed-demo")
        if created:
            click.echo("Demo accounts (passwords are shown only this once):")
            for email, role, password in created:
                click.echo(f"  {role:<18} {email:<34} {password}")
        else:
            click.echo("Demo data already present; nothing changed.")

    @app.cli.command("create-staff")
    @click.option("--email", prompt=True)
    @click.option("--name", prompt=True)
    @click.password_option()
    def create_staff_command(email: str, name: str, password: str) -> None:
        """Create a programme staff (administrator) account."""
        from .accounts.passwords import password_problem
        from .accounts.services import create_user, find_user

        problem = password_problem(password)
        if problem:
            raise click.BadParameter(problem, param_hint="password")
        if find_user(email):
            raise click.BadParameter("an account with this e-mail exists", param_hint="email")
        create_user(email, name, password, is_staff=True)
        commit_now(reason="CLI: create-staff")
        click.echo(f"Staff account {email} created.")
