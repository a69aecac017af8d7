"""Review demo data: a joint committee for the Notebook for Education call in review, one
declared conflict (plus the automatic ones from partnerships), assignments, and a mix of draft
and submitted reviews. Skips quietly when no programme is in the review phase."""

from __future__ import annotations

import random
import secrets

from ..accounts.models import Membership, MembershipState, User
from ..accounts.services import create_user, find_user
from ..db_types import utcnow
from ..extensions import db
from ..programmes.models import Programme, ProgrammeState
from ..registry.models import Organisation
from ..review.committee import run_automatic_assignment
from ..review.conflicts import declare_conflict
from ..review.models import (
    CommitteeMember,
    ConflictOfInterest,
    Rating,
    Review,
    ReviewAssignment,
    ReviewEvent,
    ReviewEventKind,
    ReviewState,
)
from ..review.reviews import weighted_total

#: (e-mail, invented name, organisation (English name), position, chair?)
REVIEWERS = (
    ("reviewer1@demo.example.org", "สุนันทา ใจดี", "Ministry of Education", "นักวิชาการศึกษาชำนาญการพิเศษ", True),
    ("reviewer2@demo.example.org", "ธีรวัฒน์ มั่นคง", "Equitable Education Fund (EEF)", "ผู้จัดการโครงการ", False),
    ("reviewer3@demo.example.org", "พิมพ์ชนก ศรีวงศ์", "Office of the Education Council (OEC)", "นักวิเคราะห์นโยบายและแผน", False),
    ("reviewer4@demo.example.org", "ณัฐพล รุ่งเรือง", "Mitr Phol Group", "ผู้จัดการฝ่ายกิจการเพื่อสังคม", False),
    ("reviewer5@demo.example.org", "กมลวรรณ ทองดี", "Kasikornbank", "ผู้จัดการฝ่ายความยั่งยืน", False),
    ("reviewer6@demo.example.org", "อนุชา พัฒนพงศ์", "True Corporation PCL", "ผู้อำนวยการฝ่ายสื่อสารองค์กร", False),
)  # fmt: skip

#: Who declares a conflict with which school's application, and why.
DECLARED = (
    "reviewer3@demo.example.org",
    "1040050322",
    "เคยเป็นครูที่โรงเรียนนี้และยังเป็นกรรมการสถานศึกษา",
)

COMMENTS = (
    "ความต้องการชัดเจน สัดส่วนนักเรียนต่อเครื่องสูงมาก",
    "แผนการดูแลรักษาอุปกรณ์ควรระบุผู้รับผิดชอบให้ชัดเจนกว่านี้",
    "งบประมาณสมเหตุสมผล ราคาต่อหน่วยใกล้เคียงราคากลาง",
    "ชุมชนมีส่วนร่วมดี แต่ควรมีแผนอบรมครูเพิ่มเติม",
)  # fmt: skip


def _review_programme() -> Programme | None:
    return db.session.scalar(
        db.select(Programme)
        .where(Programme.state == ProgrammeState.REVIEWING)
        .order_by(Programme.id)
        .limit(1)
    )


def _seed_people(programme: Programme, staff: User | None) -> list[tuple[str, str, str]]:
    created = []
    orgs = {o.name_en: o for o in db.session.scalars(db.select(Organisation))}
    members = {m.user_id for m in db.session.scalars(
        db.select(CommitteeMember).where(CommitteeMember.programme_id == programme.id)
    )}  # fmt: skip
    for email, name, org_name, position, chair in REVIEWERS:
        organisation = orgs.get(org_name)
        if organisation is None:
            continue
        user = find_user(email)
        if user is None:
            password = secrets.token_urlsafe(9)
            user = create_user(email, name, password)
            db.session.add(
                Membership(
                    user=user, organisation=organisation, state=MembershipState.ACTIVE,
                    position=position,
                )
            )  # fmt: skip
            created.append((email, "committee member", password))
        if user.id not in members:
            db.session.add(
                CommitteeMember(
                    programme=programme, user=user, organisation=organisation,
                    sector=organisation.sector, is_chair=chair,
                    appointed_by_id=staff.id if staff else None,
                )
            )  # fmt: skip
    db.session.flush()
    return created


def _seed_conflict(programme: Programme) -> None:
    email, school_code, reason = DECLARED
    member = db.session.scalar(
        db.select(CommitteeMember)
        .join(User, CommitteeMember.user_id == User.id)
        .where(CommitteeMember.programme_id == programme.id, User.email == email)
    )
    application = next((a for a in programme.applications if a.school.code == school_code), None)
    if member is None or application is None:
        return
    exists = db.session.scalar(
        db.select(ConflictOfInterest.id).where(
            ConflictOfInterest.member_id == member.id,
            ConflictOfInterest.application_id == application.id,
        )
    )
    if not exists:
        declare_conflict(member, application, reason, member.user)


def _seed_reviews(programme: Programme) -> None:
    """Two in three assignments get a submitted review, the rest a partial draft."""
    assignments = db.session.scalars(
        db.select(ReviewAssignment)
        .join(CommitteeMember)
        .where(CommitteeMember.programme_id == programme.id)
        .order_by(ReviewAssignment.id)
    ).all()
    if any(a.review is not None for a in assignments):
        return
    criteria = programme.criteria
    for index, assignment in enumerate(assignments):
        rng = random.Random(assignment.application_id * 101 + assignment.member_id)
        strength = 0.45 + (assignment.application_id % 5) * 0.1  # how good the proposal is
        harshness = -0.1 if assignment.member.sector.value == "private" else 0.05
        submitted = (assignment.member_id + assignment.application_id) % 3 != 0
        review = Review(assignment=assignment, overall_comment=COMMENTS[index % len(COMMENTS)])
        for position, criterion in enumerate(criteria):
            if not submitted and position >= 2:
                break
            share = min(1.0, max(0.0, strength + harshness + rng.uniform(-0.15, 0.15)))
            review.ratings.append(
                Rating(
                    criterion_id=criterion.id,
                    score=round(share * criterion.max_score),
                    comment=COMMENTS[(index + position) % len(COMMENTS)] if position == 0 else "",
                )
            )
        if submitted:
            review.state = ReviewState.SUBMITTED
            review.submitted_at = utcnow()
            with db.session.no_autoflush:
                review.weighted_total = weighted_total(review)
            review.events.append(
                ReviewEvent(
                    kind=ReviewEventKind.SUBMITTED,
                    from_state=ReviewState.DRAFT,
                    to_state=ReviewState.SUBMITTED,
                    actor_id=assignment.member.user_id,
                )
            )
        else:
            review.state = ReviewState.DRAFT
        db.session.add(review)
    db.session.flush()


def seed_review() -> list[tuple[str, str, str]]:
    """Committee, conflicts, assignments and reviews; returns the reviewer accounts created."""
    programme = _review_programme()
    if programme is None:
        return []
    staff = find_user("staff@demo.example.org")
    created = _seed_people(programme, staff)
    _seed_conflict(programme)
    has_assignments = db.session.scalar(
        db.select(ReviewAssignment.id)
        .join(CommitteeMember)
        .where(CommitteeMember.programme_id == programme.id)
        .limit(1)
    )
    if not has_assignments:
        run_automatic_assignment(programme, staff, notify=False)
    _seed_reviews(programme)
    return created
