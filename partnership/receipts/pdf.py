"""The receipt as a PDF (fpdf2 with HarfBuzz shaping, the Sarabun font of core/fonts).

Rendered when the donor opens the link, never in the webhook. Labels follow the donor's
language; the amount in Thai words is always there, as Thai receipts carry it. Lines break
between words (``core/typesetting``), characters Sarabun lacks (Chinese, Arabic, emoji in a
name or address) come from the fallback fonts beside it, and the receipt is always one page:
a long address is set smaller, never pushing the amount over.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from ..core.thai import thai_baht_words
from ..core.typesetting import ThaiPDF
from ..i18n import BUDDHIST_ERA_OFFSET, format_date, to_bangkok
from ..money import format_satang
from ..payments.models import Donation, DonationTaxInfo
from .models import Receipt

#: Settings printed as they are (the foundation's own texts).
PRINTED_SETTINGS = (
    "RECEIPT_ORG_NAME",
    "RECEIPT_ORG_ADDRESS",
    "RECEIPT_SIGNATORY_NAME",
    "RECEIPT_SIGNATORY_TITLE",
)
INK, MUTED, RED = (20, 20, 20), (90, 90, 90), (180, 20, 20)
LABEL_WIDTH = 48
#: A long address is set in the first of these sizes (pt) that fits in ADDRESS_HEIGHT mm, so
#: that the receipt stays one page (the form takes 500 characters; 1,000 fit at 7 pt).
ADDRESS_SIZES = (11, 10, 9, 8, 7, 6)
ADDRESS_HEIGHT = 60


@dataclass(frozen=True)
class ReceiptView:
    """What one receipt says, in figures (satang) and words."""

    donation: Donation
    receipt: Receipt
    tax: DonationTaxInfo | None
    #: The cancelled receipt this one replaces (a partial refund), if any.
    replaces: Receipt | None = None

    @property
    def cancelled(self) -> bool:
        return self.receipt.cancelled

    @property
    def amount_satang(self) -> int:
        return self.receipt.amount_satang


def _date(moment, lang: str) -> str:
    if lang == "th":
        return format_date(moment, "th")
    year = to_bangkok(moment).year + BUDDHIST_ERA_OFFSET
    return f"{format_date(moment, 'en')} (B.E. {year})"


class _ReceiptPDF(ThaiPDF):
    def __init__(self, texts: Iterable[str] = ()):
        """``texts``: what the receipt prints besides its own labels (names, addresses)."""
        super().__init__(texts)
        self.set_margins(20, 15, 20)
        self.set_auto_page_break(True, 12)

    def para(self, text: str, size: float = 11, style: str = "", color=INK, align="L", h=6.5):
        self.set_font("Sarabun", style, size)
        self.set_text_color(*color)
        self.text_block(text, h, align)

    def pair(self, label: str, value: str, size: float = 11, h: float = 7):
        self.set_font("Sarabun", "B", 11)
        self.set_text_color(*MUTED)
        self.cell(LABEL_WIDTH, h, label)
        self.set_font("Sarabun", "", size)
        self.set_text_color(*INK)
        self.text_block(value, h)

    def fitted_pair(self, label: str, value: str) -> None:
        """A pair whose long value (an address) is set smaller rather than run long."""
        width = self.w - self.r_margin - self.l_margin - LABEL_WIDTH
        for size in ADDRESS_SIZES:
            self.set_font("Sarabun", "", size)
            if len(self.lines(value, width)) * size * 0.6 <= ADDRESS_HEIGHT:
                break
        self.pair(label, value, size=size, h=size * 0.6)


def render_receipt(view: ReceiptView) -> bytes:
    """The receipt PDF in the donor's language (labels), amounts in figures and Thai words."""
    lang = view.donation.locale if view.donation.locale in ("th", "en") else "th"
    config = current_app.config
    donation, campaign = view.donation, view.donation.campaign
    texts = [
        *(config[name] for name in PRINTED_SETTINGS),
        donation.donor_name or "",
        campaign.title,
        campaign.school.name_th,
        *((view.tax.full_name, view.tax.address) if view.tax else ()),
    ]
    with force_locale(lang):
        pdf = _ReceiptPDF(texts)
        pdf.set_lang(lang)
        pdf.set_title(_("Donation receipt") + " " + view.receipt.label)
        pdf.set_author(config["RECEIPT_ORG_NAME"])
        pdf.set_creator("partnership")
        pdf.add_page()
        _header(pdf, config, lang)
        pdf.para("ใบเสร็จรับเงินบริจาค", 20, "B", align="C", h=10)
        if lang != "th":
            pdf.para("Donation receipt", 13, "B", color=MUTED, align="C")
        _status(pdf, view)
        pdf.ln(3)
        pdf.pair(_("Receipt number"), view.receipt.label)
        pdf.pair(_("Date of the gift"), _date(donation.paid_at or view.receipt.issued_at, lang))
        if view.replaces is not None:
            pdf.pair(_("Issued on"), _date(view.receipt.issued_at, lang))
        pdf.pair(_("Received from"), view.tax.full_name if view.tax else _donor_name(donation))
        if view.tax:
            pdf.fitted_pair(_("Address"), view.tax.address)
            pdf.pair(_("Tax ID"), view.tax.masked_tax_id)
        pdf.pair(
            _("For"),
            _(
                "A gift to %(org)s for the project %(title)s of %(school)s",
                org=config["RECEIPT_ORG_NAME"],
                title=campaign.title,
                school=campaign.school.name_th,
            ),
        )
        pdf.pair(_("Paid by"), _("Online payment (card or PromptPay)"))
        pdf.ln(3)
        _amount_box(pdf, view)
        _refund_note(pdf, view)
        pdf.ln(4)
        if view.tax:
            pdf.para(
                _("The foundation reports this gift to the Revenue Department (e-Donation)."),
                10,
                color=MUTED,
            )
        else:
            pdf.para(
                _(
                    "This receipt is not for a tax deduction: the donor did not ask for a tax "
                    "receipt, so the gift is not reported to the Revenue Department."
                ),
                10,
                "B",
                color=MUTED,
            )
        _signature(pdf, config)
    return bytes(pdf.output())


