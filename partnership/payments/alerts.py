"""What staff must hear about at once (a refund that gave nothing back after all), and what a
donor hears when Stripe confirms a refund."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from ..accounts.models import User
from ..core.urls import external_url
from ..extensions import db
from ..money import format_satang
from ..notifications.services import queue_mail
from .models import Donation, DonationRefund


def staff_addresses() -> list[str]:
    """Active programme staff who proved their address."""
    return list(
        db.session.scalars(
            sa.select(User.email)
            .where(
                User.is_staff.is_(True),
                User.is_active_account.is_(True),
                User.email_confirmed_at.is_not(None),
                User.email != "",
            )
            .order_by(User.id)
        )
    )


def tell_staff_refund_failed(donation: Donation, refund: DonationRefund) -> None:
    """Queue one mail per staff member: the refund failed (or was canceled), the money is back
    with the campaign, and the donor still waits for it."""
    subject = _(
        "A refund of donation %(id)d did not go through (%(status)s)",
        id=donation.id,
        status=refund.status,
    )
    body = _(
        "Stripe reports that the refund %(refund)s of %(amount)s for donation %(id)d "
        "(%(campaign)s) is %(status)s. Reason given by Stripe: %(reason)s.\n\n"
        "The money is counted with the campaign again and the donation is %(state)s. The donor "
        "has not received it: refund again, or contact the donor.\n\n%(url)s",
        refund=refund.stripe_refund_id,
        amount=format_satang(refund.amount_satang),
        id=donation.id,
        campaign=donation.campaign.title,
        status=refund.status,
        reason=refund.failure_reason or _("none"),
        state=donation.state.label,
        url=external_url("payments_staff.donation", donation_id=donation.id),
    )
    for address in staff_addresses():
        queue_mail(address, subject, body, topic="refund-failed")


def tell_donor_refunded(donation: Donation, refund: DonationRefund) -> None:
    """Queue the donor's mail, in the donor's language: Stripe confirmed this refund."""
    with force_locale(donation.locale or "th"):
        subject = _("Your gift to %(title)s was refunded", title=donation.campaign.title)
        if refund.amount_satang >= donation.amount_satang:
            what = _("your gift of %(amount)s in full", amount=format_satang(refund.amount_satang))
        else:
            what = _(
                "%(amount)s of your gift of %(total)s",
                amount=format_satang(refund.amount_satang),
                total=format_satang(donation.amount_satang),
            )
        body = _(
            "Dear %(name)s,\n\nWe have refunded %(what)s to %(title)s, to the card or account you "
            "paid with. Your bank may take 5 to 10 days to show it.\n\nThank you for your "
            "support.\n%(url)s",
            name=donation.donor_name or _("donor"),
            what=what,
            title=donation.campaign.title,
            url=external_url("campaigns.campaign", campaign_id=donation.campaign_id),
        )
    queue_mail(donation.email, subject, body, topic="donation-refunded")
