"""The hostile corpus and the world it is thrown at (used by tests/test_hostile_input.py).

The routes come from ``app.url_map`` and the form fields from the pages themselves, so a new
form or id route is covered without editing this file.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import sqlalchemy as sa
from flask import g
from pypdf import PdfWriter
from werkzeug.routing import IntegerConverter, UnicodeConverter

from partnership import create_app
from partnership.extensions import db

CORPUS = {
    "empty": "",
    "thai": "โรงเรียนบ้านหนองบัวลำภู ๑๒๓ ภาษาไทย",
    "long": "ก" * 100 + "x" * 19_900,  # 20,000 characters
    "nul": "a\x00b",
    "control": "line\x1bone\x07",
    "huge": "9" * 30,
    "negative": "-1",
    "float_overflow": "1e309",
    "impossible_date": "2026-02-30",
    "year_one": "0001-01-01T00:00",
    "markup": '<script>alert(1)</script><img src=x onerror="alert(1)">',
    "sql": "1' OR '1'='1'; DROP TABLE schools; --",
}
#: Which values go into one field of an otherwise valid form, by the kind of input it is.
ONE_FIELD = {
    "text": ("nul", "long"),
    "number": ("huge", "negative", "float_overflow", "empty"),
    "choice": ("huge", "negative", "empty"),
    "date": ("year_one", "impossible_date"),
    "flag": ("nul",),
}
#: What an id may be that no database integer column can hold.
HUGE_IDS = (str(2**31), str(2**63), "9" * 25)
#: Query-string names the pages read (search boxes, filters, pre-filled forms, paging).
QUERY_NAMES = (
    "q", "page", "school", "organisation", "organisation_id", "programme", "province", "region",
    "status", "partner", "sector", "kind", "state", "eligibility", "next", "token",
)  # fmt: skip
QUERY_VALUES = ("nul", "huge", "negative", "float_overflow")
ROLES = ("anonymous", "staff", "school", "sponsor", "committee")
FORM_URLENCODED = "application/x-www-form-urlencoded"

_routes_app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "routes-only"})
RULES = sorted(
    (r for r in _routes_app.url_map.iter_rules() if r.endpoint != "static"),
    key=lambda r: (r.rule, r.endpoint),
)


def int_args(rule) -> list[str]:
    return [n for n, c in rule._converters.items() if isinstance(c, IntegerConverter)]


def text_args(rule) -> list[str]:
    return [n for n, c in rule._converters.items() if type(c) is UnicodeConverter]


# The world -----------------------------------------------------------------------------------


def _one_page_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


#: The attachment of every application in the world.
MINIMAL_PDF = _one_page_pdf()


@dataclass
class World:
    #: The session id (``User.get_id()``) of each role's account; None is anonymous.
    users: dict[str, str | None]
    #: URL values per role: the objects each role can reach (its own school, its assignment).
    ids: dict[str, dict[str, int]]

    def url(self, rule, role: str, **override) -> str:
        values = {}
        for name, converter in rule._converters.items():
            if isinstance(converter, IntegerConverter):
                values[name] = self.ids[role].get(name, 1)
            elif hasattr(converter, "items"):  # <any(a, b):x>: the first choice
                values[name] = sorted(converter.items)[0]
            else:
                values[name] = "csv" if name == "fmt" else "x"
        method = sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        adapter = _routes_app.url_map.bind("localhost")
        return adapter.build(rule.endpoint, values | override, method=method)

    def url_with(self, rule, role: str, name: str, raw: str) -> str:
        """The route's URL with ``name`` set to ``raw`` (which the converter may refuse)."""
        marker = "1234567891" if name in int_args(rule) else "zzmarkerzz"
        url = self.url(rule, role, **{name: marker})
        assert url.count(marker) == 1
        return url.replace(marker, quote(raw, safe=""))


def _first(query):
    return db.session.scalar(query.limit(1))


