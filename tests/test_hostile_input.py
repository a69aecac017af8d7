"""Bad input is never a 500: a hostile corpus through every form and every id route, as every role.

Every request must answer below 500. A request the app refused (an error page, the form shown
again with its errors, or a redirect with an error message) must not have written to the
database, and a test whose requests were all refused leaves every table exactly as it found it.
The corpus, the world (the demo data) and the helpers are in tests/hostile.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from argon2 import PasswordHasher

import partnership
from partnership.accounts import passwords
from partnership.extensions import db
from tests.conftest import _clean as clean_database
from tests.hostile import (
    CORPUS,
    DECLARED_FIELDS,
    FORM_URLENCODED,
    HUGE_IDS,
    ONE_FIELD,
    QUERY_NAMES,
    QUERY_VALUES,
    ROLES,
    RULES,
    CommitWatch,
    act,
    build_world,
    digest,
    encode,
    int_args,
    page_form,
    refused,
    shut_out,
    text_args,
)

POST_RULES = [r for r in RULES if "POST" in r.methods]
FORM_PAGES = [r for r in POST_RULES if "GET" in r.methods]
GET_RULES = [r for r in RULES if "GET" in r.methods]
ID_RULES = [r for r in RULES if int_args(r)]


@pytest.fixture(scope="module")
def seeded(migrated_app):
    """One world per backend for the whole module, rebuilt only after a test changed it."""
    with pytest.MonkeyPatch.context() as patch:
        # The demo creates many accounts; the hash strength is tested in tests/accounts.
        fast = PasswordHasher(time_cost=1, memory_cost=1024)
        patch.setattr(passwords, "_hasher", fast)
        patch.setattr(passwords, "_DUMMY_HASH", fast.hash("timing-equaliser"))
        migrated_app.config.update(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
        ctx = migrated_app.app_context()
        ctx.push()
        state = {"world": build_world(), "watch": CommitWatch(db.engine)}
        state["pristine"] = digest()
        try:
            yield state
        finally:
            state["watch"].close()
            db.session.remove()
            ctx.pop()
            clean_database(migrated_app)


@pytest.fixture()
def world(seeded, migrated_app):
    db.session.rollback()
    watch = seeded["watch"]
    if watch.commits and digest() != seeded["pristine"]:
        db.session.remove()
        clean_database(migrated_app)
        seeded["world"] = build_world()
        seeded["pristine"] = digest()
    watch.commits = 0
    return seeded["world"]


@pytest.fixture()
def client(migrated_app, world):
    """A client of its own: the suite's ``client`` comes with a fresh database per test."""
    return migrated_app.test_client()


class Probe:
    """Sends requests as one role and holds refused ones to no database write."""

    def __init__(self, client, world, watch):
        self.client, self.world, self.watch = client, world, watch
        self.accepted = False

    def post(self, role: str, url: str, fields: list[tuple[str, str]], where: str):
        commits = self.watch.commits
        response = self.client.post(url, data=encode(fields), content_type=FORM_URLENCODED)
        assert response.status_code < 500, where
        if refused(self.client, response):
            assert self.watch.commits == commits, f"{where} was refused but wrote to the database"
        else:
            self.accepted = True
            act(self.client, self.world, role)  # it may have ended the session
        return response

    def unchanged_unless_accepted(self, seeded, where: str) -> None:
        if not self.accepted:
            assert digest() == seeded["pristine"], f"{where}: all refused, yet the data changed"


@pytest.mark.parametrize("rule", POST_RULES, ids=lambda r: r.endpoint)
def test_every_form_refuses_the_hostile_corpus_without_a_500(client, seeded, world, rule):
    """Each value of the corpus in every field of the form at once."""
    probe = Probe(client, world, seeded["watch"])
    for role in ROLES:
        act(client, world, role)
        url, names = world.url(rule, role), DECLARED_FIELDS
        if "GET" in rule.methods:
            page = client.get(url)
            assert page.status_code < 500, f"{role} GET {rule.rule}"
            fields = page_form(page.get_data(as_text=True), url) if page.status_code == 200 else []
            names = {name for name, _, _ in fields or ()} or names
        for label, value in CORPUS.items():
            where = f"{role} POST {rule.rule} with {label} in every field"
            response = probe.post(role, url, [(name, value) for name in sorted(names)], where)
            if shut_out(response):
                break  # the role cannot reach this form: the other values meet the same door
    probe.unchanged_unless_accepted(seeded, f"POST {rule.rule}")


