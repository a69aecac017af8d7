"""Application rules: drafting, submission with the eligibility check, withdrawal, screening
overrides and attachments. Services flush; the view commits once."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from ..core.collections import sync_by_position
from ..core.storage import delete_file_after_commit, new_key, save_file
from ..core.transitions import lock_row
from ..core.uploads import RefusedFile, checked_content, clean_filename, sniff_type
from ..db_types import utcnow
from ..extensions import db
from ..programmes.models import Programme
from ..registry.models import School
from . import eligibility
from .eligibility import Rule
from .forms import LineData
from .models import Application, ApplicationState, Attachment, Beneficiaries, BudgetLine
from .workflow import (  # noqa: F401  (re-exported: the review feature imports them from here)
    NEXT_STEPS,
    TRANSITIONS,
    WITHDRAWABLE,
    IllegalTransition,
    notify_school,
    transition,
)

A = ApplicationState


class ApplicationError(Exception):
    """An operation the rules refuse; ``reasons`` says why in words the school understands."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__("; ".join(reasons))


class SubmissionRefused(ApplicationError):
    """Outside the programme's window: the application stays a draft."""

    def __init__(self, rules: list[Rule]):
        self.rules = rules
        super().__init__([rule.reason for rule in rules])


class Incomplete(ApplicationError):
    """A draft with texts still empty: it is saved as it is, but cannot be submitted yet."""


#: What a submission needs filled in, with the words the school reads when it is empty.
NEEDED_TO_SUBMIT = {
    "title": _l("Give the project a title."),
    "summary": _l("Write the summary."),
    "need": _l("Describe the need."),
    "delivery_plan": _l("Write the delivery plan."),
}


def missing_for_submission(application: Application) -> list[str]:
    """Each text a submission needs that the draft still leaves empty (saving a draft does not
    ask for them; submitting does)."""
    return [
        str(message)
        for name, message in NEEDED_TO_SUBMIT.items()
        if not (getattr(application, name) or "").strip()
    ]


# Drafts -------------------------------------------------------------------------------------


def can_start(programme: Programme, school: School, at: datetime | None = None) -> list[str]:
    """Why the school may not start a new application now (empty list: it may)."""
    at = at or utcnow()
    reasons = []
    if not programme.is_open_at(at):
        rule = Rule.DEADLINE_PASSED if at >= programme.closes_at else Rule.NOT_OPEN
        reasons.append(rule.reason)
    if eligibility.counted_applications(programme.id, school.id) >= (
        programme.max_applications_per_school
    ):
        reasons.append(
            _(
                "Your school already has an application to this programme. "
                "Open it from your dashboard."
            )
        )
    return reasons


def create_draft(programme, school, values: dict, pupils: dict[int, int], lines, actor):
    """A new draft; ``ApplicationError`` if the programme is closed or the school is at its cap.

    The school's row is locked first, so two simultaneous requests cannot both pass the
    per-school limit (SQLite's writing transactions are serialised by ``BEGIN IMMEDIATE``).
    """
    lock_row(School, school.id)
    reasons = can_start(programme, school)
    if reasons:
        raise ApplicationError(reasons)
    application = Application(programme=programme, school=school, created_by=actor)
    db.session.add(application)
    _fill(application, values, pupils, lines)
    application.events.append(_event(None, A.DRAFT, actor, ""))  # the trail starts here
    db.session.flush()
    return application


def update_draft(application: Application, values: dict, pupils: dict[int, int], lines) -> None:
    """Replace the draft's content; only a draft changes."""
    if application.state != A.DRAFT:
        raise ApplicationError([_("A submitted application cannot be changed.")])
    _fill(application, values, pupils, lines)
    db.session.flush()


def _event(from_state, to_state, actor, reason):
    from .models import ApplicationEvent

    return ApplicationEvent(
        from_state=from_state.value if from_state else None,
        to_state=to_state.value,
        actor=actor,
        reason=reason,
    )


def _fill(application, values: dict, pupils: dict[int, int], lines: list[LineData]) -> None:
    for name in ("title", "summary", "need", "delivery_plan", "teachers_benefiting"):
        setattr(application, name, values[name])
    # Budget lines: update in place by position, add or drop the rest.
    sync_by_position(
        application.budget_lines,
        lines,
        lambda position: BudgetLine(position=position),
        _apply_line,
    )
    by_grade = {b.grade: b for b in application.beneficiaries}
    for grade, count in pupils.items():
        if grade in by_grade:
            by_grade[grade].pupils = count
        else:
            application.beneficiaries.append(Beneficiaries(grade=grade, pupils=count))
    for grade, row in by_grade.items():
        if grade not in pupils:
            application.beneficiaries.remove(row)


def _apply_line(row: BudgetLine, line: LineData) -> None:
    row.item, row.unit_price_satang, row.quantity = line.item, line.unit_price_satang, line.quantity


# Submission and screening ---------------------------------------------------------------------


@dataclass
class SubmissionResult:
    eligible: bool
    failures: list[Rule] = field(default_factory=list)