def build_world() -> World:
    """The demo data, an attachment on every application and one pending membership."""
    from partnership.accounts.models import Membership, MembershipState, User
    from partnership.accounts.services import create_user
    from partnership.applications.models import Application, ApplicationState, Attachment
    from partnership.core.storage import get_storage
    from partnership.demo import seed_demo
    from partnership.programmes.models import Programme, ProgrammeState
    from partnership.registry.models import Partnership, School
    from partnership.review.models import CommitteeMember, ConflictOfInterest, ReviewAssignment

    seed_demo()
    from partnership.demo.governance_actions import seed_governance_actions

    seed_governance_actions()  # meeting 1/2564's action items (idempotent once seed_demo has it)
    stranger = create_user("stranger@example.test", "ผู้ขอเข้าร่วม", "correct horse 9")
    school = _first(sa.select(School).order_by(School.id))
    db.session.add(Membership(user=stranger, school=school, state=MembershipState.PENDING))
    storage = get_storage()
    for application in db.session.scalars(sa.select(Application)):
        attachment = Attachment(
            filename="แผน.pdf",
            content_type="application/pdf",
            size_bytes=len(MINIMAL_PDF),
            storage_key=f"{application.id:032x}.pdf",
            sha256=hashlib.sha256(MINIMAL_PDF).hexdigest(),
        )
        application.attachments.append(attachment)
        storage.save(attachment.storage_key, MINIMAL_PDF, attachment.content_type)
    db.session.commit()

    reviewing = _first(sa.select(Programme).where(Programme.state == ProgrammeState.REVIEWING))
    open_call = _first(sa.select(Programme).where(Programme.state == ProgrammeState.OPEN))
    draft = _first(
        sa.select(Application)
        .where(Application.state == ApplicationState.DRAFT)
        .order_by(Application.id)
    )
    school_user = _first(
        sa.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.school_id == draft.school_id, Membership.state == MembershipState.ACTIVE)
    )
    assignment = _first(
        sa.select(ReviewAssignment)
        .join(CommitteeMember)
        .where(CommitteeMember.programme_id == reviewing.id)
        .order_by(ReviewAssignment.id)
    )
    reviewed = _first(
        sa.select(Application)
        .where(
            Application.programme_id == reviewing.id,
            Application.state == ApplicationState.IN_REVIEW,
        )
        .order_by(Application.id)
    )
    sponsor = _first(
        sa.select(Membership).where(
            Membership.organisation_id.is_not(None),
            Membership.user_id.not_in(sa.select(CommitteeMember.user_id)),
        )
    )
    staff_ids = {
        "programme_id": reviewing.id,
        "application_id": reviewed.id,
        "attachment_id": reviewed.attachments[0].id,
        "school_id": reviewed.school_id,
        "organisation_id": sponsor.organisation_id,
        "partnership_id": _first(sa.select(Partnership.id).order_by(Partnership.id)),
        "member_id": assignment.member_id,
        "conflict_id": _first(
            sa.select(ConflictOfInterest.id)
            .join(CommitteeMember)
            .where(CommitteeMember.programme_id == reviewing.id)
        ),
        "assignment_id": assignment.id,
        "review_id": assignment.review.id if assignment.review else 1,
        "membership_id": _first(
            sa.select(Membership.id).where(Membership.state == MembershipState.PENDING)
        ),
        "user_id": stranger.id,
    }
    # Milestones: the demo's funded laptop campaign has them (its template steps too).
    from partnership.milestones.models import Milestone

    milestone = _first(sa.select(Milestone).order_by(Milestone.id))
    if milestone is not None:
        staff_ids |= {"milestone_id": milestone.id, "step_id": milestone.step_id}
    school_ids = {
        "programme_id": open_call.id,
        "application_id": draft.id,
        "attachment_id": draft.attachments[0].id,
        "school_id": draft.school_id,
    }
    committee_ids = {
        "application_id": assignment.application_id,
        "attachment_id": assignment.application.attachments[0].id,
    }
    staff_ids.update(_devices_world())
    staff = _first(sa.select(User).where(User.is_staff))
    # Outcomes: the funded laptop campaign, with a figure awaiting verification; the school
    # account is also staff of that campaign's school, so it reaches the report form.
    from partnership.demo.after_funding import funded_laptop_campaign
    from partnership.outcomes.services import measures_of, registry_years, report_outcomes

    laptops = funded_laptop_campaign()
    db.session.add(
        Membership(user=school_user, school=laptops.school, state=MembershipState.ACTIVE)
    )
    db.session.flush()
    db.session.expire(school_user)
    hours = measures_of(laptops.programme_id)[-1]
    (awaiting,) = report_outcomes(
        laptops, max(registry_years(laptops.school_id)), {hours.id: 5}, "", school_user
    )
    db.session.commit()
    outcome_ids = {"campaign_id": laptops.id, "measure_id": hours.id, "report_id": awaiting.id}
    staff_ids |= outcome_ids
    school_ids |= {"campaign_id": laptops.id}
    # Spending: a draft disbursement of the demo's funded campaign (its edit form, its page).
    from partnership.spending import services as spending
    from partnership.spending import suppliers as spending_suppliers
    from partnership.spending.models import Disbursement

    paid = _first(sa.select(Disbursement).order_by(Disbursement.id))
    draft = spending.create_disbursement(
        paid.campaign,
        paid_on=paid.paid_on,
        payee=spending.Payee(organisation_id=paid.payee_organisation_id),
        lines=[spending.LineValues(paid.lines[0].budget_line_id, 1, 100)],
        invoice=spending_suppliers.store_invoice(MINIMAL_PDF, "invoice.pdf"),
        actor=staff,
    )
    db.session.commit()
    staff_ids["disbursement_id"] = draft.id
    return World(
        users={
            "anonymous": None,
            "staff": staff.get_id(),
            "school": school_user.get_id(),
            "sponsor": sponsor.user.get_id(),
            "committee": assignment.member.user.get_id(),
        },
        ids={
            "anonymous": staff_ids,
            "staff": staff_ids,
            "school": staff_ids | school_ids,
            "sponsor": staff_ids,
            "committee": staff_ids | committee_ids,
        },
    )