@pytest.mark.parametrize("rule", FORM_PAGES, ids=lambda r: r.endpoint)
def test_one_hostile_field_in_a_valid_form_is_refused_without_a_500(client, seeded, world, rule):
    """The form as the page shows it, with one field changed: the rest passes, so this one field
    meets the rules behind the form (services, the database)."""
    probe = Probe(client, world, seeded["watch"])
    for role in ROLES:
        act(client, world, role)
        url = world.url(rule, role)
        page = client.get(url)
        fields = page_form(page.get_data(as_text=True), url) if page.status_code == 200 else None
        for index, (name, _, kind) in enumerate(fields or ()):
            for label in ONE_FIELD[kind]:
                sent = [(n, v) for n, v, _ in fields]
                sent[index] = (name, CORPUS[label])
                probe.post(role, url, sent, f"{role} POST {rule.rule} with {name}={label}")
    probe.unchanged_unless_accepted(seeded, f"POST {rule.rule}")


@pytest.mark.parametrize("rule", ID_RULES, ids=lambda r: r.endpoint)
def test_ids_beyond_the_database_are_404(client, world, rule):
    method = "GET" if "GET" in rule.methods else "POST"
    for turn, role in enumerate(ROLES):
        act(client, world, role)
        for name in int_args(rule):
            huge = HUGE_IDS[turn % len(HUGE_IDS)]  # each role its own, so every rule meets all
            url = world.url_with(rule, role, name, huge)
            response = client.open(url, method=method)
            assert response.status_code == 404, f"{role} {method} {url}"


@pytest.mark.parametrize("role", ROLES)
def test_hostile_query_strings_and_path_text_are_never_a_500(client, seeded, world, role):
    act(client, world, role)
    for rule in GET_RULES:
        url = world.url(rule, role)
        for label in QUERY_VALUES:
            query = {name: CORPUS[label] for name in QUERY_NAMES}
            response = client.get(url, query_string=query)
            assert response.status_code < 500, f"{role} GET {url} with {label} in the query"
            if response.status_code != 200:
                break  # not this role's page: the query string is never read
        for name in text_args(rule):
            for label in QUERY_VALUES:
                hostile = world.url_with(rule, role, name, CORPUS[label])
                response = client.get(hostile)
                assert response.status_code < 500, f"{role} GET {rule.rule} with {name}={label}"
    assert digest() == seeded["pristine"], "a GET changed the database"


def test_a_nul_byte_in_login_and_search_is_a_form_error(client, world):
    """The two requests the issue names: a NUL in the login e-mail and in the school search."""
    act(client, world, "anonymous")
    response = client.post("/login", data={"email": "a\x00b@example.test", "password": "x" * 9})
    assert response.status_code == 200
    assert "control characters" in response.get_data(as_text=True)
    for page in ("/schools", "/organisations"):
        response = client.get(page, query_string={"q": "a\x00b"})
        assert response.status_code == 200
        assert 'id="q-error"' in response.get_data(as_text=True)


# The requests the issue names, with the answer each must get -------------------------------

HUGE = "9999999999999999999999999"


@pytest.mark.parametrize(
    "role, path",
    [
        ("anonymous", f"/schools/{HUGE}"),
        ("anonymous", f"/organisations/{HUGE}"),
        ("anonymous", f"/programmes/{HUGE}"),
        ("staff", f"/applications/{HUGE}"),
        ("staff", "/applications/{application_id}/attachments/" + HUGE),
    ],
)
def test_an_id_too_large_for_the_database_is_404(client, world, role, path):
    act(client, world, role)
    assert client.get(path.format(**world.ids[role])).status_code == 404


@pytest.mark.parametrize(
    "role, path",
    [
        ("school", "/programmes/{programme_id}/apply?school=" + HUGE),
        ("staff", f"/partnerships/new?school={HUGE}&organisation={HUGE}"),
        ("staff", f"/programmes/{{programme_id}}/applications?province=%00&page={HUGE}"),
    ],
)
def test_an_id_too_large_in_the_query_string_is_ignored(client, world, role, path):
    act(client, world, role)
    url = path.format(**world.ids[role])
    assert client.get(url).status_code == client.get(url.partition("?")[0]).status_code


