"""The rules of school data: what a year's figures may be, who may enter them when, the
collection windows, and the history every entry leaves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager, joinedload

from ...core.transitions import add_unique
from ...core.unit_of_work import Refused
from ...db_types import utcnow
from ...extensions import db
from ...i18n import BANGKOK, academic_year_label, current_language, format_date
from ..models import GRADE_COLUMNS, GRADES, School, SchoolYearStat, grade_label
from .models import CollectionWindow, SchoolDataEvent

#: Bounds a typed figure must keep (beyond them it is a typo).
MAX_PUPILS_IN_GRADE = 5_000
MAX_TEACHERS = 2_000
MAX_DEVICES = 10_000
#: The seed's collection (ABE data systems): 12 July to 30 September.
DEFAULT_WINDOW = ((7, 12), (9, 30))
#: The columns an entry sets, in the order the history lists them.
FIGURE_COLUMNS = ("pupils", "teachers", "devices_on_hand", *GRADE_COLUMNS)


class SchoolDataRefused(Refused):
    """Figures or a window change that the rules refuse; the message says why."""

    def user_message(self) -> str:
        first = self.args[0] if self.args else None
        return str(first) if first is not None else super().user_message()


@dataclass(frozen=True)
class Figures:
    """One school's figures for a year: pupils per grade (15 numbers in the order of GRADES, or
    None for a total alone), the total, teachers, computers on hand (None: not counted)."""

    grades: tuple[int, ...] | None
    teachers: int
    devices_on_hand: int | None
    pupils: int | None = None

    @property
    def total(self) -> int:
        return sum(self.grades) if self.grades is not None else (self.pupils or 0)


def today() -> date:
    return utcnow().astimezone(BANGKOK).date()


def figure_problems(school: School, figures: Figures) -> list[str]:
    """What is wrong with ``figures`` for ``school`` (empty: they may be saved)."""
    problems = []
    if figures.grades is not None:
        if len(figures.grades) != len(GRADES):
            raise ValueError("one number per grade")
        lang = current_language()
        for index, pupils in enumerate(figures.grades):
            if pupils < 0:
                problems.append(_("%(grade)s cannot be negative.", grade=grade_label(index, lang)))
            elif pupils and not school.min_grade <= index <= school.max_grade:
                problems.append(
                    _(
                        "%(grade)s has %(n)d pupils, but the school teaches %(grades)s only.",
                        grade=grade_label(index, lang),
                        n=pupils,
                        grades=school.grades_label(lang),
                    )
                )
        if figures.pupils is not None and figures.pupils != figures.total:
            problems.append(
                _(
                    "The total of %(total)d pupils is not the sum of the grades (%(sum)d).",
                    total=figures.pupils,
                    sum=figures.total,
                )
            )
    elif figures.pupils is None or figures.pupils < 0:
        problems.append(_("Enter the pupils of each grade."))
    if figures.teachers < 0:
        problems.append(_("Teachers cannot be negative."))
    if figures.devices_on_hand is not None and figures.devices_on_hand < 0:
        problems.append(_("Computers cannot be negative."))
    return problems


def _values(figures: Figures) -> dict[str, int | None]:
    grades = figures.grades if figures.grades is not None else (None,) * len(GRADES)
    return {
        "pupils": figures.total,
        "teachers": figures.teachers,
        "devices_on_hand": figures.devices_on_hand,
        **dict(zip(GRADE_COLUMNS, grades, strict=True)),
    }


def stat_for(school_id: int, academic_year: int, *, lock: bool = True) -> SchoolYearStat | None:
    """The school's row for the year, locked for the change (PostgreSQL) unless only read."""
    query = sa.select(SchoolYearStat).where(
        SchoolYearStat.school_id == school_id, SchoolYearStat.academic_year == academic_year
    )
    return db.session.scalar(query.with_for_update() if lock else query)


def record_figures(
    school: School,
    academic_year: int,
    figures: Figures,
    actor,
    *,
    source: str = "form",
    file_name: str = "",
    stat: SchoolYearStat | None = None,
    known: bool = False,
) -> SchoolYearStat:
    """Set one year's figures of the school and append what changed to its history (nothing
    when nothing changed); other years are left as they are. ``known``: the caller has loaded
    ``stat`` (None: the year has no row yet), as an import does for all its schools at once."""
    problems = figure_problems(school, figures)
    if problems:
        raise SchoolDataRefused(" ".join(problems))
    if not known:
        stat = stat_for(school.id, academic_year)
    new = _values(figures)
    kind = "corrected"
    if stat is None:
        # The year's first entry; a colleague's (or an import's) first entry of the same year
        # at the same moment wins the unique (school, year) row and this one corrects it.
        fresh = SchoolYearStat(school_id=school.id, academic_year=academic_year, **new)
        if add_unique(fresh):
            stat, kind = fresh, "entered"
        else:
            stat = stat_for(school.id, academic_year)
            if stat is None:
                raise SchoolDataRefused(
                    _("These figures could not be saved. Check them and send them again.")
                )
    old: dict[str, int | None] = (
        dict.fromkeys(FIGURE_COLUMNS)
        if kind == "entered"
        else {column: getattr(stat, column) for column in FIGURE_COLUMNS}
    )
    changes = {c: [old[c], new[c]] for c in FIGURE_COLUMNS if old[c] != new[c]}
    if not changes and kind == "corrected":
        return stat
    for column, value in new.items():
        setattr(stat, column, value)
    stat.recorded_by_id = actor.id if actor is not None else None
    stat.recorded_at = utcnow()
    db.session.add(
        SchoolDataEvent(
            stat=stat,
            actor_id=stat.recorded_by_id,
            kind=kind,
            to_state=None,
            source=source,
            file_name=file_name[:200],
            changes=changes,
        )
    )
    db.session.flush()
    return stat


