"""The home page shows the money in figures (issue 19: raised, spent, devices delivered) from
the dashboards' sums and leads to the overview, in a query count that does not grow."""

from __future__ import annotations

from partnership.devices.services import count_devices
from partnership.extensions import db
from tests.crowd import build_campaign, counted_queries
from tests.reporting.pages import shown
from tests.reporting.test_figures import known  # noqa: F401 (the fixture)


def test_the_home_page_shows_what_was_raised_spent_and_delivered(client, known):  # noqa: F811
    khon_kaen, _ = known
    count_devices(khon_kaen.id, recorded=3, confirmed=2)
    db.session.commit()
    response = client.get("/")
    assert shown(response, "home-raised") == "฿3,350.00"
    assert shown(response, "home-spent") == "฿300.00"
    assert shown(response, "home-devices") == "3"
    assert 'href="/figures"' in response.text


def test_the_home_page_figures_cost_one_query_however_many_campaigns(client, make_school):
    build_campaign(make_school())
    client.get("/")
    with counted_queries() as one:
        client.get("/")
    for _ in range(3):
        build_campaign(make_school(province_code="50"))
    with counted_queries() as many:
        client.get("/")
    assert len(many) == len(one)
