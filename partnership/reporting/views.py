"""The ``reporting`` blueprint: public dashboards and reports (each page in its own module,
registered here)."""

from __future__ import annotations

from flask import Blueprint

from ..core.pagecache import cached_page
from . import province_pages

bp = Blueprint("reporting", __name__)


# -- The map of provinces and a province's page (province_pages.py) ---------------------------


@bp.get("/figures/provinces")
@cached_page(province_pages.version)
def provinces():
    """The map coloured by a chosen figure, the 77-province table and the six regions."""
    return province_pages.provinces()


@bp.get("/figures/provinces.<any(csv, xlsx):fmt>")
def provinces_export(fmt: str):
    return province_pages.provinces_export(fmt)


@bp.get("/figures/provinces/<code>")
@cached_page(province_pages.province_version)
def province_page(code: str):
    """One province: schools, pupils, applications, campaigns, money, devices, districts."""
    return province_pages.province_page(code)


@bp.get("/figures/provinces/<code>/districts.<any(csv, xlsx):fmt>")
def districts_export(code: str, fmt: str):
    return province_pages.districts_export(code, fmt)
