"""The minutes as a PDF (A4, Sarabun, fpdf2 with HarfBuzz shaping): Thai lines broken between
words by ``core/typesetting`` as the receipts and the reports are, never inside a word.

The document is in one language (``lang``): its labels, and the text in that language (the
Thai text when there is no English one). Minutes not yet approved say so on every page."""

from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _

from ...core.typesetting import FAMILY, ThaiPDF
from ...i18n import format_date, format_datetime
from .models import Minutes

INK, MUTED, WARN = (20, 20, 20), (85, 85, 85), (150, 60, 0)
MARGIN = 20
LINE = 6.2  # mm per line of 12 pt text


class _MinutesPDF(ThaiPDF):
    footer_text = ""
    status_text = ""

    def header(self) -> None:
        if self.status_text:
            self.set_y(8)
            self.set_font(FAMILY, "B", 9)
            self.set_text_color(*WARN)
            self.line_out(self.epw, 5, self.status_text, align="R")
            self.set_text_color(*INK)
            self.set_y(16)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*MUTED)
        width = self.epw * 2 / 3
        self.line_out(width, 5, self.footer_text)
        self.set_x(self.l_margin + width)
        self.line_out(self.epw - width, 5,
                      _("Page %(page)s of %(pages)s", page=self.page_no(), pages="{nb}"),
                      align="R")  # fmt: skip


def minutes_pdf(minutes: Minutes, lang: str, made_at: datetime) -> bytes:
    """The minutes as PDF bytes in ``lang`` ("th" or "en")."""
    meeting = minutes.meeting
    text = minutes.display_text(lang)
    with force_locale(lang):
        title = _("Minutes of meeting %(number)s", number=meeting.number_label)
        body_name = meeting.body.display_name(lang)
        pdf = _MinutesPDF([text, body_name, meeting.display_title(lang)])
        pdf.set_lang(lang)
        pdf.set_title(f"{title} — {body_name}")
        pdf.set_author(body_name)
        pdf.set_creator("partnership")
        pdf.set_creation_date(made_at)
        pdf.set_margins(MARGIN, 16, MARGIN)
        pdf.set_auto_page_break(True, 18)
        if minutes.is_published:
            approval = minutes.approval.agenda_item
            pdf.footer_text = _(
                "Approved at meeting %(number)s, item %(item)s, on %(date)s",
                number=approval.meeting.number_label,
                item=approval.number,
                date=format_date(approval.meeting.starts_at, lang),
            )
        else:
            pdf.status_text = _("Draft: not yet approved (%(state)s)", state=minutes.state.label)
            pdf.footer_text = _(
                "Printed on %(moment)s (Bangkok time)", moment=format_datetime(made_at, lang)
            )
        pdf.add_page()
        pdf.set_text_color(*INK)
        pdf.set_font(FAMILY, "B", 16)
        pdf.text_block(title, 8)
        pdf.set_font(FAMILY, "", 12)
        pdf.set_text_color(*MUTED)
        pdf.text_block(body_name, LINE)
        pdf.text_block(format_datetime(meeting.starts_at, lang), LINE)
        pdf.ln(4)
        pdf.set_text_color(*INK)
        for paragraph in text.split("\n"):
            if not paragraph.strip():
                pdf.ln(LINE / 2)
                continue
            pdf.text_block(paragraph, LINE)
        return bytes(pdf.output())
