"""Paid disbursements made directly with the spending models and ``campaigns.services.pay_out``
(the disbursement screens are another feature's), for the devices tests, the hostile world and
a development database."""

from __future__ import annotations

from datetime import date, timedelta

from partnership.accounts.services import create_user
from partnership.campaigns.services import pay_out
from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.spending.models import Disbursement, DisbursementLine, DisbursementState


def two_staff() -> tuple:
    """A submitter and an approver (four eyes: never the same person)."""
    stamp = utcnow().strftime("%H%M%S%f")
    return (
        create_user(f"buyer{stamp}@example.test", "ผู้จัดซื้อ", "correct horse 9", is_staff=True),
        create_user(f"approver{stamp}@example.test", "ผู้อนุมัติ", "correct horse 9", is_staff=True),
    )


def paid_disbursement(
    campaign,
    budget_line,
    quantity: int,
    *,
    unit_price_satang: int = 1_000,
    payee_name: str = "บริษัท คอมพิวเตอร์ไทย จำกัด",
    paid_on: date | None = None,
    staff: tuple | None = None,
    state: DisbursementState = DisbursementState.PAID,
) -> Disbursement:
    """A disbursement of one line, paid out of the campaign (flushed, not committed)."""
    submitter, approver = staff or two_staff()
    now = utcnow()
    amount = unit_price_satang * quantity
    disbursement = Disbursement(
        campaign_id=campaign.id,
        state=state,
        paid_on=paid_on or (now - timedelta(days=1)).date(),
        payee_name=payee_name,
        payee_tax_id="0105551234567",
        amount_satang=amount,
        created_by_id=submitter.id,
        submitted_by_id=submitter.id,
        submitted_at=now,
        approved_by_id=approver.id if state != DisbursementState.SUBMITTED else None,
        approved_at=now if state != DisbursementState.SUBMITTED else None,
        paid_by_id=approver.id if state == DisbursementState.PAID else None,
        paid_at=now if state == DisbursementState.PAID else None,
        lines=[
            DisbursementLine(
                budget_line_id=budget_line.id,
                position=0,
                quantity=quantity,
                unit_price_satang=unit_price_satang,
            )
        ],
    )
    db.session.add(disbursement)
    db.session.flush()
    if state == DisbursementState.PAID:
        pay_out(
            campaign.id,
            amount_satang=amount,
            source=f"disbursement:{disbursement.id}",
            public_label=payee_name,
        )
    return disbursement


def png_bytes(size=(60, 80)) -> bytes:
    """A small PNG, as a phone photo of the signed form would be."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (240, 240, 230)).save(out, "PNG")
    return out.getvalue()


def record(setting, count: int | None = None, prefix: str = "5CD1234A") -> list:
    """Record ``count`` laptops (default: the line's quantity) on the setting's line."""
    from partnership.devices.models import DeviceKind
    from partnership.devices.services import record_devices

    count = setting.line.quantity if count is None else count
    devices = record_devices(
        setting.line,
        kind=DeviceKind.LAPTOP,
        model="HP 240 G8",
        serials=[f"{prefix}{n:02d}" for n in range(1, count + 1)],
        actor=setting.staff,
    )
    db.session.commit()
    return devices


def handover_data(
    devices,
    *,
    received_on: date | None = None,
    form: bytes | None = None,
    name: str = "form.png",
    received_by: str = "ครูสมศรี รับของ",
) -> dict:
    """The handover form's fields: these devices ticked, each with an asset number."""
    import io

    data = {
        "devices": [str(d.id) for d in devices],
        "received_on": (received_on or utcnow().date() - timedelta(days=1)).isoformat(),
        "received_by": received_by,
        "signed_form": (io.BytesIO(png_bytes() if form is None else form), name),
    }
    for n, device in enumerate(devices, 1):
        data[f"asset_{device.id}"] = f"KK-{n:03d}"
    return data
