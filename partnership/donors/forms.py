"""Forms of the donors feature: a campaign update, and the erasure confirmation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from ..core.forms import BaseForm

#: Photos sent with one update or one milestone move.
MAX_PHOTOS = 4


class PhotosForm(BaseForm):
    """Photos with the PDPA question: without the tick they stay private (staff and the
    school's staff). Milestone moves use it too."""

    photos = MultipleFileField(
        _l("Photos (JPEG or PNG, optional)"),
        description=_l("Up to %(n)d photos.", n=MAX_PHOTOS),
        render_kw={"accept": ".jpg,.jpeg,.png,image/jpeg,image/png"},
    )
    consent = BooleanField(
        _l(
            "The guardians of every child shown in these photos agreed to them being shown in "
            "public (PDPA). Without this tick the photos are seen only by the foundation's staff "
            "and the school."
        )
    )

    def validate_photos(self, field) -> None:
        if len(self.photo_files()) > MAX_PHOTOS:
            raise ValidationError(_l("At most %(n)d photos at a time.", n=MAX_PHOTOS))

    def photo_files(self) -> list:
        """The files chosen (an empty file input sends one nameless part: not a photo)."""
        return [f for f in (self.photos.data or []) if getattr(f, "filename", "")]

    def photo_bytes(self) -> list[bytes]:
        return [f.read() for f in self.photo_files()]


class CampaignUpdateForm(PhotosForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("What happened"), validators=[DataRequired(), Length(max=5000)])


class EraseForm(BaseForm):
    confirm = BooleanField(
        _l("Yes, remove my name, e-mail address and messages"),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )
