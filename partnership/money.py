"""Thai baht amounts: parsed at the form boundary into integer satang, formatted in one place."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from markupsafe import Markup

SATANG_PER_BAHT = 100
#: Upper bound for any single amount typed by a person (฿1,000,000,000.00).
MAX_SATANG = 100_000_000_000


_AMOUNT_RE = re.compile(r"[+-]?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d*)?|[+-]?\.\d+")


class MoneyError(ValueError):
    """A baht amount that cannot be read as a whole number of satang."""


def parse_baht(text: str | int | Decimal) -> int:
    """Read '14,990.50', '฿1,000' or '12' as integer satang; refuse fractions of a satang."""
    if isinstance(text, bool):
        raise MoneyError("not an amount")
    if isinstance(text, int):
        return text * SATANG_PER_BAHT
    raw = str(text).strip().replace("฿", "").replace(" ", "")
    if raw.lower().endswith("thb"):
        raw = raw[:-3]
    if not raw:
        raise MoneyError("empty amount")
    # Plain digits only: Decimal would also take '1e3', '1_000' or '1e999999999' (which overflows),
    # and commas only as thousands separators, so '1,00' is not read as one hundred baht.
    if not _AMOUNT_RE.fullmatch(raw) or len(raw) > 24:
        raise MoneyError(f"not an amount: {text!r}")
    try:
        value = Decimal(raw.replace(",", ""))
    except InvalidOperation as exc:
        raise MoneyError(f"not an amount: {text!r}") from exc
    if not value.is_finite():
        raise MoneyError("not a finite amount")
    satang = value * SATANG_PER_BAHT
    if satang != satang.to_integral_value():
        raise MoneyError("more than two decimal places")
    return int(satang)


def line_total_satang(unit_price_satang, quantity):
    """A budget line's total: unit price times quantity, in satang.

    The one place this is computed: ``BudgetLine.total_satang`` (on a row and in SQL, where the
    arguments are columns), the budget form's lines and its no-JavaScript row totals.
    """
    return unit_price_satang * quantity


def format_satang(satang: int | None, symbol: bool = True) -> str:
    """Format integer satang as ฿1,234.50 (negative as -฿1,234.50)."""
    if satang is None:
        return "—"
    sign = "-" if satang < 0 else ""
    baht, rest = divmod(abs(int(satang)), SATANG_PER_BAHT)
    return f"{sign}{'฿' if symbol else ''}{baht:,}.{rest:02d}"


def format_satang_html(satang: int | None) -> Markup:
    """``format_satang`` for a page (the ``baht`` filter): one unit a line never breaks inside."""
    # Digits, separators, a sign and the baht sign only: nothing to escape.
    return Markup(f'<span class="amount">{format_satang(satang)}</span>')


def satang_to_input(satang: int | None) -> str:
    """Show satang in a form field as plain baht ('14990.50'), the way parse_baht reads it."""
    if satang is None:
        return ""
    return format_satang(satang, symbol=False).replace(",", "")
