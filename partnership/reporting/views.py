"""The ``reporting`` blueprint: public dashboards and reports (each page in its own module,
registered here)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reporting", __name__)
