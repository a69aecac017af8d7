"""A national round in the browser: 7,000 applications, 3 reviews each, 8 criteria.

Staff page through the ranking, jump to the budget line (a later page), decide the application
just above it there and come back to the same place; the "without a decision" list counts it
out. Its own server and database (the round would crowd the demo data the other browser tests
read).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest

from .conftest import PASSWORD, LiveServer, _quiet_handler

pytestmark = pytest.mark.browser

SIZE = 7_000
STAFF = "national-staff@example.test"


def _seed_round(app) -> int:
    """Schools, a committee of three, and the round (bulk inserts); returns the programme id."""
    from flask_migrate import upgrade

    from partnership.accounts.services import create_user
    from partnership.extensions import db
    from partnership.registry.models import (
        Affiliation,
        Organisation,
        OrganisationKind,
        School,
        Sector,
    )
    from partnership.review.models import CommitteeMember
    from tests.review.bulk import national_programme, seed_round

    with app.app_context():
        upgrade()
        create_user(STAFF, "เจ้าหน้าที่ มูลนิธิ", PASSWORD, is_staff=True)
        schools = [
            School(code=f"10{n:08d}", name_th=f"โรงเรียนบ้านหนองบัว {n}", province_code="40",
                   district="เมือง", affiliation=Affiliation.OBEC, min_grade=0, max_grade=8)
            for n in range(1, 41)
        ]  # fmt: skip
        programme = national_programme(
            "ทุนโน้ตบุ๊กเพื่อการศึกษา ระดับชาติ", SIZE, name_en="Notebook for Education, national"
        )
        members = []
        for k, sector in enumerate((Sector.PUBLIC, Sector.PRIVATE, Sector.PUBLIC)):
            organisation = Organisation(
                name=f"หน่วยงาน {k + 1}", kind=OrganisationKind.COMPANY, sector=sector
            )
            user = create_user(f"national-member{k}@example.test", f"กรรมการ {k + 1}", PASSWORD)
            members.append(CommitteeMember(
                programme=programme, user=user, organisation=organisation, sector=sector
            ))  # fmt: skip
        db.session.add_all([*schools, programme, *members])
        db.session.commit()
        seed_round(programme, [s.id for s in schools], [m.id for m in members], SIZE,
                   reviews_each=3)  # fmt: skip
        return programme.id


@pytest.fixture(scope="module")
def national(tmp_path_factory) -> Iterator[tuple[LiveServer, int]]:
    from werkzeug.serving import make_server

    from partnership import create_app

    folder = tmp_path_factory.mktemp("national")
    app = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'national.sqlite3'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {}, "SECRET_KEY": "browser-national", "WTF_CSRF_ENABLED": True,
        "RATELIMIT_ENABLED": False, "UPLOAD_FOLDER": str(folder / "uploads"),
    })  # fmt: skip
    programme_id = _seed_round(app)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_quiet_handler())
    thread = threading.Thread(target=server.serve_forever, name="national", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app), programme_id
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            from partnership.extensions import db

            db.engine.dispose()


def test_staff_page_jump_to_the_budget_line_and_decide_there(browser, national):
    live, programme_id = national
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(live("/login"))
        page.locator("#email").fill(STAFF)
        page.locator("#password").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(r".*/staff$"))
        with page.expect_navigation():
            page.locator(".lang-switch button[value=en]").click()

        ranking = live(f"/review/programmes/{programme_id}/ranking")
        page.goto(ranking)
        rows = page.locator("table.ranking tbody tr[id^=app-]")
        assert rows.count() == 100
        assert page.locator("table.ranking tbody tr td.num").first.inner_text() == "1"
        assert f"{SIZE:,} in all" in page.locator("main").inner_text()
        # The next page carries on the positions and the running total.
        page.locator("nav[aria-label=Pages] a[rel=next]").click()
        page.wait_for_url(re.compile(r".*page=2$"))
        assert rows.first.locator("td.num").first.inner_text() == "101"

        page.locator("a", has_text="Jump to the budget line").click()
        page.wait_for_url(re.compile(r".*page=\d+#budget-line$"))
        line_page = int(re.search(r"page=(\d+)", page.url).group(1))
        assert line_page > 2
        line = page.locator("#budget-line")
        assert line.is_visible()
        box, height = line.bounding_box(), page.viewport_size["height"]
        assert height * 0.2 < box["y"] < height * 0.6  # in view, the rows above it too
        # The last application within the budget: its running total is the page's top figure.
        last_within = page.locator("#budget-line").locator("xpath=preceding-sibling::tr[1]")
        app_id = last_within.get_attribute("id").removeprefix("app-")
        assert "Within budget" in last_within.inner_text()

        last_within.locator("select[name=decision]").select_option("rejected")
        last_within.locator("input[name=reason]").fill("ขอให้ปรับงบประมาณให้สอดคล้องกับจำนวนนักเรียน")
        last_within.locator("button[type=submit]").click()
        page.wait_for_url(re.compile(rf".*page={line_page}#app-{app_id}$"))
        assert page.locator(".flash-success").count() == 1
        decided = page.locator(f"#app-{app_id}")
        assert "Rejected" in decided.inner_text()
        assert decided.locator("input[name=reason]").input_value().startswith("ขอให้ปรับ")

        page.locator("ul.filters a", has_text="Without a decision").click()
        page.wait_for_url(re.compile(r".*show=undecided$"))
        assert f"{SIZE - 1:,} in all" in page.locator("main").inner_text()
        assert page.locator(f"#app-{app_id}").count() == 0
    finally:
        context.close()
