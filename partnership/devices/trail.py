"""The public trail of a campaign: raised, spent, what was bought, and where the devices are.

A fixed number of aggregate queries, whatever the number of disbursements or devices; counts
and models only (never a serial number or a name from the school)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from ..campaigns.models import Campaign, CampaignBudgetLine
from ..extensions import db
from ..money import line_total_satang
from ..registry.models import Organisation
from ..spending.models import Disbursement, DisbursementLine, DisbursementState
from .models import Device, DeviceKind, DeviceState


@dataclass
class Purchase:
    item: str
    quantity: int
    amount_satang: int
    payee: str
    paid_on: date


@dataclass
class ModelCount:
    kind: DeviceKind
    model: str
    #: Confirmed by the school on a signed handover (whatever happened since).
    delivered: int = 0
    not_received: int = 0
    in_use: int = 0
    broken: int = 0
    lost_or_stolen: int = 0

    @property
    def checked(self) -> int:
        return self.in_use + self.broken + self.lost_or_stolen


@dataclass
class Trail:
    campaign: Campaign
    purchases: list[Purchase]
    models: list[ModelCount] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(m, name) for m in self.models)


def purchases_of(campaign_id: int, lang: str) -> list[Purchase]:
    """What the paid disbursements bought, line by line, in one query."""
    rows = db.session.execute(
        sa.select(
            CampaignBudgetLine.item,
            DisbursementLine.quantity,
            DisbursementLine.unit_price_satang,
            Disbursement.payee_name,
            Organisation.name,
            Organisation.name_en,
            Disbursement.paid_on,
        )
        .select_from(DisbursementLine)
        .join(Disbursement, Disbursement.id == DisbursementLine.disbursement_id)
        .join(CampaignBudgetLine, CampaignBudgetLine.id == DisbursementLine.budget_line_id)
        .outerjoin(Organisation, Organisation.id == Disbursement.payee_organisation_id)
        .where(
            Disbursement.campaign_id == campaign_id,
            Disbursement.state == DisbursementState.PAID,
        )
        .order_by(Disbursement.paid_on, Disbursement.id, DisbursementLine.position)
    ).all()
    return [
        Purchase(
            item=item,
            quantity=quantity,
            amount_satang=line_total_satang(price, quantity),
            payee=(org_en if lang == "en" and org_en else org) or payee_name,
            paid_on=paid_on,
        )
        for item, quantity, price, payee_name, org, org_en, paid_on in rows
    ]


def model_counts(campaign_id: int) -> list[ModelCount]:
    """Devices by kind and model: delivered, not received, and where they stood at the last
    check-in; one grouped query."""
    rows = db.session.execute(
        sa.select(Device.kind, Device.model, Device.state, sa.func.count(Device.id))
        .where(Device.campaign_id == campaign_id)
        .group_by(Device.kind, Device.model, Device.state)
    ).all()
    counts: dict[tuple[DeviceKind, str], ModelCount] = {}
    for kind, model, state, n in rows:
        entry = counts.setdefault((kind, model), ModelCount(kind=kind, model=model))
        if state == DeviceState.RECORDED:
            entry.not_received += n
            continue
        entry.delivered += n
        if state == DeviceState.IN_USE:
            entry.in_use += n
        elif state == DeviceState.BROKEN:
            entry.broken += n
        elif state in (DeviceState.LOST, DeviceState.STOLEN):
            entry.lost_or_stolen += n
    order = list(DeviceKind)
    return sorted(counts.values(), key=lambda m: (order.index(m.kind), m.model))


def trail_of(campaign: Campaign, lang: str) -> Trail:
    return Trail(
        campaign=campaign,
        purchases=purchases_of(campaign.id, lang),
        models=model_counts(campaign.id),
    )