def submit(application: Application, actor, at: datetime | None = None) -> SubmissionResult:
    """Submit a draft and run the automatic check: submitted, then eligible or ineligible.

    Outside the programme's window nothing changes and ``SubmissionRefused`` names the reason.
    """
    at = at or utcnow()
    if application.state != A.DRAFT:
        raise IllegalTransition(application.state, A.SUBMITTED)
    refused = eligibility.window_failures(application, at)
    if refused:
        raise SubmissionRefused(refused)
    missing = missing_for_submission(application)
    if missing:
        raise Incomplete(missing)
    # Other submissions of the same school wait here, so the per-school count below is exact.
    lock_row(School, application.school_id)
    transition(application, A.SUBMITTED, actor, notify=False, values={"submitted_at": at})
    failures = eligibility.rule_failures(application)
    application.eligibility_failures = ",".join(failures)
    reason = "\n".join(rule.reason for rule in failures)
    transition(application, A.INELIGIBLE if failures else A.ELIGIBLE, None, reason, notify=False)
    result_text = (
        _("It meets the programme's rules and will go to the committee after the deadline.")
        if not failures
        else _("It does not meet these rules of the programme:")
        + "\n- "
        + "\n- ".join(rule.reason for rule in failures)
    )
    notify_school(
        application,
        _('We received your application "%(title)s"', title=application.title),
        _(
            'Thank you. The application "%(title)s" to %(programme)s was received.',
            title=application.title,
            programme=application.programme.name_th,
        )
        + "\n\n"
        + result_text,
    )
    return SubmissionResult(eligible=not failures, failures=failures)


def override_eligibility(application: Application, eligible: bool, reason: str, actor) -> None:
    """Staff overrule the automatic check, always with a reason."""
    to_state = A.ELIGIBLE if eligible else A.INELIGIBLE
    if application.state not in (A.ELIGIBLE, A.INELIGIBLE) or application.state == to_state:
        raise IllegalTransition(application.state, to_state)
    application.eligibility_override = reason
    transition(application, to_state, actor, reason)


def withdraw(application: Application, actor, reason: str = "") -> None:
    """The school withdraws, possible until review starts."""
    if application.state not in WITHDRAWABLE:
        raise IllegalTransition(application.state, A.WITHDRAWN)
    transition(application, A.WITHDRAWN, actor, reason)


# Attachments ------------------------------------------------------------------------------------


def attach_files(application: Application, files: list[FileStorage], actor) -> list[Attachment]:
    """Store every file or none: each problem is reported with the file's name."""
    if application.state != A.DRAFT:
        raise ApplicationError([_("Attachments can change only while the application is a draft.")])
    config = current_app.config
    max_bytes, max_files = config["UPLOAD_MAX_BYTES"], config["UPLOAD_MAX_FILES"]
    files = [f for f in files if f and f.filename]
    if not files:
        raise ApplicationError([_("Choose at least one file.")])
    problems: list[str] = []
    if len(application.attachments) + len(files) > max_files:
        problems.append(
            _("An application can have at most %(n)d files; remove one first.", n=max_files)
        )
    accepted = []
    for upload in files:
        shown = (upload.filename or "")[-80:]
        data = upload.stream.read(max_bytes + 1)
        content_type = sniff_type(data[:16])
        if _has_path(upload.filename or ""):
            problems.append(
                _("%(name)s: a file name cannot contain folders; rename the file.", name=shown)
            )
        elif not data:
            problems.append(_("%(name)s is empty.", name=shown))
        elif len(data) > max_bytes:
            problems.append(
                _("%(name)s is larger than %(mb)s MB.", name=shown, mb=megabytes(max_bytes))
            )
        elif content_type is None:
            problems.append(_("%(name)s is not a PDF, JPEG or PNG file.", name=shown))
        else:
            try:
                stored = checked_content(data, content_type, shown)
            except RefusedFile as exc:
                problems.append(str(exc))
            else:
                accepted.append((upload.filename, stored, content_type))
    if problems:
        raise ApplicationError(problems)
    created = []
    for filename, data, content_type in accepted:
        attachment = Attachment(
            filename=clean_filename(filename, content_type),
            content_type=content_type,
            size_bytes=len(data),
            storage_key=new_key(content_type),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by_id=actor.id if actor else None,
        )
        # Stored before the row is flushed; a rollback (a store that fails on the third file, a
        # failed flush) removes the files already stored.
        save_file(attachment.storage_key, data, content_type)
        application.attachments.append(attachment)
        created.append(attachment)
    db.session.flush()
    return created


def remove_attachment(attachment: Attachment) -> str:
    """Drop the record (flushed); its file goes once the transaction commits. Returns its key."""
    if attachment.application.state != A.DRAFT:
        raise ApplicationError([_("Attachments can change only while the application is a draft.")])
    key = attachment.storage_key
    db.session.delete(attachment)
    db.session.flush()
    delete_file_after_commit(key)
    return key


def _has_path(name: str) -> bool:
    """A name with a folder or parent part (``../x.pdf``, ``C:\\x.pdf``): refused, not guessed."""
    return "/" in name or "\\" in name or name.strip() in (".", "..") or "\x00" in name


def megabytes(n: int) -> str:
    value = n / (1024 * 1024)
    return f"{value:.0f}" if value >= 1 else f"{value:.2f}"
