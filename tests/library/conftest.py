"""Creators for the library tests: entries, a PDF, a funded campaign with its final report,
and one account per role."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfWriter

from partnership.extensions import db
from partnership.library.models import EntryTopic
from partnership.library.services import add_entry
from tests.crowd import build_campaign  # noqa: F401
from tests.factories import english  # noqa: F401  (autouse: pages in English)
from tests.milestones.conftest import fund  # noqa: F401


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture()
def make_entry(app):
    """make_entry(**overrides): a published document with a link (flushed, committed)."""

    def make(**overrides):
        values = {
            "title_th": "เอกสาร",
            "topic": EntryTopic.LESSONS,
            "year_be": 2564,
            "link_url": "https://example.org/doc",
        }
        values.update(overrides)
        entry = add_entry(**values)
        db.session.commit()
        return entry

    return make


ROLES = ("visitor", "donor", "school", "sponsor", "staff")


@pytest.fixture()
def roles(app, make_user, make_school, make_org, add_membership):
    people = {"visitor": None, "donor": make_user(), "staff": make_user(is_staff=True)}
    people["school"] = make_user()
    add_membership(people["school"], school=make_school())
    people["sponsor"] = make_user()
    add_membership(people["sponsor"], organisation=make_org())
    db.session.commit()
    return people


@pytest.fixture()
def as_role(switch_user, roles):
    """as_role(name): that role's person signed in (the visitor: signed out), in English."""
    return lambda name: switch_user(roles[name])
