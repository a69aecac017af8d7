"""The receipt as a PDF (fpdf2 with HarfBuzz shaping and the Sarabun font shipped here).

Rendered when the donor opens the link, never in the webhook. Labels follow the donor's
language; the amount in Thai words is always there, as Thai receipts carry it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from fpdf import FPDF

from ..core.thai import thai_baht_words
from ..i18n import BUDDHIST_ERA_OFFSET, format_date, to_bangkok
from ..money import format_satang
from ..payments.models import Donation, DonationState
from ..payments.tax import DonationTaxInfo
from .models import Receipt

FONTS = Path(__file__).parent / "fonts"
INK, MUTED, RED = (20, 20, 20), (90, 90, 90), (180, 20, 20)


@dataclass(frozen=True)
class ReceiptView:
    """What one receipt says, in figures (satang) and words."""

    donation: Donation
    receipt: Receipt
    tax: DonationTaxInfo | None

    @property
    def returned_satang(self) -> int:
        return self.donation.refunded_satang + self.donation.disputed_satang

    @property
    def cancelled(self) -> bool:
        return self.donation.state == DonationState.REFUNDED or (
            self.returned_satang >= self.donation.amount_satang
        )

    @property
    def kept_satang(self) -> int:
        return self.donation.amount_satang - self.returned_satang


def _date(view: ReceiptView, lang: str) -> str:
    paid = view.donation.paid_at or view.receipt.issued_at
    if lang == "th":
        return format_date(paid, "th")
    year = to_bangkok(paid).year + BUDDHIST_ERA_OFFSET
    return f"{format_date(paid, 'en')} (B.E. {year})"


class _ReceiptPDF(FPDF):
    def __init__(self):
        super().__init__(format="A4", unit="mm")
        self.add_font("Sarabun", "", FONTS / "Sarabun-Regular.ttf")
        self.add_font("Sarabun", "B", FONTS / "Sarabun-Bold.ttf")
        self.set_text_shaping(True)
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(True, 18)

    def para(self, text: str, size: float = 11, style: str = "", color=INK, align="L", h=6.5):
        self.set_font("Sarabun", style, size)
        self.set_text_color(*color)
        self.multi_cell(0, h, text, align=align, new_x="LMARGIN", new_y="NEXT")

    def pair(self, label: str, value: str, size: float = 11):
        self.set_font("Sarabun", "B", size)
        self.set_text_color(*MUTED)
        self.cell(48, 7, label)
        self.set_font("Sarabun", "", size)
        self.set_text_color(*INK)
        self.multi_cell(0, 7, value, new_x="LMARGIN", new_y="NEXT")


def render_receipt(view: ReceiptView) -> bytes:
    """The receipt PDF in the donor's language (labels), amounts in figures and Thai words."""
    lang = view.donation.locale if view.donation.locale in ("th", "en") else "th"
    config = current_app.config
    donation, campaign = view.donation, view.donation.campaign
    with force_locale(lang):
        pdf = _ReceiptPDF()
        pdf.set_lang(lang)
        pdf.set_title(_("Donation receipt") + " " + view.receipt.label)
        pdf.set_author(config["RECEIPT_ORG_NAME"])
        pdf.set_creator("partnership")
        pdf.add_page()
        pdf.para(config["RECEIPT_ORG_NAME"], 16, "B")
        pdf.para(config["RECEIPT_ORG_ADDRESS"], 10.5, color=MUTED, h=5.5)
        pdf.para(_("Tax ID %(tax_id)s", tax_id=config["RECEIPT_ORG_TAX_ID"]), 10.5, color=MUTED)
        pdf.ln(5)
        pdf.para("ใบเสร็จรับเงินบริจาค", 20, "B", align="C", h=10)
        if lang != "th":
            pdf.para("Donation receipt", 13, "B", color=MUTED, align="C")
        if view.cancelled:
            pdf.para(_("CANCELLED: the gift was refunded"), 15, "B", color=RED, align="C", h=9)
        pdf.ln(4)
        pdf.pair(_("Receipt number"), view.receipt.label)
        pdf.pair(_("Date"), _date(view, lang))
        pdf.pair(_("Received from"), view.tax.full_name if view.tax else _donor_name(donation))
        if view.tax:
            pdf.pair(_("Address"), view.tax.address)
            pdf.pair(_("Tax ID"), view.tax.masked_tax_id)
        pdf.pair(_("For"), _("A gift to the project %(title)s", title=campaign.title))
        pdf.pair(_("School"), campaign.school.name_th)
        pdf.pair(_("Paid by"), _("Online payment (card or PromptPay)"))
        pdf.ln(4)
        _amount_box(pdf, view)
        if view.returned_satang and not view.cancelled:
            pdf.ln(2)
            pdf.para(
                _(
                    "Partly refunded: %(refunded)s was returned; the gift now stands at %(kept)s.",
                    refunded=format_satang(view.returned_satang),
                    kept=format_satang(view.kept_satang),
                ),
                11,
                "B",
                color=RED,
            )
        pdf.ln(10)
        if view.tax:
            pdf.para(
                _("The foundation reports this gift to the Revenue Department (e-Donation)."),
                10,
                color=MUTED,
            )
        pdf.para(
            _("Issued electronically by %(org)s.", org=config["RECEIPT_ORG_NAME"]),
            10,
            color=MUTED,
        )
    return bytes(pdf.output())


def _donor_name(donation: Donation) -> str:
    return donation.donor_name or _("Anonymous donor")


def _amount_box(pdf: _ReceiptPDF, view: ReceiptView) -> None:
    amount = view.donation.amount_satang
    width = pdf.epw
    pdf.set_draw_color(*MUTED)
    pdf.set_font("Sarabun", "B", 11)
    pdf.set_text_color(*INK)
    pdf.cell(width - 50, 9, _("Amount"), border="TB")
    pdf.set_font("Sarabun", "B", 14)
    pdf.cell(50, 9, format_satang(amount), border="TB", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Sarabun", "", 12)
    pdf.multi_cell(
        width, 9, f"({thai_baht_words(amount)})", border="B", new_x="LMARGIN", new_y="NEXT"
    )