def _header(pdf: _ReceiptPDF, config, lang: str) -> None:
    """The foundation: name, address, tax id and its public-charity status."""
    pdf.para(config["RECEIPT_ORG_NAME"], 16, "B")
    pdf.para(config["RECEIPT_ORG_ADDRESS"], 10, color=MUTED, h=5)
    pdf.para(_("Tax ID %(tax_id)s", tax_id=config["RECEIPT_ORG_TAX_ID"]), 10, color=MUTED, h=5)
    pdf.para(
        _(
            "A public charity under section 47(7)(b) of the Revenue Code: Ministry of Finance "
            "announcement no. %(number)s of %(date)s.",
            number=config["RECEIPT_ORG_CHARITY_ANNOUNCEMENT"],
            date=format_date(config["RECEIPT_ORG_CHARITY_DATE"], lang),
        ),
        10,
        color=MUTED,
        h=5,
    )
    pdf.ln(3)


def _status(pdf: _ReceiptPDF, view: ReceiptView) -> None:
    if not view.cancelled:
        return
    replacement = view.receipt.replaced_by
    if replacement is not None:
        text = _(
            "CANCELLED: replaced by receipt %(number)s for %(amount)s",
            number=replacement.label,
            amount=format_satang(replacement.amount_satang),
        )
    else:
        text = _("CANCELLED: the gift was refunded")
    pdf.para(text, 15, "B", color=RED, align="C", h=9)


def _refund_note(pdf: _ReceiptPDF, view: ReceiptView) -> None:
    if view.replaces is None or view.cancelled:
        return
    pdf.ln(2)
    pdf.para(
        _(
            "Partly refunded: %(refunded)s was returned; this receipt for %(kept)s replaces "
            "receipt %(number)s, which is cancelled.",
            refunded=format_satang(view.donation.amount_satang - view.amount_satang),
            kept=format_satang(view.amount_satang),
            number=view.replaces.label,
        ),
        11,
        "B",
        color=RED,
    )


def _signature(pdf: _ReceiptPDF, config) -> None:
    """The authorised signatory: the signature image (if set), the name and the title."""
    pdf.ln(6)
    width = 85
    left = pdf.w - pdf.r_margin - width
    image = config.get("RECEIPT_SIGNATURE_IMAGE")
    if image:
        pdf.image(image, x=left + 20, h=14, w=0)
    else:
        pdf.ln(10)
    pdf.set_draw_color(*MUTED)
    pdf.line(left, pdf.y, left + width, pdf.y)
    for text, color, h in (
        (f"({config['RECEIPT_SIGNATORY_NAME']})", INK, 6),
        (config["RECEIPT_SIGNATORY_TITLE"], MUTED, 5),
        (_("Authorised signatory, %(org)s", org=config["RECEIPT_ORG_NAME"]), MUTED, 5),
    ):
        pdf.set_font("Sarabun", "", 10.5 if color == INK else 10)
        pdf.set_text_color(*color)
        pdf.set_x(left)
        pdf.text_block(text, h, align="C")


def _donor_name(donation: Donation) -> str:
    return donation.donor_name or _("Anonymous donor")


def _amount_box(pdf: _ReceiptPDF, view: ReceiptView) -> None:
    amount = view.amount_satang
    width = pdf.epw
    pdf.set_draw_color(*MUTED)
    pdf.set_font("Sarabun", "B", 11)
    pdf.set_text_color(*INK)
    pdf.cell(width - 50, 9, _("Amount"), border="TB")
    pdf.set_font("Sarabun", "B", 14)
    pdf.cell(50, 9, format_satang(amount), border="TB", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Sarabun", "", 12)
    words = "\n".join(pdf.lines(f"({thai_baht_words(amount)})", width))
    pdf.multi_cell(width, 9, words, border="B", new_x="LMARGIN", new_y="NEXT")
