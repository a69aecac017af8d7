"""Browser test fixtures: one live server on a fresh, seeded SQLite database, and Debian's Chromium.

The browser tests run on SQLite only: they check what a person sees and does in a real browser
(HTML validity, accessibility, layout, the language switch). The PostgreSQL path of the same views
is covered by the server-side tests, which run on both backends.

Nothing here uses the ``database_url``/``app`` fixtures of ``tests/conftest.py``: those are
parametrised per backend and empty the database after every test.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import threading
import traceback
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# Playwright must never fetch its own browser: the tests drive Debian's Chromium.
os.environ["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"
os.environ.setdefault("PARTNERSHIP_ENV", "testing")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TOOLS = Path(__file__).resolve().parent.parent / "tools"
PASSWORD = "browser test pass 7"

#: Accounts the browser tests log in with: role -> e-mail.
ACCOUNTS = {
    "staff": "browser-staff@example.test",
    "journey": "browser-journey@example.test",
    "school": "browser-school@example.test",
    "sponsor": "browser-sponsor@example.test",
    # Has only a pending request to join a school, so staff pages show a request to decide.
    "applicant": "browser-applicant@example.test",
    # Staff of the demo school whose application to the open programme is still a draft.
    "author": "browser-author@example.test",
    # Staff of network schools teaching ป.4–6 with no application to the open programme:
    # "newcomer" applies in test_application_journey, "starter" only opens the empty form.
    "newcomer": "browser-newcomer@example.test",
    "starter": "browser-starter@example.test",
    # A seeded member (the chair) of the committee reviewing the past programme; the seed
    # gives them a random password, the fixture sets PASSWORD.
    "reviewer": "reviewer1@demo.example.org",
    # Staff of the school of the funded laptop campaign (demo/after_funding.py): reports outcomes.
    "outcomes": "browser-outcomes@example.test",
    # The seeded representative of Mitr Phol Group, whose pool matched a demo campaign (its
    # sponsor report has figures, a map and tables); the fixture sets PASSWORD.
    "demo sponsor": "sponsor@demo.example.org",
}
#: Accounts the demo seeds (random passwords): the fixture only sets their password.
SEEDED = ("reviewer", "demo sponsor")

#: Schools (by code) of the school accounts besides "school" (the first school by code).
SCHOOL_OF = {
    "author": "1040050437",
    "newcomer": "1055010344",
    "starter": "1094010266",
    "outcomes": "1040050101",
}


@dataclass
class LiveServer:
    url: str
    app: object
    #: Ids of seeded rows the tests visit (``school_id``, ``organisation_id``, ...).
    ids: dict[str, int] = field(default_factory=dict)
    #: Tracebacks of exceptions the server raised while handling requests (500s).
    errors: list[str] = field(default_factory=list)

    def __call__(self, path: str) -> str:
        return self.url + path


def _seed(app) -> dict[str, int]:
    from flask_migrate import upgrade

    from partnership.accounts.models import Membership, MembershipState
    from partnership.accounts.services import change_password, create_user, find_user
    from partnership.demo import seed_demo
    from partnership.extensions import db
    from partnership.registry.models import Organisation, School, Sector

    with app.app_context():
        upgrade()
        seed_demo()
        db.session.commit()
        school = db.session.scalar(db.select(School).order_by(School.code).limit(1))
        organisation = db.session.scalar(
            db.select(Organisation).where(Organisation.sector == Sector.PRIVATE).limit(1)
        )
        users = {}
        for role, email in ACCOUNTS.items():
            if role in SEEDED:
                users[role] = find_user(email)
                change_password(users[role], PASSWORD)
                continue
            users[role] = create_user(
                email, f"ผู้ทดสอบ {role}", PASSWORD, is_staff=role in ("staff", "journey")
            )
        for role, code in SCHOOL_OF.items():
            db.session.add(
                Membership(
                    user=users[role],
                    school=db.session.scalar(db.select(School).where(School.code == code)),
                    state=MembershipState.ACTIVE,
                )
            )
        db.session.add_all(
            [
                Membership(user=users["school"], school=school, state=MembershipState.ACTIVE),
                Membership(
                    user=users["sponsor"], organisation=organisation, state=MembershipState.ACTIVE
                ),
                Membership(
                    user=users["applicant"],
                    school=school,
                    state=MembershipState.PENDING,
                    position="ครูผู้ช่วย",
                    message="ขอเข้าร่วมเพื่อดูแลข้อมูลโรงเรียน",
                ),
            ]
        )
        db.session.commit()
        return {
            "school_id": school.id,
            "organisation_id": organisation.id,
            "school_user_id": users["school"].id,
            "demo_sponsor_organisation_id": users["demo sponsor"].organisations[0].id,
            **_programme_ids(users["reviewer"], school),
            **_governance_body_ids(),
        }


def _governance_body_ids() -> dict[str, int]:
    """The demo working group, its first member and the resolution that opened a programme."""
    import sqlalchemy as sa

    from partnership.extensions import db
    from partnership.governance.models import Body, BodyMember, LinkKind, ResolutionLink

    body_id = db.session.scalar(sa.select(Body.id).order_by(Body.id).limit(1))
    return {
        "governance_body_id": body_id,
        "governance_member_id": db.session.scalar(
            sa.select(BodyMember.id).where(BodyMember.body_id == body_id).order_by(BodyMember.id)
        ),
        "governance_resolution_id": db.session.scalar(
            sa.select(ResolutionLink.resolution_id).where(
                ResolutionLink.kind == LinkKind.PROGRAMME_OPENED
            )
        ),
    }


def _programme_ids(reviewer, school) -> dict[str, int]:
    """Ids of the programmes, applications and reviews the page checks visit."""
    from partnership.applications.models import Application, ApplicationState
    from partnership.campaigns.models import Campaign, CampaignState
    from partnership.extensions import db
    from partnership.programmes.models import Programme, ProgrammeState
    from partnership.review.models import CommitteeMember, Review, ReviewAssignment, ReviewState

    def programme(state):
        return db.session.scalar(db.select(Programme.id).where(Programme.state == state))

    def reviewed(state):
        """An application the reviewer has a review of in ``state``."""
        return db.session.scalar(
            db.select(ReviewAssignment.application_id)
            .join(Review)
            .join(CommitteeMember)
            .where(CommitteeMember.user_id == reviewer.id, Review.state == state)
            .order_by(ReviewAssignment.id)
            .limit(1)
        )

    draft = db.session.scalar(
        db.select(Application.id).where(Application.state == ApplicationState.DRAFT)
    )
    ids = {
        "open_programme_id": programme(ProgrammeState.OPEN),
        "past_programme_id": programme(ProgrammeState.REVIEWING),
        "draft_application_id": draft,
        # The "school" account's own application (to the past programme, in review).
        "school_application_id": db.session.scalar(
            db.select(Application.id).where(Application.school_id == school.id)
        ),
        "ineligible_application_id": db.session.scalar(
            db.select(Application.id).where(Application.state == ApplicationState.INELIGIBLE)
        ),
        "scoring_application_id": reviewed(ReviewState.DRAFT),
        "scored_application_id": reviewed(ReviewState.SUBMITTED),
        "submitted_review_id": db.session.scalar(
            db.select(Review.id).where(Review.state == ReviewState.SUBMITTED).limit(1)
        ),
        "campaign_id": db.session.scalar(
            db.select(Campaign.id).where(Campaign.state == CampaignState.LIVE).limit(1)
        ),
        # Outcomes: the funded laptop campaign and its programme (Notebook for Education 2563).
        "funded_campaign_id": db.session.scalar(
            db.select(Campaign.id).where(Campaign.school.has(code="1040050101"))
        ),
        "outcomes_programme_id": db.session.scalar(
            db.select(Campaign.programme_id).where(Campaign.school.has(code="1040050101"))
        ),
        # Spending: the demo's reversed disbursement and the campaign it was paid from.
        **_spending_ids(),
    }
    # Delivery milestones: the demo's funded laptop campaign, its overdue milestone, its template.
    from partnership.milestones.models import Milestone, MilestoneState

    overdue = db.session.scalar(
        db.select(Milestone)
        .where(Milestone.state == MilestoneState.PENDING)
        .order_by(Milestone.due_on)
        .limit(1)
    )
    ids |= {
        "funded_campaign_id": overdue.campaign_id,
        "milestone_id": overdue.id,
        "milestone_step_id": overdue.step_id,
        "milestone_programme_id": overdue.campaign.programme_id,
    }
    missing = [name for name, value in ids.items() if value is None]
    assert not missing, f"the demo data lacks {missing}"
    return ids


def _spending_ids() -> dict[str, int]:
    from partnership.extensions import db
    from partnership.spending.models import Disbursement, DisbursementState

    reversed_ = db.session.scalar(
        db.select(Disbursement).where(Disbursement.state == DisbursementState.REVERSED).limit(1)
    )
    return {"disbursement_id": reversed_.id, "spent_campaign_id": reversed_.campaign_id}


def _quiet_handler():
    from werkzeug.serving import WSGIRequestHandler

    class QuietHandler(WSGIRequestHandler):
        """No access log: a failing test's output shows the failure, not 200 requests."""

        def log_request(self, code="-", size="-") -> None:
            pass

    return QuietHandler


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    """The app with demo data and the test accounts, served on 127.0.0.1 in a daemon thread."""
    from flask import got_request_exception
    from werkzeug.serving import make_server

    from partnership import create_app

    folder = tmp_path_factory.mktemp("live")
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'browser.sqlite3'}",
            "SQLALCHEMY_ENGINE_OPTIONS": {},
            "SECRET_KEY": "browser-test-secret",
            # CSRF stays on: the browser posts the tokens like a person's browser does.
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": False,
            "UPLOAD_FOLDER": str(folder / "uploads"),
        }
    )
    ids = _seed(app)
    live = LiveServer(url="", app=app, ids=ids)

    def record(sender, exception, **extra) -> None:
        live.errors.append("".join(traceback.format_exception(exception)))

    got_request_exception.connect(record, app, weak=False)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_quiet_handler())
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        live.url = f"http://127.0.0.1:{server.server_port}"
        app.config["BASE_URL"] = live.url  # links in mail and payment return pages come here
        yield live
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            from partnership.extensions import db

            db.engine.dispose()


