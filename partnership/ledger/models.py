"""Ledger rows: immutable, signed amounts in satang, one source per movement."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import LABELS, LabelledEnum, UTCDateTime, enum_type, utcnow
from ..extensions import db


class LedgerKind(LabelledEnum):
    DONATION_PAID = "donation_paid"
    REFUND = "refund"
    #: A refund that failed after it was counted: the money came back.
    REFUND_REVERSED = "refund_reversed"
    DISPUTE = "dispute"
    #: A dispute the foundation won: Stripe reinstated the funds it had withdrawn.
    DISPUTE_REVERSED = "dispute_reversed"
    #: A sponsor's matching pool doubled (or more) a gift: the pool's money comes in.
    MATCH = "match"
    #: A refund, a void or a failed all-or-nothing campaign gave matched money back to its pool.
    MATCH_RETURNED = "match_returned"
    #: A bank transfer, cheque or cash that staff recorded.
    OFFLINE_GIFT = "offline_gift"
    #: An offline gift voided (a mistake) or returned by hand.
    OFFLINE_GIFT_REVERSED = "offline_gift_reversed"
    #: Money out: a disbursement paid to a vendor (laptops bought). Counts as spent, not as a
    #: smaller amount raised.
    DISBURSEMENT = "disbursement"
    #: A paid disbursement corrected: the money counts as not spent again (a new row, never an
    #: edit).
    DISBURSEMENT_REVERSED = "disbursement_reversed"


LABELS[LedgerKind] = {
    LedgerKind.DONATION_PAID: _l("Donation"),
    LedgerKind.REFUND: _l("Refund"),
    LedgerKind.REFUND_REVERSED: _l("Refund cancelled"),
    LedgerKind.DISPUTE: _l("Disputed payment"),
    LedgerKind.DISPUTE_REVERSED: _l("Dispute won: money back"),
    LedgerKind.MATCH: _l("Matched by a sponsor"),
    LedgerKind.MATCH_RETURNED: _l("Match returned to the sponsor"),
    LedgerKind.OFFLINE_GIFT: _l("Offline gift"),
    LedgerKind.OFFLINE_GIFT_REVERSED: _l("Offline gift voided or returned"),
    LedgerKind.DISBURSEMENT: _l("Paid to a supplier"),
    LedgerKind.DISBURSEMENT_REVERSED: _l("Payment to a supplier reversed"),
}

#: Kinds that bring money in (positive rows) and take it out (negative rows).
INFLOWS = frozenset(
    {
        LedgerKind.DONATION_PAID,
        LedgerKind.REFUND_REVERSED,
        LedgerKind.DISPUTE_REVERSED,
        LedgerKind.MATCH,
        LedgerKind.OFFLINE_GIFT,
        LedgerKind.DISBURSEMENT_REVERSED,
    }
)
#: Kinds that record money spent (out: negative; its reversal: positive). Every other kind moves
#: what was raised. balance = raised − spent = the sum of every row.
SPENDING = frozenset({LedgerKind.DISBURSEMENT, LedgerKind.DISBURSEMENT_REVERSED})
#: Where the money a row raises comes from: the split of ``raised`` into money given online
#: (net of refunds and disputes), matched by sponsors (net of returns) and given offline (net of
#: voids). Each campaign keeps the three beside ``raised`` (``Campaign.online_satang`` …), moved
#: by the same statement; the dashboards sum them (docs/features/reporting.md).
RAISED_FROM: dict[LedgerKind, str] = {
    LedgerKind.DONATION_PAID: "online",
    LedgerKind.REFUND: "online",
    LedgerKind.REFUND_REVERSED: "online",
    LedgerKind.DISPUTE: "online",
    LedgerKind.DISPUTE_REVERSED: "online",
    LedgerKind.MATCH: "matched",
    LedgerKind.MATCH_RETURNED: "matched",
    LedgerKind.OFFLINE_GIFT: "offline",
    LedgerKind.OFFLINE_GIFT_REVERSED: "offline",
}
#: The three parts of ``raised``, in the order the pages show them.
RAISED_PARTS = ("online", "matched", "offline")
#: Rows that never name a donor in public: money given back, taken back or returned.
NAMELESS_KINDS = frozenset(
    {
        LedgerKind.REFUND,
        LedgerKind.REFUND_REVERSED,
        LedgerKind.DISPUTE,
        LedgerKind.DISPUTE_REVERSED,
        LedgerKind.OFFLINE_GIFT_REVERSED,
    }
)
#: The CHECK tying a row's sign to its kind (kept in one place for the migration).
SIGN_MATCHES_KIND = (
    "(kind IN ('donation_paid', 'refund_reversed', 'dispute_reversed', 'match', 'offline_gift',"
    " 'disbursement_reversed') AND amount_satang > 0)"
    " OR (kind IN ('refund', 'dispute', 'match_returned', 'offline_gift_reversed',"
    " 'disbursement') AND amount_satang < 0)"
)


class LedgerEntry(db.Model):
    """One movement of money into or out of a campaign. Never updated, never deleted."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        sa.CheckConstraint("amount_satang <> 0", name="amount_not_zero"),
        sa.CheckConstraint(SIGN_MATCHES_KIND, name="sign_matches_kind"),
        sa.CheckConstraint("donor_delta IN (-1, 0, 1)", name="donor_delta_one"),
        # One row of a kind per source: a webhook delivered twice cannot write twice.
        sa.UniqueConstraint("source", "kind"),
        sa.Index("ix_ledger_entries_campaign_id_id", "campaign_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The campaign the money belongs to (the ledger knows its id, nothing more).
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="RESTRICT"))
    #: Signed: positive in, negative out.
    amount_satang: Mapped[int] = mapped_column(sa.BigInteger)
    kind: Mapped[LedgerKind] = mapped_column(enum_type(LedgerKind, "ledger_kind"))
    #: Where the movement was learnt, e.g. the Stripe event id ``evt_…``.
    source: Mapped[str] = mapped_column(sa.String(120))
    #: How the row moves the campaign's donor count: +1 a paid donation, -1 the refund that
    #: returned a donation in full (+1 again if that refund failed after).
    donor_delta: Mapped[int] = mapped_column(sa.SmallInteger, default=0, server_default="0")
    #: Shown on the public ledger: the donor's name or "anonymous donor".
    public_label: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def shown_label(self) -> str:
        """The label the public sees: none on money going back to a donor (a refund, a
        dispute), whatever an older row stored."""
        return "" if self.kind in NAMELESS_KINDS else self.public_label
