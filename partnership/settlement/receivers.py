"""``flask campaigns close-due`` settles the failed all-or-nothing campaigns after ending them."""

from __future__ import annotations

from .services import settle_failed


def refund_failed_campaigns(sender=None, **extra) -> str:
    reports = settle_failed()
    if not reports:
        return ""
    lines = []
    for r in reports:
        line = (
            f"All-or-nothing campaign {r.campaign_id}: {r.requested} refund(s) requested, "
            f"{r.answered} answered by Stripe, {r.released_satang} satang of matches released"
        )
        if r.waiting:
            line += f"; Stripe did not answer for donations {r.waiting} (run again)"
        lines.append(line)
    return "\n".join(lines)
