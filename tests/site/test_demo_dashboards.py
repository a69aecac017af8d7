"""The demo shows the dashboards: a stalled and an ending-soon campaign for staff, the laptop
campaign's overdue milestone and unconfirmed laptop; the sponsor's pool on its dashboard."""

from __future__ import annotations

import re

import sqlalchemy as sa

from partnership.accounts.services import find_user
from partnership.campaigns.queries import ending_soon_query, stalled_query
from partnership.db_types import utcnow
from partnership.demo.dashboards import dashboard_campaigns
from partnership.extensions import db
from partnership.ledger.services import verify
from partnership.registry.models import Organisation


def test_the_demo_has_something_on_each_dashboard(app, client, login):
    from partnership.demo import seed_demo

    seed_demo()
    db.session.commit()
    ending, stalled = dashboard_campaigns()
    now = utcnow()
    assert [c.id for c in db.session.scalars(ending_soon_query(now))] == [ending.id]
    assert [c.id for c in db.session.scalars(stalled_query(now))] == [stalled.id]
    assert verify() == []

    login(find_user("staff@demo.example.org"))
    html = client.get("/staff/dashboard").get_data(as_text=True)
    for key in ("ending-soon", "stalled", "milestones-overdue", "devices-unconfirmed"):
        section = re.search(rf'<section id="{key}".*?</section>', html, re.S).group(0)
        assert "<table" in section, key

    sponsor = find_user("sponsor@demo.example.org")
    organisation = db.session.scalar(
        sa.select(Organisation).where(Organisation.name_en == "Mitr Phol Group")
    )
    assert sponsor.is_member_of_organisation(organisation.id)
    login(sponsor)
    page = client.get(f"/organisations/{organisation.id}/dashboard")
    assert page.status_code == 200
    assert 'id="campaigns-table"' in page.get_data(as_text=True)