@pytest.mark.parametrize(
    "role, path, data, field, message",
    [
        ("staff", "/schools/new", {"max_grade": "ป.6"}, "max_grade", "Invalid Choice"),
        ("staff", "/schools/new", {"max_grade": ""}, "max_grade", "Invalid Choice"),
        ("school", "/network/apply", {"max_grade": "six"}, "max_grade", "Invalid Choice"),
        (
            "staff",
            "/programmes/new",
            {"opens_at": "0001-01-01T00:00", "closes_at": "2026-06-30T16:30"},
            "opens_at",
            "Enter a year from 2000 to 2100.",
        ),
        (
            "school",
            "/join",
            {"kind": "organisation", "organisation_id": HUGE},
            "organisation_id",
            "Invalid Choice",
        ),
        (
            "staff",
            "/partnerships/new",
            {"started_on": "2026-02-30"},
            "started_on",
            "Not a valid date value.",
        ),
        (
            "staff",
            "/partnerships/new",
            {"started_on": "0001-01-01"},
            "started_on",
            "Enter a year from 1900 to 2100.",
        ),
        (
            "anonymous",
            "/login",
            {"email": "a\x00b@example.test", "password": "correct horse 9"},
            "email",
            "control characters",
        ),
        ("anonymous", "/register", {"name": "ครู\x00สมศรี"}, "name", "control characters"),
    ],  # fmt: skip
)
def test_named_bad_input_is_a_form_error(client, world, role, path, data, field, message):
    act(client, world, role)
    before = digest()
    response = client.post(path, data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    error = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', html, re.S)
    assert error and message in error.group(1)
    assert "\x00" not in html  # shown again without what cannot be shown (invalid HTML)
    assert digest() == before


def test_a_text_area_keeps_tabs_and_line_breaks(client, world):
    """Only characters no keyboard types are refused: a multi-line address is fine."""
    act(client, world, "staff")
    school = world.ids["staff"]["school_id"]
    page = client.get(f"/schools/{school}/edit").get_data(as_text=True)
    fields = {name: value for name, value, _ in page_form(page, f"/schools/{school}/edit")}
    fields["address"] = "๙๙ หมู่ ๔\r\nตำบลโนนสะอาด\tอำเภอเมือง"
    fields["contact_email"] = "office@school.ac.th"  # the demo's addresses are not deliverable
    response = client.post(f"/schools/{school}/edit", data=fields)
    assert response.status_code == 302, re.findall(r'field-error"[^>]*>([^<]*)', response.text)
    from partnership.registry.models import School

    assert db.session.get(School, school).address == "๙๙ หมู่ ๔\r\nตำบลโนนสะอาด\tอำเภอเมือง"


def test_every_form_of_the_app_derives_from_the_checked_base():
    """One mechanism for every form: the control-character check cannot be forgotten."""
    from flask_wtf import FlaskForm
    from wtforms import Form

    from partnership.core.forms import BaseForm, SubForm

    def ours(cls) -> list[type]:
        found, pending = [], [cls]
        while pending:
            for sub in pending.pop().__subclasses__():
                pending.append(sub)
                if sub.__module__.startswith("partnership."):
                    found.append(sub)
        return found

    forms = ours(FlaskForm)
    assert len(forms) > 20
    assert [f for f in forms if not issubclass(f, BaseForm)] == []
    rows = [f for f in ours(Form) if not issubclass(f, FlaskForm)]
    assert [f for f in rows if not issubclass(f, SubForm)] == []
    package = Path(partnership.__file__).parent
    bypass = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "FlaskForm" in path.read_text(encoding="utf-8") and path != package / "core" / "forms.py"
    ]
    assert bypass == [], "use partnership.core.forms.BaseForm, not FlaskForm"


def test_the_watch_sees_a_committed_write(client, seeded, world):
    """Guard the harness: a request that writes is counted, so a refused one that wrote would be."""
    act(client, world, "staff")
    watch, commits = seeded["watch"], seeded["watch"].commits
    client.get("/schools")
    assert watch.commits == commits
    assert client.post("/logout").status_code == 302  # ends the sessions: session_version + 1
    assert watch.commits == commits + 1
    assert digest() != seeded["pristine"]