def _devices_world() -> dict[str, int]:
    """Devices (issue 18) on campaign 1, which the campaign routes reach: a paid line of five,
    three recorded, one confirmed 190 days ago (its 6-month check-in is open), two waiting."""
    from datetime import timedelta

    from partnership.campaigns.models import Campaign
    from partnership.db_types import utcnow
    from partnership.devices.models import CheckInDue, DeviceKind
    from partnership.devices.services import confirm_handover, record_devices
    from tests.devices.helpers import paid_disbursement

    campaign = db.session.get(Campaign, 1)
    line = paid_disbursement(campaign, campaign.budget_lines[0], 5, unit_price_satang=100).lines[0]
    devices = record_devices(
        line, kind=DeviceKind.LAPTOP, model="HP 240 G8", serials=["W1", "W2", "W3"], actor=None
    )
    handover = confirm_handover(
        campaign,
        devices=devices[:1],
        received_on=utcnow().date() - timedelta(days=190),
        received_by_name="ครูผู้รับ",
        asset_numbers={},
        signed_form=("handovers/" + "e" * 32 + ".pdf", "form.pdf", "application/pdf"),
        actor=None,
    )
    from partnership.core.storage import get_storage

    get_storage().save(handover.form_key, MINIMAL_PDF, "application/pdf")
    opened = (CheckInDue.handover_id == handover.id, CheckInDue.months == 6)
    due = _first(sa.select(CheckInDue.id).where(*opened))
    db.session.commit()
    return {"line_id": line.id, "handover_id": handover.id, "due_id": due}


# Watching the database -----------------------------------------------------------------------


def digest() -> dict[str, tuple[int, str]]:
    """Per table: row count and a hash of every row, to prove refused requests changed nothing."""
    db.session.expire_all()
    result = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            rows = conn.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
            text = repr([tuple(r) for r in rows]).encode()
            result[table.name] = (len(rows), hashlib.sha256(text).hexdigest())
    return result


