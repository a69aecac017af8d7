"""A committee member logs in, declares a conflict, scores another application, submits and
then sees the other members' scores."""

from __future__ import annotations

import re

import pytest

from partnership.accounts.models import Membership, MembershipState
from partnership.accounts.services import create_user
from partnership.extensions import db
from partnership.programmes.models import Programme, ProgrammeState
from partnership.registry.models import Organisation, Sector
from partnership.review.models import (
    CommitteeMember,
    Review,
    ReviewAssignment,
    ReviewState,
)

from .conftest import PASSWORD

pytestmark = pytest.mark.browser
EMAIL = "browser-reviewer@example.test"


def _appoint(live_server) -> tuple[int, int, str]:
    """Put a new public-sector member on the demo committee with two assignments: one
    application another member has already scored, and one more."""
    with live_server.app.app_context():
        programme = db.session.scalar(
            db.select(Programme).where(Programme.state == ProgrammeState.REVIEWING)
        )
        organisation = db.session.scalar(
            db.select(Organisation).where(Organisation.name_en == "Ministry of Education")
        )
        assert organisation.sector == Sector.PUBLIC
        user = create_user(EMAIL, "ผู้ทดสอบ กรรมการ", PASSWORD)
        db.session.add(
            Membership(user=user, organisation=organisation, state=MembershipState.ACTIVE)
        )
        member = CommitteeMember(
            programme=programme, user=user, organisation=organisation, sector=Sector.PUBLIC
        )
        db.session.add(member)
        scored = db.session.execute(
            db.select(ReviewAssignment.application_id, CommitteeMember.user_id)
            .join(Review)
            .join(CommitteeMember)
            .where(
                Review.state == ReviewState.SUBMITTED, CommitteeMember.programme_id == programme.id
            )
            .order_by(ReviewAssignment.id)
        ).first()
        to_score, other_user_id = scored
        to_conflict = next(
            a.id
            for a in programme.applications
            if a.id != to_score and a.state.value == "in_review"
        )
        for app_id in (to_score, to_conflict):
            db.session.add(ReviewAssignment(member=member, application_id=app_id))
        from partnership.accounts.models import User

        other_name = db.session.get(User, other_user_id).name
        db.session.commit()
        return to_score, to_conflict, other_name


def test_member_declares_a_conflict_scores_submits_and_sees_the_others(page, live_server):
    to_score, to_conflict, other_name = _appoint(live_server)
    page.goto(live_server("/login"))
    page.locator("#email").fill(EMAIL)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/committee$"))  # a member lands on their reviews

    page.locator("nav.main-nav a[href='/committee']").click()
    page.wait_for_url(re.compile(r".*/committee$"))
    page.locator(f"main table a[href='/committee/applications/{to_conflict}']").click()
    page.wait_for_url(re.compile(rf".*/committee/applications/{to_conflict}$"))
    page.locator("#reason").fill("ญาติเป็นผู้อำนวยการโรงเรียนนี้")
    page.locator(
        f"form[action='/committee/applications/{to_conflict}/conflict'] button[type=submit]"
    ).click()
    page.wait_for_url(re.compile(r".*/committee$"))
    assert page.locator(".flash-success").count() == 1
    assert page.locator(f"main table a[href='/committee/applications/{to_conflict}']").count() == 0

    page.goto(live_server(f"/committee/applications/{to_score}/review"))
    inputs = page.locator("main form input[name^='score_']")
    assert inputs.count() == 5
    for index in range(inputs.count()):
        inputs.nth(index).fill(str(3 + index % 3))
    page.locator("main form textarea[name='overall_comment']").fill("แผนการใช้งานชัดเจน")
    page.locator("main form button[value=submit]").click()
    page.wait_for_url(re.compile(rf".*/committee/applications/{to_score}/scores$"))
    table = page.locator("main table").inner_text()
    assert other_name in table and "ผู้ทดสอบ กรรมการ" in table
    assert page.locator(".flash-success").count() == 1
