"""Inputs of the devices feature: serials pasted from an invoice, the handover, a check-in."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.forms import BaseForm
from ..db_types import utcnow
from ..i18n import to_bangkok
from .models import CHECK_IN_STATES, DeviceKind, DeviceState
from .services import serials_taken

#: What a serial number may hold: letters, digits and - _ / . (as printed on the label).
SERIAL = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./-]{0,79}")
#: The most serials one paste may hold (a line of an invoice for a whole school).
MAX_SERIALS = 500


def _today() -> date:
    return to_bangkok(utcnow()).date()


class DeviceEntryForm(BaseForm):
    """Serials pasted one per line, for one invoice line with ``room`` devices left."""

    kind = SelectField(_l("Kind"), choices=[])
    model = StringField(
        _l("Model"),
        validators=[DataRequired(_l("Enter the model, such as HP 240 G8.")), Length(max=120)],
    )
    serials = TextAreaField(
        _l("Serial numbers, one per line"),
        validators=[DataRequired(_l("Paste at least one serial number.")), Length(max=50_000)],
        render_kw={"rows": 12, "spellcheck": "false", "autocapitalize": "characters"},
        description=_l("Paste them from the delivery note or the invoice, one serial per line."),
    )

    def __init__(self, *args, room: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = DeviceKind.choices()
        self.room = room
        self.serial_list: list[str] = []

    def validate_serials(self, field) -> None:
        lines = [(n, text.strip()) for n, text in enumerate(field.data.splitlines(), 1)]
        lines = [(n, text) for n, text in lines if text]
        if len(lines) > MAX_SERIALS:
            raise ValidationError(_l("Paste at most %(n)d serial numbers at once.", n=MAX_SERIALS))
        problems: list[str] = []
        first_seen: dict[str, int] = {}
        for n, text in lines:
            key = text.upper()
            if not SERIAL.fullmatch(text):
                problems.append(
                    _l(
                        "Line %(n)d: “%(serial)s” is not a serial number (letters, digits and "
                        "- _ / . only, at most 80).",
                        n=n,
                        serial=text[:40],
                    )
                )
            elif key in first_seen:
                problems.append(
                    _l(
                        "Line %(n)d: %(serial)s is already on line %(first)d of this list.",
                        n=n,
                        serial=text,
                        first=first_seen[key],
                    )
                )
            else:
                first_seen[key] = n
        kind = self.kind.data if self.kind.data in set(DeviceKind) else None
        if kind is not None and first_seen:
            taken = serials_taken(DeviceKind(kind), list(first_seen))
            for serial in sorted(taken, key=first_seen.get):
                problems.append(
                    _l(
                        "Line %(n)d: %(serial)s is already recorded for a device of this kind.",
                        n=first_seen[serial],
                        serial=serial,
                    )
                )
        if problems:
            field.errors.extend(problems)
            raise ValidationError(_l("Correct the lines above; nothing was saved."))
        if len(first_seen) > self.room:
            raise ValidationError(
                _l(
                    "This invoice line has room for %(room)d more devices; the list has %(n)d.",
                    room=self.room,
                    n=len(first_seen),
                )
            )
        self.serial_list = list(first_seen)

    def validate_kind(self, field) -> None:
        if field.data not in {k.value for k in DeviceKind}:
            raise ValidationError(_l("Choose a kind from the list."))


class _Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class HandoverBase(BaseForm):
    devices = _Checkboxes(
        _l("Devices that arrived"),
        coerce=int,
        choices=[],
        invalid_choice_message=_l(
            "A ticked device is no longer waiting for confirmation (a colleague may have just"
            " confirmed it). Reload the page and tick the devices again."
        ),
        invalid_value_message=_l("Tick devices from the list."),
    )
    received_on = DateField(
        _l("Day they arrived"), validators=[InputRequired(_l("Enter the date."))]
    )
    received_by = StringField(
        _l("Received by (as signed on the form)"),
        validators=[DataRequired(_l("Enter who received the devices.")), Length(max=120)],
    )
    signed_form = FileField(
        _l("Photo or scan of the signed form (PDF, JPEG or PNG)"),
        validators=[FileRequired(_l("Add a photo or scan of the signed handover form."))],
        description=_l("Only programme staff and your school's staff can see this file."),
    )

    def validate_devices(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Tick at least one device that arrived."))

    def validate_received_on(self, field) -> None:
        today = _today()
        if field.data > today:
            raise ValidationError(_l("The date cannot be in the future."))
        if field.data < today - timedelta(days=3 * 366):
            raise ValidationError(_l("The date is more than three years ago: check it."))

    def asset_field(self, device_id: int):
        return self[f"asset_{device_id}"]


def handover_form(devices) -> HandoverBase:
    """The handover form for these waiting devices: a tick and an asset number field each."""

    class HandoverForm(HandoverBase):
        pass

    for device in devices:
        setattr(
            HandoverForm,
            f"asset_{device.id}",
            StringField(
                _l("Asset number of %(serial)s (optional)", serial=device.serial),
                validators=[Optional(), Length(max=80)],
            ),
        )
    form = HandoverForm()
    form.devices.choices = [(d.id, d.serial) for d in devices]
    return form


class CheckInBase(BaseForm):
    def answers(self, devices) -> dict[int, tuple[DeviceState, str]]:
        return {
            d.id: (
                DeviceState(self[f"status_{d.id}"].data),
                (self[f"note_{d.id}"].data or "").strip(),
            )
            for d in devices
        }


def _note_needed(form, field) -> None:
    status = form[field.name.replace("note_", "status_")].data
    if status != DeviceState.IN_USE.value and not (field.data or "").strip():
        raise ValidationError(_l("Say what happened to it."))


def check_in_form(devices) -> CheckInBase:
    """One status and one note per device of the handover."""

    class CheckInForm(CheckInBase):
        pass

    choices = [(s.value, s.label) for s in CHECK_IN_STATES]
    for device in devices:
        current = device.state.value if device.state in CHECK_IN_STATES else "in_use"
        setattr(
            CheckInForm,
            f"status_{device.id}",
            SelectField(_l("State"), choices=[], default=current),
        )
        setattr(
            CheckInForm,
            f"note_{device.id}",
            StringField(
                _l("Note"),
                validators=[_note_needed, Length(max=500)],
            ),
        )
    form = CheckInForm()
    for device in devices:
        form[f"status_{device.id}"].choices = choices
    return form