class CommitWatch:
    """Counts committed transactions that wrote, so each refused request can be held to none."""

    WRITES = ("INSERT", "UPDATE", "DELETE")

    def __init__(self, engine):
        self.engine, self.commits = engine, 0
        sa.event.listen(engine, "after_cursor_execute", self._executed)
        sa.event.listen(engine, "commit", self._committed)
        sa.event.listen(engine, "rollback", self._rolled_back)

    def _executed(self, conn, cursor, statement, *args) -> None:
        if statement.lstrip()[:6].upper() in self.WRITES:
            conn.info["wrote"] = True

    def _committed(self, conn) -> None:
        if conn.info.pop("wrote", False):
            self.commits += 1

    def _rolled_back(self, conn) -> None:
        conn.info.pop("wrote", None)

    def close(self) -> None:
        sa.event.remove(self.engine, "after_cursor_execute", self._executed)
        sa.event.remove(self.engine, "commit", self._committed)
        sa.event.remove(self.engine, "rollback", self._rolled_back)


# Requests ------------------------------------------------------------------------------------


def act(client, world: World, role: str) -> None:
    """Become ``role`` on the test client (anonymous: no session at all)."""
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        session.clear()
        session["locale"] = "en"
        if world.users[role] is not None:
            session["_user_id"] = world.users[role]
            session["_fresh"] = True


def refused(client, response) -> bool:
    """The app said no: an error page, the form shown again, or a redirect with an error."""
    if response.status_code >= 400 or response.status_code == 200:
        return True
    with client.session_transaction() as session:
        flashes = session.pop("_flashes", [])
    location = response.headers.get("Location", "")
    return "/login" in location or any(category == "error" for category, _ in flashes)


def shut_out(response) -> bool:
    """Refused at the door (log in first, or not allowed): the form was never read."""
    location = response.headers.get("Location", "")
    return response.status_code == 403 or (response.status_code == 302 and "/login" in location)


@cache
def _quoted(text: str) -> str:
    return quote(text, safe="")


def encode(fields: list[tuple[str, str]]) -> str:
    """A form body (the corpus is quoted once: 20,000 characters take a while)."""
    return "&".join(f"{_quoted(name)}={_quoted(value)}" for name, value in fields)


class FormParser(HTMLParser):
    """The POST forms of a page: action, and each field as (name, value, kind) the way a
    browser would submit it unchanged."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, list[tuple[str, str, str]]]] = []
        self._fields: list[tuple[str, str, str]] | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._fields = []
            self.forms.append((a.get("action", ""), self._fields))
        elif self._fields is None or (not a.get("name") and tag != "option"):
            return
        elif tag == "input" and a.get("type") not in ("submit", "file", "button", "image"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._fields.append((a["name"], a.get("value", "on"), "flag"))
                return
            if kind in ("date", "datetime-local", "time", "month"):
                kind = "date"
            elif kind == "number" or a.get("inputmode") in ("numeric", "decimal"):
                kind = "number"
            else:
                kind = "text"
            self._fields.append((a["name"], a.get("value", ""), kind))
        elif tag == "select":
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], ""

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "select" and self._select and self._fields is not None:
            chosen = [v for v, on in self._options if on] or [v for v, _ in self._options[:1]]
            self._fields.extend((self._select, v, "choice") for v in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea and self._fields is not None:
            self._fields.append((self._textarea, self._text.removeprefix("\n"), "text"))
            self._textarea = None


def page_form(html: str, url: str) -> list[tuple[str, str, str]] | None:
    """The fields of the page's form that posts back to ``url`` (None if there is none)."""
    parser = FormParser()
    parser.feed(html)
    path = urlsplit(url).path
    for action, fields in parser.forms:
        if urlsplit(action).path in ("", path) and fields:
            return [f for f in fields if f[0] != "csrf_token"]
    return None


def declared_field_names() -> set[str]:
    """Every field name any form of the app declares (for buttons posted from another page)."""
    from flask_wtf import FlaskForm
    from wtforms.fields.core import UnboundField

    names: set[str] = set()
    pending = list(FlaskForm.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        names.update(a for a in dir(cls) if isinstance(getattr(cls, a, None), UnboundField))
    return names - {"csrf_token"}


DECLARED_FIELDS = declared_field_names()