@pytest.fixture(autouse=True)
def _no_server_errors(live_server):
    """A request that crashed the server fails the test with the server's traceback.

    (Under ``filterwarnings = error`` a deprecation warning inside a view is such a crash.)
    """
    live_server.errors.clear()
    yield
    if live_server.errors:
        errors, live_server.errors[:] = list(live_server.errors), []
        pytest.fail("the server raised:\n" + "\n".join(errors), pytrace=False)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium (installed by tests/setup.sh), shared by the session."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium package "
            "(run tests/setup.sh, or `apt-get install chromium`).",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture()
def page(browser, live_server):
    """A fresh, anonymous browser tab (own cookies) at 1280 px."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


def login_in_browser(tab, live_server: LiveServer, role: str) -> None:
    """Log in through the login form, as a person would."""
    tab.goto(live_server("/login"))
    tab.locator("#email").fill(ACCOUNTS[role])
    tab.locator("#password").fill(PASSWORD)
    tab.locator("main form button[type=submit]").click()
    # Each role lands on a page of its own tasks (/staff, /my/applications, ...), not /login.
    tab.wait_for_url(lambda url: "/login" not in url and "/start" not in url)


def choose_language(tab, lang: str) -> None:
    """Switch language with the header buttons if the page is not in ``lang`` yet."""
    if tab.locator("html").get_attribute("lang") != lang:
        with tab.expect_navigation():
            tab.locator(f".lang-switch button[value={lang}]").click()
    assert tab.locator("html").get_attribute("lang") == lang


# A plain HTTP client (the HTML checker gets exactly the bytes the server sends) --------------


class HttpClient:
    """urllib with a cookie jar: logs in and picks the language with real CSRF tokens."""

    def __init__(self, live_server: LiveServer):
        self.live = live_server
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.token: str | None = None

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.live(path), timeout=30) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def post(self, path: str, data: dict[str, str], *, form_page: str) -> int:
        """POST ``data`` with the CSRF token of ``form_page`` (fetched once per session)."""
        if self.token is None:
            _status, html = self.get(form_page)
            match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
            assert match, f"no CSRF token on {form_page}"
            self.token = match.group(1)
        body = urllib.parse.urlencode({"csrf_token": self.token, **data}).encode()
        try:
            with self.opener.open(self.live(path), data=body, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def submit(self, path: str, fields: tuple[tuple[str, str], ...]) -> tuple[int, str]:
        """Send the form of ``path`` with ``fields`` (and its CSRF token); the page answered."""
        _status, html = self.get(path)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
        assert match, f"no CSRF token on {path}"
        body = urllib.parse.urlencode({"csrf_token": match.group(1), **dict(fields)}).encode()
        try:
            with self.opener.open(self.live(path), data=body, timeout=30) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def login(self, role: str) -> None:
        self.token = None  # a new session on login
        self.post("/login", {"email": ACCOUNTS[role], "password": PASSWORD}, form_page="/login")
        _status, html = self.get("/")
        assert 'action="/logout"' in html, f"logging in as {role} failed"
        self.token = None

    def language(self, lang: str) -> None:
        # The switch needs no token (it is exempt); post() sends the one of a page that has it.
        self.post("/language", {"lang": lang}, form_page="/login")


@pytest.fixture(scope="session")
def http_client(live_server):
    """``http_client(role)``: an HttpClient, logged in unless role is None."""

    def make(role: str | None) -> HttpClient:
        client = HttpClient(live_server)
        if role:
            client.login(role)
        return client

    return make


# Online giving: the live server pointed at the fake Stripe ------------------------------------


@pytest.fixture()
def giving_server(live_server, fake_stripe):
    """The live server with online giving pointed at the fake, and the fake's webhooks at it."""
    app = live_server.app
    keys = {**fake_stripe.config, "STRIPE_TIMEOUT": 2.0}
    saved = {key: app.config.get(key) for key in keys}
    app.config.update(keys)
    fake_stripe.webhook_url = live_server("/webhooks/stripe")
    yield live_server
    app.config.update(saved)


def live_campaign(app) -> tuple[int, int, int]:
    """The first live demo campaign: (id, raised satang, donor count)."""
    import sqlalchemy as sa

    from partnership.campaigns.models import Campaign, CampaignState
    from partnership.extensions import db

    with app.app_context():
        campaign = db.session.scalar(
            sa.select(Campaign).where(Campaign.state == CampaignState.LIVE).order_by(Campaign.id)
        )
        return campaign.id, campaign.raised_satang, campaign.donor_count
