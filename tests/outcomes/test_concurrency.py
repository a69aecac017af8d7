"""Six staff decide the same figure at once (live server, threads): one move and one event; the
others are told it was already decided (STYLE.md practice 12)."""

from __future__ import annotations

import sqlalchemy as sa

from partnership.extensions import db
from partnership.i18n import current_academic_year
from partnership.outcomes import services
from partnership.outcomes.models import OutcomeReport, OutcomeReportEvent, ReportState


def test_simultaneous_verdicts_move_a_figure_once(funded, make_user, app):
    from tests.live import all_at_once, live_server

    (report,) = services.report_outcomes(
        funded.campaign, current_academic_year(), {funded.measures["pupils"].id: 9}, "", funded.user
    )
    db.session.commit()
    staff = [make_user(is_staff=True) for _ in range(6)]
    with live_server(app) as server:
        sessions = [server.session_for(user) for user in staff]
        base = f"{server.url}/staff/outcomes/reports/{report.id}"

        def decide(i):
            if i % 2:
                return sessions[i].post(f"{base}/verify", allow_redirects=False)
            return sessions[i].post(
                f"{base}/return", data={"reason": f"check {i}"}, allow_redirects=False
            )

        statuses = all_at_once(6, decide)
    assert server.errors == []
    assert sorted(statuses) == [302] + [303] * 5  # one success, five refusals (flash + 303)
    db.session.expire_all()
    report = db.session.get(OutcomeReport, report.id)
    moves = db.session.scalars(
        sa.select(OutcomeReportEvent).where(
            OutcomeReportEvent.report_id == report.id,
            OutcomeReportEvent.from_state == ReportState.REPORTED,
        )
    ).all()
    assert len(moves) == 1
    assert moves[0].to_state == report.state and moves[0].actor_id == report.decided_by_id
