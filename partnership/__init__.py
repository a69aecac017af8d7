"""partnership: public–private school partnerships, committee scoring and crowdfunding."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from .config import load_config

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the app: settings from the environment, then ``config`` overrides (tests)."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=os.environ.get("PARTNERSHIP_INSTANCE", str(ROOT / "instance")),
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(load_config(app.instance_path))
    if config:
        app.config.update(config)
    register_extensions(app)
    register_converters(app)
    register_blueprints(app)
    register_security(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (every table known to Alembic and relationships)
    from .accounts.auth import init_login
    from .core.database import init_database
    from .core.storage import init_app as init_file_store
    from .extensions import babel, csrf, db, migrate
    from .i18n import register_i18n, select_locale
    from .security import init_rate_limits

    db.init_app(app)
    init_database(app)
    init_file_store(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )
    init_rate_limits(app)  # RATELIMIT_ENABLED is read per request (tests switch it)
    init_login(app)
    register_i18n(app)


def register_converters(app: Flask) -> None:
    """``<int:...>`` stops at the database's integer range and ``<token:...>`` takes only URL-safe
    tokens: anything else is a 404, not a 500."""
    from .core.inputs import DatabaseIntConverter, TokenConverter

    app.url_map.converters["int"] = DatabaseIntConverter
    app.url_map.converters["token"] = TokenConverter


def register_blueprints(app: Flask) -> None:
    from .accounts.mfa import manage  # noqa: F401  (the security pages, on the mfa blueprint)
    from .accounts.mfa.views import bp as mfa_bp
    from .accounts.staff_views import bp as people_bp
    from .accounts.views import bp as accounts_bp
    from .applications.screening import bp as screening_bp
    from .applications.views import bp as applications_bp
    from .campaigns.views import bp as campaigns_bp
    from .campaigns.views_staff import bp as campaigns_staff_bp
    from .core.views import bp as core_bp
    from .donors.views import bp as donors_bp
    from .gifts.views import bp as gifts_bp
    from .matching.views import bp as matching_bp
    from .notifications.views import bp as notifications_bp
    from .payments.giving import bp as giving_bp
    from .payments.views_donation import bp as donation_staff_bp
    from .payments.views_staff import bp as payments_staff_bp
    from .payments.webhooks import bp as webhooks_bp
    from .programmes.views import bp as programmes_bp
    from .receipts.edonation_views import bp as edonation_bp
    from .receipts.views import bp as receipts_bp
    from .registry.organisation_views import bp as organisations_bp
    from .registry.views import bp as registry_bp
    from .review.views_decisions import bp as decisions_bp
    from .review.views_member import bp as review_bp
    from .review.views_staff import bp as review_staff_bp
    from .settlement.views import bp as settlement_bp
    from .site.views import bp as site_bp

    for bp in (
        core_bp,
        site_bp,
        notifications_bp,
        accounts_bp,
        mfa_bp,
        people_bp,
        registry_bp,
        organisations_bp,
        programmes_bp,
        applications_bp,
        screening_bp,
        review_staff_bp,
        review_bp,
        decisions_bp,
        campaigns_bp,
        campaigns_staff_bp,
        giving_bp,
        payments_staff_bp,
        donation_staff_bp,
        webhooks_bp,
        receipts_bp,
        edonation_bp,
        gifts_bp,
        matching_bp,
        settlement_bp,
        donors_bp,
    ):
        app.register_blueprint(bp)


def register_security(app: Flask) -> None:
    from .security import init_security, trust_proxies

    init_security(app)
    trust_proxies(app)


def register_commands(app: Flask) -> None:
    from .cli import register_cli

    register_cli(app)
