"""Every library route for each kind of visitor: the visitor, a donor (signed in, no role), a
school's staff, a sponsor and programme staff."""

from __future__ import annotations

import pytest

from partnership.core.storage import new_key, save_file
from partnership.extensions import db
from partnership.library.models import EntryTopic
from partnership.library.services import add_entry, withdraw

from .conftest import ROLES, pdf_bytes

OK = "ok"
LOGIN = "login"
STAFF_ONLY = {r: (OK if r == "staff" else LOGIN if r == "visitor" else 403) for r in ROLES}
STAFF_ELSE_404 = {r: (OK if r == "staff" else 404) for r in ROLES}
EVERYONE = dict.fromkeys(ROLES, OK)


@pytest.fixture()
def world(app, roles):
    """A published document with a PDF, and a withdrawn one with a PDF."""
    ids = {}
    for name in ("pub", "wd"):
        key = new_key("application/pdf", "library")
        save_file(key, pdf_bytes(), "application/pdf")
        entry = add_entry(
            title_th=f"เอกสาร {name}",
            topic=EntryTopic.LESSONS,
            year_be=2565,
            file_key=key,
            file_name=f"{name}.pdf",
        )
        ids[name] = entry.id
    withdraw(db.session.get(type(entry), ids["wd"]), "ล้าสมัย", roles["staff"])
    db.session.commit()
    return ids


FORM = {
    "title_th": "ชื่อใหม่",
    "topic": "policy",
    "year_be": "2566",
    "link_url": "https://example.org/x",
}

#: (name, method, url template, form data, expected answer per role)
ROUTES = [
    ("library", "GET", "/library/", None, EVERYONE),
    ("library filtered", "GET", "/library/?topic=lessons&year=2565&q=เอกสาร", None, EVERYONE),
    ("published entry", "GET", "/library/{pub}", None, EVERYONE),
    ("published pdf", "GET", "/library/{pub}/document.pdf", None, EVERYONE),
    ("withdrawn entry", "GET", "/library/{wd}", None, STAFF_ELSE_404),
    ("withdrawn pdf", "GET", "/library/{wd}/document.pdf", None, STAFF_ELSE_404),
    ("staff list", "GET", "/staff/library/", None, STAFF_ONLY),
    ("new form", "GET", "/staff/library/new", None, STAFF_ONLY),
    ("add", "POST", "/staff/library/new", FORM, STAFF_ONLY),
    ("edit form", "GET", "/staff/library/{pub}/edit", None, STAFF_ONLY),
    ("edit", "POST", "/staff/library/{pub}/edit", FORM, STAFF_ONLY),
    ("withdraw form", "GET", "/staff/library/{pub}/withdraw", None, STAFF_ONLY),
    ("withdraw", "POST", "/staff/library/{pub}/withdraw", {"reason": "ซ้ำ"}, STAFF_ONLY),
    ("republish", "POST", "/staff/library/{wd}/republish", {}, STAFF_ONLY),
    ("collect", "POST", "/staff/library/collect", {}, STAFF_ONLY),
]


def _check(client, response, method, want):
    if want == OK:
        assert response.status_code in ((200,) if method == "GET" else (302, 303)), (
            response.status_code,
            response.get_data(as_text=True)[:500],
        )
        if method == "POST":
            assert "/login" not in response.headers["Location"]
            after = client.get(response.headers["Location"]).get_data(as_text=True)
            assert "flash-error" not in after
    elif want == LOGIN:
        assert response.status_code in (302, 401)
        if response.status_code == 302:
            assert "/login" in response.headers["Location"]
    else:
        assert response.status_code == want, response.status_code


@pytest.mark.parametrize("route", ROUTES, ids=[r[0] for r in ROUTES])
def test_matrix(client, world, as_role, route):
    _name, method, template, data, expected = route
    url = template.format(**world)
    # the refused roles first (nothing changes), then staff, whose post succeeds
    for role in sorted(ROLES, key=lambda r: expected[r] == OK):
        as_role(role)
        response = client.get(url) if method == "GET" else client.post(url, data=dict(data))
        _check(client, response, method, expected[role])


def test_refused_posts_change_nothing(client, world, as_role):
    import sqlalchemy as sa

    from partnership.library.models import LibraryEntry, LibraryEntryEvent

    def snapshot():
        db.session.expire_all()
        return (
            [(e.id, e.state, e.title_th) for e in db.session.scalars(sa.select(LibraryEntry))],
            db.session.scalar(sa.select(sa.func.count()).select_from(LibraryEntryEvent)),
        )

    before = snapshot()
    for role in ("visitor", "donor", "school", "sponsor"):
        as_role(role)
        for _name, method, template, data, _expected in ROUTES:
            if method == "POST":
                client.post(template.format(**world), data=dict(data))
    assert snapshot() == before
