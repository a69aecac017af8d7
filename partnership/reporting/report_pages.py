"""The programme report and the sponsor report: a printable page and a PDF each (registered on
the ``reporting`` blueprint in ``views``). The page and the PDF print one document
(``report_docs``), in the language of ``?lang`` or else the reader's."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from flask import Response, current_app, render_template, request, url_for
from flask_babel import force_locale, gettext
from flask_login import current_user
from markupsafe import Markup

from ..core.downloads import PRIVATE_NO_STORE
from ..i18n import current_language
from ..permissions import load_or_404, require
from ..programmes.models import Programme
from ..registry.models import Organisation
from . import figures, maps, periods, report_data, report_docs
from .report_model import Key, Picture

#: How wide the map prints (mm): with its legend beside it, it fits under the key figures.
MAP_WIDTH = 80


def map_picture(values: dict[str, int], label: str, title: str, lang: str) -> Picture | None:
    """The provinces map of ``values`` (baht by province code) as ``reporting.maps`` draws it
    for print, coloured in the classes of the provinces page, with its legend (the labels of
    ``_map.html``), ``title`` above and the outlines' attribution; None without a figure."""
    if not values:
        return None
    view = maps.map_view(
        values,
        label,
        lambda baht: f"฿{baht:,}",
        lambda code: url_for("reporting.province_page", code=code, _external=True),
        lang=lang,
    )
    macros = current_app.jinja_env.get_template("reporting/_map.html").module
    return Picture(
        str(macros.map_svg(view, "report-map", printable=True, inline=True)),
        page_svg=str(macros.map_svg(view, "report-map", printable=True)),
        width=MAP_WIDTH,
        title=title,
        legend_title=label,
        legend=tuple(
            Key(c.fill, Markup(macros.class_label(view, c)).unescape().strip())
            for c in view.classes.legend
        ),
        caption=gettext("Map: @svg-maps/thailand, CC BY 4.0"),
    )


def programme_map(programme: Programme, period: periods.Period, lang: str) -> Picture | None:
    """The map of what the programme raised in each province in ``period``."""
    raised = {
        code: money.raised_satang // 100
        for code, money in figures.money_by("province", period, programme_id=programme.id).items()
        if money.raised_satang > 0
    }
    return map_picture(
        raised,
        gettext("Raised (baht)"),
        gettext("Map 1. Money raised for the programme's campaigns, by province"),
        lang,
    )


def sponsor_map(data: report_data.SponsorReport, lang: str) -> Picture | None:
    """The map of what the sponsor matched into campaigns in each province (the provinces of
    the campaigns it matched; the report's own lines, no query)."""
    matched: dict[str, int] = {}
    for line in data.campaigns:
        code = line.province_code
        matched[code] = matched.get(code, 0) + line.matched_by_sponsor_satang
    return map_picture(
        {code: satang // 100 for code, satang in matched.items()},
        gettext("Matched (baht)"),
        gettext("Map 1. What %(name)s matched into campaigns, by province",
                name=data.organisation.display_name(lang)),
        lang,
    )  # fmt: skip


def _lang() -> str:
    lang = request.args.get("lang", "")
    return lang if lang in ("th", "en") else current_language()


def _ascii(text: str) -> str:
    """A file-name part in ASCII letters, digits and dashes (Thai letters drop out)."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()


def attachment(kind: str, names: tuple[str, str], lang: str, extra: str = "") -> str:
    """``attachment; filename="programme-report-<english name>….pdf"; filename*=UTF-8''…``
    with the name as written (Thai) in ``filename*``."""
    english, written = names
    stem = "-".join(filter(None, (kind, _ascii(english) or None, _ascii(extra) or None, lang)))
    full = "-".join(filter(None, (kind, written.replace('"', ""), extra, lang))) + ".pdf"
    return f"attachment; filename=\"{stem}.pdf\"; filename*=UTF-8''{quote(full, safe='')}"


def _programme(programme_id: int):
    programme = load_or_404(Programme, programme_id)
    period = periods.from_args(request.args)
    return programme, period, report_data.programme_report(programme, period)


def programme_report(programme_id: int):
    programme, period, data = _programme(programme_id)
    lang = current_language()
    document = report_docs.programme_document(
        data, lang, map_picture=programme_map(programme, period, lang)
    )
    pdf_args = {"programme_id": programme.id, **period.args()}
    return render_template(
        "reporting/report_page.html",
        document=document,
        pdf_links=[
            (url_for("reporting.programme_report_pdf", lang=code, **pdf_args), label, code)
            for code, label in (("th", "PDF (ภาษาไทย)"), ("en", "PDF (English)"))
        ],
        period=period,
        period_kinds=periods.KIND_LABELS,
        years={kind: periods.years(kind) for kind in periods.YearKind},
        form_action=url_for("reporting.programme_report", programme_id=programme.id),
    )


def programme_report_pdf(programme_id: int):
    programme, period, data = _programme(programme_id)
    lang = _lang()
    with force_locale(lang):
        document = report_docs.programme_document(
            data, lang, map_picture=programme_map(programme, period, lang)
        )
        year = str(period.be_year) if period.be_year else ""
        from .pdf import render_report  # typesetting loads with the first PDF, not at start

        body = render_report(document)
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = attachment(
        "programme-report", (programme.name_en or f"{programme.id}", programme.name_th),
        lang, year,
    )  # fmt: skip
    return response


def _sponsor(organisation_id: int):
    organisation = load_or_404(Organisation, organisation_id)
    require(
        current_user.is_authenticated
        and (current_user.is_staff or current_user.is_member_of_organisation(organisation.id))
    )
    return organisation, report_data.sponsor_report(organisation)


def sponsor_report(organisation_id: int):
    organisation, data = _sponsor(organisation_id)
    lang = current_language()
    document = report_docs.sponsor_document(data, lang, map_picture=sponsor_map(data, lang))
    response = Response(
        render_template(
            "reporting/report_page.html",
            document=document,
            pdf_links=[
                (url_for("reporting.sponsor_report_pdf", organisation_id=organisation.id,
                         lang=code), label, code)
                for code, label in (("th", "PDF (ภาษาไทย)"), ("en", "PDF (English)"))
            ],
        )
    )  # fmt: skip
    response.headers["Cache-Control"] = PRIVATE_NO_STORE
    return response


def sponsor_report_pdf(organisation_id: int):
    organisation, data = _sponsor(organisation_id)
    lang = _lang()
    with force_locale(lang):
        from .pdf import render_report  # typesetting loads with the first PDF, not at start

        document = report_docs.sponsor_document(data, lang, map_picture=sponsor_map(data, lang))
        body = render_report(document)
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = attachment(
        "sponsor-report", (organisation.name_en or f"{organisation.id}", organisation.name), lang
    )
    response.headers["Cache-Control"] = PRIVATE_NO_STORE
    return response
