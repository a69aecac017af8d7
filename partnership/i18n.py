"""Language choice, Thai dates (Buddhist Era, Asia/Bangkok) and the template filters for them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g, has_request_context, session
from flask_babel import get_locale, get_translations, gettext
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

from .db_types import utcnow

BANGKOK = ZoneInfo("Asia/Bangkok")
BUDDHIST_ERA_OFFSET = 543

_TH_MONTHS = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip
_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def select_locale() -> str:
    """The visitor's language: their saved choice, else the session's, else Thai."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # a CLI command or a worker: the default, or force_locale
        return languages[0]
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    return languages[0]


def current_language() -> str:
    """'th' or 'en' for the current request."""
    return str(get_locale() or "th")


def to_bangkok(value: datetime) -> datetime:
    """Convert a stored timestamp (naive values are UTC, as SQLite returns them) to Bangkok time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(BANGKOK)


def format_date(value: date | datetime | None, lang: str | None = None) -> str:
    """30 มิ.ย. 2564 in Thai (Buddhist Era), 30 Jun 2021 in English."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = to_bangkok(value).date()
    lang = lang or current_language()
    if lang == "th":
        return f"{value.day} {_TH_MONTHS[value.month - 1]} {value.year + BUDDHIST_ERA_OFFSET}"
    return f"{value.day} {_EN_MONTHS[value.month - 1]} {value.year}"


def format_datetime(value: datetime | None, lang: str | None = None) -> str:
    """Date plus 24-hour Bangkok time: 30 มิ.ย. 2564 16:30 น."""
    if value is None:
        return "—"
    local = to_bangkok(value)
    lang = lang or current_language()
    suffix = " น." if lang == "th" else ""
    return f"{format_date(local, lang)} {local:%H:%M}{suffix}"


def last_day(ends_at: datetime) -> date:
    """The last whole Bangkok day before an exclusive end instant (midnight after it)."""
    return (to_bangkok(ends_at) - timedelta(microseconds=1)).date()


def format_last_day(ends_at: datetime | None, lang: str | None = None) -> str:
    """The last day of something that ends at ``ends_at`` (exclusive): 31 ม.ค. 2570, not
    "1 ก.พ. 2570 00:00"."""
    if ends_at is None:
        return "—"
    return format_date(last_day(ends_at), lang)


def until_end_of(ends_at: datetime | None) -> str:
    """ "until the end of 31 ม.ค. 2570" for an exclusive end instant, in the page's language."""
    return gettext("until the end of %(date)s", date=format_last_day(ends_at))


def academic_year_label(year: int, lang: str | None = None) -> str:
    """An academic year is stored as its Gregorian start year; Thai readers see it in BE."""
    lang = lang or current_language()
    return str(year + BUDDHIST_ERA_OFFSET) if lang == "th" else f"{year}/{(year + 1) % 100:02d}"


def fiscal_year_be(moment: datetime) -> int:
    """The Thai government's fiscal year of ``moment`` in BE: 1 October 2026 opens 2570."""
    day = to_bangkok(moment).date()
    return (day.year + 1 if day.month >= 10 else day.year) + BUDDHIST_ERA_OFFSET


def academic_year_be(moment: datetime) -> int:
    """The academic year of ``moment`` in BE: May 2026 to April 2027 is 2569."""
    day = to_bangkok(moment).date()
    return (day.year if day.month >= 5 else day.year - 1) + BUDDHIST_ERA_OFFSET


def current_academic_year(today: date | None = None) -> int:
    """The Thai academic year starts in May: 2026-04 is still the 2025 year."""
    today = today or utcnow().astimezone(BANGKOK).date()
    return today.year if today.month >= 5 else today.year - 1


def translations():
    """The catalogue of this request's language, found once per request and language.

    Flask-Babel finds it again on every call (four lookups through ``g``, the locale turned into
    a string): a page's forty-odd texts paid for that forty times. The catalogue is kept beside
    the locale Flask-Babel chose, and found again when that locale is another object
    (``force_locale`` for a mail in the donor's language, ``refresh`` after a language switch).
    """
    babel_state = g.get("_flask_babel") if g else None
    if babel_state is not None:
        kept = getattr(babel_state, "partnership_translations", None)
        if kept is not None and kept[0] is getattr(babel_state, "babel_locale", None):
            return kept[1]
    found = get_translations()
    babel_state = g.get("_flask_babel") if g else None
    if babel_state is not None:
        babel_state.partnership_translations = (babel_state.babel_locale, found)
    return found


@pass_context
def template_gettext(context, string: str, **variables):
    """The templates' ``_()`` and ``gettext()``: what Jinja's newstyle gettext does (the text
    translated, made Markup when escaping, then ``%`` formatted, escaping the values) in one
    call instead of three, and without formatting a text that has nothing to format. A page
    asks it some forty times."""
    text = translations().ugettext(string)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    if variables or "%" in text:  # "%%" still becomes "%", as in Jinja's own
        return text % variables
    return text


def register_i18n(app: Flask) -> None:
    """Expose the date, money and language helpers to templates."""
    from .money import format_satang_html

    # The templates' _(), ngettext() and pgettext() through the per-request catalogue.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )
    # Jinja's ``_`` calls the ``gettext`` above through two more calls of the context.
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext)

    app.jinja_env.filters["thai_date"] = format_date
    app.jinja_env.filters["thai_datetime"] = format_datetime
    app.jinja_env.filters["last_day"] = format_last_day
    app.jinja_env.filters["until_end_of"] = until_end_of
    app.jinja_env.filters["baht"] = format_satang_html
    app.jinja_env.filters["academic_year"] = academic_year_label

    @app.context_processor
    def inject_language() -> dict:
        return {"lang": current_language()}
