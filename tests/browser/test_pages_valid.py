"""Every page, in Thai and English: valid HTML (Nu checker), no serious axe-core violation,
and no horizontal scrolling on a 360 px wide phone.

To check a new page, append it to ``PAGES``. ``{school_id}``, ``{organisation_id}`` and the other
``{..._id}`` placeholders in a path are filled from ``live_server.ids`` (see ``conftest._seed``).
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import TOOLS, choose_language, login_in_browser

pytestmark = pytest.mark.browser

LANGUAGES = ("th", "en")
VNU_JAR = TOOLS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = TOOLS / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE_WIDTH = 360
# resultTypes: only violations are needed, which makes axe much faster on big pages.
AXE_RUN = "async (tags) => await axe.run(document, {runOnly: tags, resultTypes: ['violations']})"
#: Invalid HTML (stray end tag) with contrast, label and alt problems: the checkers must object.
BAD_PAGE = (
    '<!doctype html><html lang="en"><head><title>x</title></head><body><main>'
    '<p style="color:#bbb">faint</p><input id="a"><img src="x.png"></div></main></body></html>'
)


@dataclass(frozen=True)
class Page:
    path: str
    #: None (anonymous) or a role of ``conftest.ACCOUNTS``: staff, school, sponsor.
    role: str | None = None
    status: int = 200
    #: Fields to type into the page's form before sending it: the page checked is the answer
    #: (the form again with its errors, or where the app redirects with a message).
    submit: tuple[tuple[str, str], ...] = ()
    #: What state the page is in, for the test id ("after a failed login").
    state: str = ""

    @property
    def id(self) -> str:
        state = f" {self.state}" if self.state else ""
        return f"{self.path} [{self.role or 'anonymous'}]{state}"


#: The pages under test (append yours).
PAGES: list[Page] = [
    Page("/"),
    Page("/schools"),
    Page("/schools?province=40&status=member"),
    Page("/schools/{school_id}"),
    Page("/schools/{school_id}", role="staff"),
    Page("/schools/without-private-partner"),
    Page("/organisations"),
    Page("/organisations/{organisation_id}"),
    Page("/login"),
    Page("/register"),
    Page("/password/reset"),
    Page("/no-such-page", status=404),
    Page("/network/apply", role="school"),
    Page("/account", role="school"),
    Page("/account/password", role="school"),
    Page("/join", role="sponsor"),
    Page("/schools/{school_id}/edit", role="school"),
    Page("/schools/{school_id}/stats", role="school"),
    Page("/schools/{school_id}/data", role="school"),
    Page("/staff/school-data/", role="staff"),
    Page("/schools/new", role="staff"),
    Page("/organisations/new", role="staff"),
    Page("/organisations/{organisation_id}/edit", role="staff"),
    Page("/partnerships/new", role="staff"),
    Page("/staff", role="staff"),
    Page("/staff/network", role="staff"),
    Page("/staff/memberships", role="staff"),
    Page("/staff/mail", role="staff"),
    Page("/staff/people", role="staff"),
    Page("/staff/people/{school_user_id}", role="staff"),
    # Programmes and applications (issue 3).
    Page("/programmes"),
    Page("/programmes/{open_programme_id}"),
    Page("/programmes/{open_programme_id}", role="starter"),
    Page("/programmes/{past_programme_id}"),
    Page("/programmes/{open_programme_id}", role="staff"),
    Page("/programmes/new", role="staff"),
    Page("/programmes/{open_programme_id}/edit", role="staff"),
    Page("/programmes/{past_programme_id}/edit", role="staff"),
    Page("/programmes/{open_programme_id}/applications", role="staff"),
    Page("/programmes/{past_programme_id}/applications?state=in_review", role="staff"),
    Page("/programmes/{past_programme_id}/applications", role="staff"),  # eligibility reasons
    Page("/programmes/{open_programme_id}/apply", role="starter"),
    Page("/my/applications", role="author"),
    Page("/my/applications", role="school"),
    Page("/applications/{draft_application_id}", role="author"),
    Page("/applications/{draft_application_id}/edit", role="author"),
    Page("/applications/{school_application_id}", role="school"),
    Page("/applications/{school_application_id}", role="staff"),
    Page("/applications/{ineligible_application_id}", role="staff"),
    # Committee review (issue 4).
    Page("/committee", role="reviewer"),
    Page("/committee/applications/{scoring_application_id}", role="reviewer"),
    Page("/committee/applications/{scoring_application_id}/review", role="reviewer"),
    Page("/committee/applications/{scored_application_id}/scores", role="reviewer"),
    Page("/review/programmes", role="staff"),
    Page("/review/programmes/{past_programme_id}/committee", role="staff"),
    Page("/review/programmes/{past_programme_id}/assignments", role="staff"),
    Page("/review/programmes/{past_programme_id}/ranking", role="staff"),
    Page("/review/programmes/{past_programme_id}/ranking?show=undecided", role="staff"),
    Page("/review/reviews/{submitted_review_id}/reopen", role="staff"),
    Page("/applications/{school_application_id}/feedback", role="school"),
    Page("/applications/{school_application_id}/feedback", role="staff"),
    # Crowdfunding (issue 8).
    Page("/campaigns"),
    Page("/campaigns?sort=nearly&province=40"),
    Page("/campaigns/{campaign_id}"),
    Page("/campaigns/{campaign_id}", role="staff"),
    Page("/campaigns/{campaign_id}/ledger"),
    Page("/campaigns/{campaign_id}/give"),
    Page("/donations/demo-{campaign_id}-0/thanks"),
    Page("/staff/campaigns/", role="staff"),
    Page("/staff/campaigns/{campaign_id}", role="staff"),
    Page("/staff/payments/donations", role="staff"),
    Page("/staff/payments/events", role="staff"),
    # Receipts and e-Donation (issue 9).
    Page("/staff/receipts", role="staff"),
    # Matching, offline gifts, staff refunds, all-or-nothing (issue 9).
    Page("/organisations/{organisation_id}/pledges/new", role="sponsor"),
    Page("/staff/matching", role="staff"),
    Page("/staff/campaigns/{campaign_id}/gifts", role="staff"),
    Page("/staff/payments/donations/1", role="staff"),
    Page("/staff/settlement/", role="staff"),
    # Money out (issue 18): raised, spent and balance on the page, in and out on the ledger.
    Page("/campaigns/{spent_campaign_id}"),
    Page("/campaigns/{spent_campaign_id}/ledger"),
    Page("/staff/campaigns/below-zero", role="staff"),
    # Outbox, donor updates and privacy, staff donation search (issue 9).
    Page("/campaigns/{campaign_id}/updates/new", role="staff"),
    Page("/staff/mail?state=logged", role="staff"),
    Page("/staff/payments/donations?q=a&state=paid&date_from=2020-01-01", role="staff"),
    Page("/privacy/not-a-valid-link", status=400),
    # Pages with a message or with form errors, not only in their default state (issue 7).
    Page("/my/applications", state="redirected to log in, with a message"),
    Page(
        "/programmes/{open_programme_id}/apply",
        role="sponsor",
        state="redirected with an error message",
    ),
    Page(
        "/login",
        submit=(("email", "nobody@example.test"), ("password", "not the password 1")),
        state="after a failed login",
    ),
    Page(
        "/register",
        submit=(("name", "ผู้ทดสอบ"), ("email", "not-an-e-mail")),
        state="with form errors",
    ),
    Page(
        "/schools/new",
        role="staff",
        submit=(("code", "12345"), ("name_th", "โรงเรียน\u0000ทดสอบ")),
        state="with form errors",
    ),
    Page(
        "/account",
        role="school",
        submit=(("name", "ผู้ทดสอบ school"),),
        state="saved, with a message",
    ),
    Page("/schools?q=%00", state="with a refused search"),
    Page("/account/security", role="staff"),
    Page("/account/security/app", role="staff"),
    Page("/account/security/recovery", role="staff"),
    Page("/account/verify", role="staff"),
    # The e-Donation worklist (issue 15, item 20).
    Page("/staff/e-donation/", role="staff"),
    Page("/staff/e-donation/?month=2026-13", role="staff", state="with a wrong month"),
    # Outcomes, planned against reported (issue 18, section 5).
    Page("/programmes/{outcomes_programme_id}"),
    Page("/programmes/{outcomes_programme_id}", role="staff"),
    Page("/staff/outcomes/", role="staff"),
    Page("/staff/outcomes/campaigns/{funded_campaign_id}", role="staff"),
    Page("/staff/outcomes/programmes/{outcomes_programme_id}/measures", role="staff"),
    Page("/school/outcomes/", role="outcomes"),
    Page("/school/outcomes/campaigns/{funded_campaign_id}", role="outcomes"),
    # Spending (issue 18, section 2).
    Page("/campaigns/{spent_campaign_id}"),
    Page("/staff/spending/", role="staff"),
    Page("/staff/spending/campaigns/{spent_campaign_id}", role="staff"),
    Page("/staff/spending/{disbursement_id}", role="staff"),
    Page("/staff/spending/vendors", role="staff"),
    # Delivery milestones and school updates (issue 18, section 3).
    Page("/campaigns/{funded_campaign_id}"),
    Page("/campaigns/{funded_campaign_id}", role="staff"),
    Page("/campaigns/{funded_campaign_id}/milestones", role="staff"),
    Page("/milestones/{milestone_id}", role="staff"),
    Page("/campaigns/{funded_campaign_id}/updates/new", role="staff"),
    Page("/my/milestones", role="school"),
    Page("/staff/milestones/overdue", role="staff"),
    Page("/staff/milestones/programmes/{milestone_programme_id}", role="staff"),
    Page("/staff/milestones/steps/{milestone_step_id}", role="staff"),
    # Devices (issue 18): the public trail, the school's pages and the staff lists.
    Page("/campaigns/{campaign_id}/trail"),
    Page("/campaigns/{campaign_id}/devices", role="staff"),
    Page("/campaigns/{campaign_id}/devices/handover", role="staff"),
    Page("/staff/campaigns/{campaign_id}/devices", role="staff"),
    Page("/staff/devices/not-received", role="staff"),
    Page("/staff/devices/check-ins", role="staff"),
    # Reports (issue 19): the programme report (public) and the sponsor report.
    Page("/programmes/{outcomes_programme_id}/report"),
    Page("/organisations/{organisation_id}/report", role="sponsor"),
    # The public figures (issue 19): the overview, a year, the sponsors and one sponsor.
    Page("/figures"),
    Page("/figures?year_kind=academic&year=2569"),
    Page("/figures/sponsors"),
    Page("/figures/sponsors/{organisation_id}"),
    # Staff and sponsor dashboards (issue 19, section 3).
    Page("/staff/dashboard", role="staff"),
    Page("/staff/dashboard/stalled", role="staff"),
    Page("/organisations/{organisation_id}/dashboard", role="sponsor"),
    # Assemblies and public sessions (issue 20); a session's own pages once the demo's public
    # session is seeded here (seed_governance_sessions).
    Page("/governance/assemblies"),
    Page("/governance/sessions/"),
    # Running meetings (issue 20): the demo's meeting 1/2564 (the first meeting seeded) as staff.
    Page("/governance/meetings/1", role="staff"),
    Page("/governance/meetings/new/1", role="staff"),
    Page("/governance/meetings/1/agenda", role="staff"),
    Page("/governance/meetings/1/attendance", role="staff"),
    Page("/governance/meetings/items/1/resolution", role="staff"),
    # Governance minutes (issue 20): the published list; the working group's meeting 1/2564
    # (the demo's first meeting: id 1) with its published minutes, their printable page, and
    # the draft minutes of 2/2564 (id 2) as staff read and edit them.
    Page("/governance/minutes"),
    Page("/governance/meetings/1"),
    Page("/governance/meetings/1/minutes"),
    Page("/governance/meetings/1/minutes/print"),
    Page("/governance/meetings/2/minutes", role="staff"),
    Page("/governance/meetings/2/minutes/edit", role="staff"),
    # the library of lessons shared (entries come with seed_library, wired by the integrator)
    Page("/library/"),
    Page("/library/?q=khon+kaen&topic=area_based&year=2566"),
    Page("/staff/library/", role="staff"),
    Page("/staff/library/new", role="staff"),
    # Governance (issue 20): the staff pages of bodies and members, the resolution's links.
    Page("/governance/bodies/{governance_body_id}", role="staff"),
    Page("/staff/governance/bodies/new", role="staff"),
    Page("/staff/governance/bodies/{governance_body_id}/edit", role="staff"),
    Page("/staff/governance/bodies/{governance_body_id}/members/new", role="staff"),
    Page("/staff/governance/members/{governance_member_id}/end", role="staff"),
    Page("/staff/governance/members/{governance_member_id}/role", role="staff"),
    Page("/governance/resolutions/{governance_resolution_id}", role="staff"),
    # Governance: action items (issue 20).
    Page("/my/actions", role="sponsor"),
    Page("/staff/governance/actions/overdue", role="staff"),
]

# Language first: the browser tabs switch language once per role, not once per page.
CASES = [pytest.param(p, lang, id=f"{p.id}-{lang}") for lang in LANGUAGES for p in PAGES]


def _url_path(page: Page, live_server) -> str:
    return page.path.format(**live_server.ids)


# (a) The Nu HTML checker, run once over every page of the session ----------------------------


def check_html(paths: list[Path]) -> dict[str, list[str]]:
    """Run the Nu HTML checker once over ``paths``; error messages per file name."""
    assert VNU_JAR.exists(), f"{VNU_JAR} is missing: run `npm ci` in tests/tools (tests/setup.sh)"
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    errors: dict[str, list[str]] = {path.name: [] for path in paths}
    for message in json.loads(result.stderr or result.stdout)["messages"]:
        if message.get("type") not in ("error", "non-document-error"):
            continue
        # vnu names the file as a URL ("file:/tmp/.../th-003.html"): match on the file name.
        name = message.get("url", "").rsplit("/", 1)[-1]
        if name not in errors:
            raise AssertionError(f"vnu: {message}")
        text = f"line {message.get('lastLine', '?')}: {message['message']}"
        if "extract" in message:
            text += f"  [{message['extract'].strip()}]"
        errors[name].append(text)
    return errors


@pytest.fixture(scope="module")
def vnu_errors(live_server, http_client, tmp_path_factory) -> dict[tuple[Page, str], list[str]]:
    """Fetch every page in both languages, check them all in one vnu run; errors per page."""
    folder = tmp_path_factory.mktemp("html")
    files: dict[str, tuple[Page, str]] = {}
    problems: dict[tuple[Page, str], list[str]] = {}
    clients = {}
    for lang in LANGUAGES:
        for role in {page.role: None for page in PAGES}:
            if role not in clients:
                clients[role] = http_client(role)
            clients[role].language(lang)
        for number, page in enumerate(PAGES):
            path = _url_path(page, live_server)
            client = clients[page.role]
            status, html = client.submit(path, page.submit) if page.submit else client.get(path)
            problems[(page, lang)] = []
            if status != page.status:
                problems[(page, lang)].append(f"HTTP {status}, expected {page.status}")
            if f'<html lang="{lang}"' not in html:
                problems[(page, lang)].append(f"not served in {lang}")
            path = folder / f"{lang}-{number:03d}.html"
            path.write_text(html, encoding="utf-8")
            files[path.name] = (page, lang)
    # A broken page in the same run proves the checker reports errors and we match its files.
    (folder / "canary.html").write_text(BAD_PAGE, encoding="utf-8")
    results = check_html([folder / "canary.html"] + [folder / name for name in files])
    assert any("Stray end tag" in e for e in results.pop("canary.html")), "vnu missed the canary"
    for name, errors in results.items():
        problems[files[name]].extend(errors)
    return problems


@pytest.mark.parametrize(("page", "lang"), CASES)
def test_html_is_valid(vnu_errors, page, lang):
    assert vnu_errors[(page, lang)] == []


# (b) axe-core and the phone width, in Chromium ------------------------------------------------


@pytest.fixture(scope="module")
def tabs(browser, live_server):
    """One logged-in browser tab per role (anonymous too), reused across the module."""
    contexts, opened = [], {}

    def tab_for(role: str | None):
        if role not in opened:
            # bypass_csp: axe-core is injected as a script tag, which the app's CSP forbids.
            context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
            context.set_default_timeout(10_000)
            contexts.append(context)
            tab = context.new_page()
            if role:
                login_in_browser(tab, live_server, role)
            opened[role] = tab
        return opened[role]

    yield tab_for
    for context in contexts:
        context.close()


def _open(tabs, live_server, page: Page, lang: str, width: int):
    tab = tabs(page.role)
    tab.set_viewport_size({"width": width, "height": 900})
    if page.state:  # a message shows once: switch language first, not on the page itself
        tab.goto(live_server("/"))
        choose_language(tab, lang)
    response = tab.goto(live_server(_url_path(page, live_server)))
    assert response is not None and response.status == page.status
    choose_language(tab, lang)
    if page.submit:
        form = tab.locator(f'main form:has([name="{page.submit[0][0]}"])')
        for name, value in page.submit:
            form.locator(f'[name="{name}"]').fill(value)
        with tab.expect_navigation():
            form.locator("button[type=submit]").first.click()
    return tab


@pytest.mark.parametrize(("page", "lang"), CASES)
def test_no_serious_accessibility_violation(tabs, live_server, page, lang):
    tab = _open(tabs, live_server, page, lang, 1280)
    tab.add_script_tag(path=str(AXE_JS))
    result = tab.evaluate(AXE_RUN, AXE_TAGS)
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert problems == []


@pytest.mark.parametrize(("page", "lang"), CASES)
def test_no_horizontal_scroll_on_a_phone(tabs, live_server, page, lang):
    tab = _open(tabs, live_server, page, lang, PHONE_WIDTH)
    width = tab.evaluate("document.documentElement.scrollWidth")
    if width > PHONE_WIDTH:
        wide = tab.evaluate(
            """(limit) => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > limit + 1
                             && (!e.closest('.table-wrap')
                                 || ['absolute', 'fixed'].includes(getComputedStyle(e).position)))
                .slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + e.className)""",
            PHONE_WIDTH,
        )
        pytest.fail(f"page is {width}px wide at {PHONE_WIDTH}px; too wide: {wide}")


def test_axe_does_find_problems(browser):
    """Guard against an axe run that passes everything (no rules, wrong tags)."""
    tab = browser.new_page()
    try:
        tab.set_content(BAD_PAGE)
        tab.add_script_tag(path=str(AXE_JS))
        result = tab.evaluate(AXE_RUN, AXE_TAGS)
    finally:
        tab.close()
    found = {v["id"] for v in result["violations"]}
    assert {"color-contrast", "label", "image-alt"} <= found
