"""partnership: public–private school partnerships, committee scoring and crowdfunding."""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType

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
    register_features(app)
    register_security(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (every table known to Alembic and relationships)
    from .accounts.auth import init_login
    from .core.compression import init_app as init_compression
    from .core.database import init_database
    from .core.fragments import init_app as init_fragments
    from .core.pagination import init_app as init_pagination
    from .core.storage import init_app as init_file_store
    from .core.unit_of_work import init_unit_of_work
    from .extensions import babel, csrf, db, migrate
    from .i18n import register_i18n, select_locale
    from .security import init_rate_limits

    db.init_app(app)
    init_database(app)
    init_unit_of_work(app)  # one commit per successful unsafe request (STYLE.md 15)
    init_compression(app)  # after the commit: the last step of every response
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
    init_fragments(app)
    init_pagination(app)


def register_converters(app: Flask) -> None:
    """``<int:...>`` stops at the database's integer range and ``<token:...>`` takes only URL-safe
    tokens: anything else is a 404, not a 500."""
    from .core.inputs import DatabaseIntConverter, TokenConverter

    app.url_map.converters["int"] = DatabaseIntConverter
    app.url_map.converters["token"] = TokenConverter


def features() -> tuple[ModuleType, ...]:
    """The feature packages, bottom layer first (``LAYERS`` in tests/test_layers.py)."""
    from . import (
        accounts,
        applications,
        campaigns,
        core,
        devices,
        donors,
        gifts,
        governance,
        ledger,
        library,
        matching,
        milestones,
        notifications,
        outcomes,
        payments,
        programmes,
        receipts,
        registry,
        reporting,
        review,
        settlement,
        site,
        spending,
    )

    return (
        core,
        notifications,
        accounts,
        registry,
        programmes,
        applications,
        review,
        governance,
        ledger,
        campaigns,
        payments,
        receipts,
        gifts,
        matching,
        settlement,
        spending,
        donors,
        milestones,
        devices,
        outcomes,
        library,
        reporting,
        site,
    )


def register_features(app: Flask) -> None:
    """Each feature's ``init_app``, bottom layer first: its blueprints, its signal receivers, its
    CLI commands and its ``ledger verify`` checks. A receiver is connected here, never as a side
    effect of importing a view, so a worker or a command draws matches and numbers receipts as a
    request does. Connecting is idempotent (blinker keeps one connection per receiver), so
    building several apps in one process neither doubles nor drops a receiver."""
    for feature in features():
        feature.init_app(app)


def register_security(app: Flask) -> None:
    from .security import init_security, trust_proxies

    init_security(app)
    trust_proxies(app)


def register_commands(app: Flask) -> None:
    from .cli import register_cli

    register_cli(app)
