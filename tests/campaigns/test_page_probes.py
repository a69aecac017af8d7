"""The campaign page asks its sections' questions in its own statement (``hooks.add_page_probe``):
a section with nothing to show costs no statement, and one with something shows it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from partnership.extensions import db
from partnership.matching.models import MatchScope, PledgeState
from tests.campaigns.test_public_pages import add_paid_donations
from tests.crowd import counted_queries


def _tables_read(statements: list[str]) -> list[str]:
    """The table of each statement's first column (``SELECT [DISTINCT] x.col``), in order."""
    found = []
    for statement in statements:
        words = [w for w in statement.split() if w.upper() not in ("SELECT", "DISTINCT")]
        found.append(words[0].split(".", 1)[0])
    return found


def test_a_page_with_no_updates_and_no_pool_reads_the_campaign_partners_and_wall(
    client, make_campaign
):
    campaign = make_campaign()
    add_paid_donations(campaign, 3)
    url = f"/campaigns/{campaign.id}"
    with counted_queries() as statements:
        assert client.get(url).status_code == 200
    assert _tables_read(statements) == ["campaigns", "organisations", "donations"], statements


def test_a_page_with_no_gift_yet_does_not_read_the_wall(client, make_campaign):
    campaign = make_campaign()
    with counted_queries() as statements:
        html = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "donations" not in _tables_read(statements), statements
    assert 'id="donor-wall"' in html and "Be the first to give." in html


@pytest.mark.parametrize("scope", [MatchScope.CAMPAIGN, MatchScope.PROGRAMME, MatchScope.PROVINCE])
def test_a_pool_of_each_scope_is_found_and_shown(client, make_campaign, make_pledge, scope):
    campaign = make_campaign()
    elsewhere = make_campaign()  # another school, province and programme
    target = {
        MatchScope.CAMPAIGN: {"target_id": campaign.id},
        MatchScope.PROGRAMME: {"target_id": campaign.programme_id},
        MatchScope.PROVINCE: {"province_code": campaign.school.province_code},
    }[scope]
    pledge = make_pledge(campaign, scope=scope, **target)
    if scope == MatchScope.PROVINCE:
        db.session.execute(
            sa.update(type(elsewhere.school))
            .where(type(elsewhere.school).id == elsewhere.school_id)
            .values(province_code="50" if campaign.school.province_code != "50" else "10")
        )
        db.session.commit()
    ended = make_pledge(campaign, scope=scope, state=PledgeState.ENDED, **target)

    html = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert f'id="match-offer-{pledge.id}"' in html
    assert f'id="match-offer-{ended.id}"' not in html
    other = client.get(f"/campaigns/{elsewhere.id}").get_data(as_text=True)
    assert "match-offer-" not in other


def test_an_update_is_found_and_shown(client, make_campaign, make_user):
    from partnership.donors.updates import post_update

    campaign = make_campaign()
    with counted_queries() as before:
        client.get(f"/campaigns/{campaign.id}")
    assert "campaign_updates" not in _tables_read(before)

    post_update(campaign, title="ส่งมอบโน้ตบุ๊กแล้ว", body="ครบ 30 เครื่อง", author=make_user())
    db.session.commit()
    with counted_queries() as after:
        html = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "ส่งมอบโน้ตบุ๊กแล้ว" in html
    assert "campaign_updates" in _tables_read(after)