# Collection windows ---------------------------------------------------------------------------


def window_for(academic_year: int) -> CollectionWindow | None:
    return db.session.scalar(
        sa.select(CollectionWindow).where(CollectionWindow.academic_year == academic_year)
    )


def open_window_now(day: date | None = None) -> CollectionWindow | None:
    """The window schools can enter figures in today, if any."""
    day = day or today()
    return db.session.scalar(
        sa.select(CollectionWindow)
        .where(
            CollectionWindow.closed_at.is_(None),
            CollectionWindow.opens_on <= day,
            CollectionWindow.closes_on >= day,
        )
        .order_by(CollectionWindow.academic_year.desc())
        .limit(1)
    )


def next_window(day: date | None = None) -> CollectionWindow | None:
    """The next window that has not opened yet, if staff have set one."""
    day = day or today()
    return db.session.scalar(
        sa.select(CollectionWindow)
        .where(CollectionWindow.closed_at.is_(None), CollectionWindow.opens_on > day)
        .order_by(CollectionWindow.opens_on)
        .limit(1)
    )


def open_window(academic_year: int, opens_on: date, closes_on: date, actor) -> CollectionWindow:
    """Open the year's collection from ``opens_on`` to ``closes_on`` (both included); a window
    already set for the year takes the new dates and opens again if it was closed."""
    if closes_on < opens_on:
        raise SchoolDataRefused(_l("The last day cannot be before the first day."))
    if closes_on < today():
        raise SchoolDataRefused(_l("The last day has already passed."))
    window = window_for(academic_year)
    if window is None:
        fresh = CollectionWindow(
            academic_year=academic_year, opens_on=opens_on, closes_on=closes_on
        )
        # A colleague opening the same year at the same moment wins the year's one window;
        # this request then sets its dates (the later click's dates stand).
        window = fresh if add_unique(fresh) else window_for(academic_year)
    window.opens_on, window.closes_on = opens_on, closes_on
    window.opened_by_id, window.opened_at = actor.id, utcnow()
    window.closed_at = window.closed_by_id = None
    db.session.flush()
    return window


def close_window(window: CollectionWindow, actor) -> None:
    """Close the collection now: schools can no longer enter figures for its year."""
    closed = db.session.execute(
        sa.update(CollectionWindow)
        .where(CollectionWindow.id == window.id, CollectionWindow.closed_at.is_(None))
        .values(closed_at=utcnow(), closed_by_id=actor.id)
    ).rowcount
    if closed != 1:
        raise SchoolDataRefused(_l("This collection is already closed."))
    db.session.refresh(window)


def may_enter(school: School, user, academic_year: int, day: date | None = None) -> bool:
    """Staff always; the school's own staff for the year of a window open today."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    if not user.is_school_staff_of(school.id):
        return False
    window = open_window_now(day)
    return window is not None and window.academic_year == academic_year


def window_closed_message(day: date | None = None) -> str:
    """What a school sees outside a window: when the next one opens, or that none is set."""
    upcoming = next_window(day)
    if upcoming is None:
        return _(
            "School data is collected once a year, when the foundation opens the collection. "
            "It is not open now."
        )
    return _(
        "The collection for academic year %(year)s opens on %(first)s and runs until %(last)s.",
        year=academic_year_label(upcoming.academic_year),
        first=format_date(upcoming.opens_on),
        last=format_date(upcoming.closes_on),
    )


def history(school_id: int) -> list[SchoolDataEvent]:
    """Every entry and correction of the school's figures, newest first (one query)."""
    return list(
        db.session.scalars(
            sa.select(SchoolDataEvent)
            .join(SchoolDataEvent.stat)
            .where(SchoolYearStat.school_id == school_id)
            .options(contains_eager(SchoolDataEvent.stat), joinedload(SchoolDataEvent.actor))
            .order_by(SchoolDataEvent.id.desc())
        )
    )


def figure_label(column: str) -> str:
    """A figure's name in the history: ป.4, teachers, computers."""
    if column in GRADE_COLUMNS:
        return grade_label(GRADE_COLUMNS.index(column), current_language())
    return {"pupils": _("Pupils"), "teachers": _("Teachers"),
            "devices_on_hand": _("Computers")}.get(column, column)  # fmt: skip
