"""Library forms: the search (query string), an entry (staff), a withdrawal (staff)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf.file import FileField
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ..core.forms import BaseForm, QueryForm
from ..i18n import current_language
from ..registry.provinces import PROVINCES_BY_CODE, province_choices
from .models import FIRST_YEAR_BE, LAST_YEAR_BE, EntrySource, EntryState, EntryTopic

#: The longest free text searched (longer input is cut, never an error).
MAX_QUERY = 100


class SearchForm(QueryForm):
    """The library's filters, read from the query string; a value that is not a choice is
    ignored (the list is shown unfiltered by it)."""

    q = StringField(
        lazy_pgettext("library", "Search titles and summaries"), validators=[Optional()]
    )
    topic = SelectField(
        lazy_pgettext("library", "Topic"), validators=[Optional()], validate_choice=True
    )
    province = SelectField(_l("Province"), validators=[Optional()], validate_choice=True)
    year = SelectField(_l("Year (Buddhist era)"), validators=[Optional()], validate_choice=True)
    source = SelectField(_l("Kind"), validators=[Optional()], validate_choice=True)
    state = SelectField(_l("State"), validators=[Optional()], validate_choice=True)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        lang = current_language()
        self.topic.choices = [("", _l("Any topic"))] + EntryTopic.choices()
        self.province.choices = [("", _l("Any province"))] + province_choices(lang)
        self.year.choices = [("", _l("Any year"))] + [(str(y), str(y)) for y in years]
        self.source.choices = [("", _l("Any kind"))] + EntrySource.choices()
        self.state.choices = [("", _l("Any state"))] + EntryState.choices()

    def choice(self, name: str) -> str:
        field = self[name]
        return "" if field.errors or not field.data else str(field.data)

    def year_value(self) -> int | None:
        value = self.choice("year")
        return int(value) if value.isdigit() else None


class EntryForm(BaseForm):
    """An entry's description; for a document also its PDF or link."""

    title_th = StringField(_l("Title in Thai"), validators=[DataRequired(), Length(max=300)])
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=300)])
    summary_th = TextAreaField(
        lazy_pgettext("library", "Summary in Thai"), validators=[Optional(), Length(max=4000)]
    )
    summary_en = TextAreaField(
        lazy_pgettext("library", "Summary in English"), validators=[Optional(), Length(max=4000)]
    )
    topic = SelectField(
        lazy_pgettext("library", "Topic"), validators=[DataRequired()], validate_choice=True
    )
    province_code = SelectField(
        _l("Province"),
        validators=[Optional()],
        validate_choice=True,
        description=_l("Leave empty for a national document."),
    )
    year_be = IntegerField(
        _l("Year (Buddhist era)"),
        validators=[InputRequired(), NumberRange(min=FIRST_YEAR_BE, max=LAST_YEAR_BE)],
        description=_l("The Buddhist-era year of the document, e.g. 2564."),
    )
    link_url = StringField(
        lazy_pgettext("library", "Link"),
        validators=[Optional(), Length(max=500)],
        description=_l("An https:// address of the document elsewhere, if there is no PDF."),
    )
    document = FileField(
        _l("PDF"),
        description=_l("A PDF of the document (up to the upload limit)."),
    )

    def __init__(self, *args, entry=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.entry = entry
        self.topic.choices = [
            ("", lazy_pgettext("library", "Choose a topic"))
        ] + EntryTopic.choices()
        self.province_code.choices = [("", _l("No province"))] + province_choices(
            current_language()
        )
        if entry is not None and entry.source != EntrySource.DOCUMENT:
            del self.link_url  # a source record's page is its link
            del self.document

    @property
    def is_document(self) -> bool:
        return "document" in self._fields

    def validate_link_url(self, field) -> None:
        field.data = (field.data or "").strip()
        if not field.data:
            return
        parts = urlsplit(field.data)
        if parts.scheme not in ("https", "http") or not parts.netloc or " " in field.data:
            raise ValidationError(_l("Give a full address that starts with https://."))

    def validate_province_code(self, field) -> None:
        if field.data and field.data not in PROVINCES_BY_CODE:
            raise ValidationError(_l("Choose a province from the list."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.is_document:
            has_file = self.uploaded_name() or (self.entry is not None and self.entry.file_key)
            if not has_file and not self.link_url.data:
                self.document.errors = [_l("Upload a PDF or give a link.")]
                return False
        return valid

    def uploaded_name(self) -> str:
        upload = self.document.data
        return getattr(upload, "filename", "") or "" if upload is not None else ""

    def uploaded(self) -> tuple[bytes, str] | None:
        """The PDF's bytes and name, if one was sent."""
        if not self.is_document:
            return None
        if not self.uploaded_name():
            return None
        upload = self.document.data
        return upload.read(), upload.filename

    def values(self) -> dict:
        values = {
            "title_th": self.title_th.data.strip(),
            "title_en": (self.title_en.data or "").strip(),
            "summary_th": (self.summary_th.data or "").strip(),
            "summary_en": (self.summary_en.data or "").strip(),
            "topic": EntryTopic(self.topic.data),
            "province_code": self.province_code.data or None,
            "year_be": self.year_be.data,
        }
        if self.is_document:
            values["link_url"] = self.link_url.data or ""
        return values


def entry_form_data(entry) -> dict:
    return {
        "title_th": entry.title_th,
        "title_en": entry.title_en,
        "summary_th": entry.summary_th,
        "summary_en": entry.summary_en,
        "topic": entry.topic.value,
        "province_code": entry.province_code or "",
        "year_be": entry.year_be,
        "link_url": entry.link_url,
    }


class WithdrawForm(BaseForm):
    reason = TextAreaField(
        lazy_pgettext("library", "Why is it withdrawn?"),
        validators=[DataRequired(), Length(max=1000)],
        description=_l("Kept with the entry; the public no longer sees it."),
    )


class RepublishForm(BaseForm):
    """Publish a withdrawn entry again (the button's CSRF token)."""


class CollectForm(BaseForm):
    """Collect the final reports now (the button's CSRF token)."""
