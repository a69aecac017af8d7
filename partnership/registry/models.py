"""The partner registry: schools, sponsor organisations and who supports whom."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.history import HistoryMixin, history_of
from ..db_types import LABELS, LabelledEnum, UTCDateTime, enum_type, postgresql_only, utcnow
from ..extensions import db
from .provinces import REGIONS, get_province, province_name

if TYPE_CHECKING:
    from ..accounts.models import Membership, User
    from .school_data.models import SchoolDataEvent


class Affiliation(LabelledEnum):
    OBEC = "obec"
    LOCAL = "local"
    PRIVATE = "private"
    BPP = "bpp"
    OTHER = "other"


class NetworkStatus(LabelledEnum):
    NONE = "none"
    APPLICANT = "applicant"
    MEMBER = "member"
    DECLINED = "declined"
    LEFT = "left"


class OrganisationKind(LabelledEnum):
    COMPANY = "company"
    FOUNDATION = "foundation"
    GOVERNMENT = "government"
    UNIVERSITY = "university"
    NGO = "ngo"
    #: A supplier paid from campaigns (laptops, bags): not a sponsor or partner.
    VENDOR = "vendor"


class Sector(LabelledEnum):
    PUBLIC = "public"
    PRIVATE = "private"
    CIVIL_SOCIETY = "civil_society"
    ACADEMIC = "academic"


class PartnershipRole(LabelledEnum):
    ADOPTER = "adopter"
    SPONSOR = "sponsor"
    MENTOR = "mentor"
    ACADEMIC = "academic"
    GOVERNMENT = "government"


LABELS.update(
    {
        Affiliation: {
            Affiliation.OBEC: _l("OBEC (Office of the Basic Education Commission)"),
            Affiliation.LOCAL: _l("Local government"),
            Affiliation.PRIVATE: _l("Private school"),
            Affiliation.BPP: _l("Border Patrol Police"),
            Affiliation.OTHER: lazy_pgettext("school affiliation", "Other"),
        },
        NetworkStatus: {
            NetworkStatus.NONE: _l("Not in the network"),
            NetworkStatus.APPLICANT: _l("Applied to join"),
            NetworkStatus.MEMBER: _l("Network member"),
            NetworkStatus.DECLINED: _l("Application declined"),
            NetworkStatus.LEFT: _l("Left the network"),
        },
        OrganisationKind: {
            OrganisationKind.COMPANY: _l("Company"),
            OrganisationKind.FOUNDATION: _l("Foundation"),
            OrganisationKind.GOVERNMENT: _l("Government agency"),
            OrganisationKind.UNIVERSITY: _l("University"),
            OrganisationKind.NGO: _l("NGO"),
            OrganisationKind.VENDOR: _l("Supplier (paid from campaigns)"),
        },
        Sector: {
            Sector.PUBLIC: _l("Public sector"),
            Sector.PRIVATE: _l("Private sector"),
            Sector.CIVIL_SOCIETY: _l("Civil society"),
            Sector.ACADEMIC: _l("Academic"),
        },
        PartnershipRole: {
            PartnershipRole.ADOPTER: _l("Adopting partner"),
            PartnershipRole.SPONSOR: _l("Sponsor"),
            PartnershipRole.MENTOR: _l("Mentor"),
            PartnershipRole.ACADEMIC: _l("Academic support"),
            PartnershipRole.GOVERNMENT: _l("Government support"),
        },
    }
)

#: Grade levels from kindergarten 1 to Mathayom 6, in order; schools offer a contiguous range.
GRADES: tuple[tuple[str, str, str], ...] = (
    ("k1", "อ.1", "K1"),
    ("k2", "อ.2", "K2"),
    ("k3", "อ.3", "K3"),
    *((f"p{n}", f"ป.{n}", f"P{n}") for n in range(1, 7)),
    *((f"m{n}", f"ม.{n}", f"M{n}") for n in range(1, 7)),
)
GRADE_INDEX = {code: i for i, (code, _, _) in enumerate(GRADES)}


def grade_label(index: int, lang: str = "th") -> str:
    """ป.4 in Thai, P4 in English."""
    _, th, en = GRADES[index]
    return th if lang == "th" else en


def grade_range_label(low: int, high: int, lang: str = "th") -> str:
    """ป.4–ป.6 in Thai, P4–P6 in English: a school's grades or a programme's."""
    return f"{grade_label(low, lang)}–{grade_label(high, lang)}"


def grade_choices(lang: str = "th") -> list[tuple[int, str]]:
    """(index, label) pairs of every grade, lowest first, for a form's select."""
    return [(index, grade_label(index, lang)) for index in range(len(GRADES))]


class School(db.Model):
    """A school with its official code; pupils and teachers are kept per academic year."""

    __tablename__ = "schools"
    __table_args__ = (
        sa.CheckConstraint("min_grade >= 0 AND max_grade <= 14", name="grade_bounds"),
        sa.CheckConstraint("min_grade <= max_grade", name="grade_order"),
        # The list's order (province, Thai name), alone or after a network status filter.
        sa.Index("ix_schools_province_name", "province_code", "name_th", "id"),
        sa.Index("ix_schools_status_province_name", "network_status", "province_code", "name_th"),
        # Search by any part of a name, code or district: ILIKE '%q%' through trigrams.
        postgresql_only(
            sa.Index(
                "ix_schools_search_trgm",
                "name_th",
                "name_en",
                "code",
                "district",
                postgresql_using="gin",
                postgresql_ops=dict.fromkeys(
                    ("name_th", "name_en", "code", "district"), "gin_trgm_ops"
                ),
            )  # fmt: skip
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The 10-digit code of the Ministry of Education (8-digit codes of older registers accepted).
    code: Mapped[str] = mapped_column(sa.String(10), unique=True)
    name_th: Mapped[str] = mapped_column(sa.String(200), index=True)
    name_en: Mapped[str] = mapped_column(sa.String(200), default="")
    province_code: Mapped[str] = mapped_column(sa.String(2))
    district: Mapped[str] = mapped_column(sa.String(100))
    address: Mapped[str] = mapped_column(sa.Text, default="")
    affiliation: Mapped[Affiliation] = mapped_column(enum_type(Affiliation, "affiliation"))
    #: Index into GRADES of the lowest and highest grade taught.
    min_grade: Mapped[int] = mapped_column()
    max_grade: Mapped[int] = mapped_column()
    network_status: Mapped[NetworkStatus] = mapped_column(
        enum_type(NetworkStatus, "network_status"), default=NetworkStatus.NONE
    )
    network_applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Who asked for the pending network admission; accepting it activates only their request
    #: to join the school, never anyone else's.
    network_applicant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    network_joined_on: Mapped[date | None] = mapped_column(sa.Date)
    network_left_on: Mapped[date | None] = mapped_column(sa.Date)
    network_note: Mapped[str] = mapped_column(sa.Text, default="")
    contact_name: Mapped[str] = mapped_column(sa.String(120), default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    year_stats: Mapped[list[SchoolYearStat]] = relationship(
        back_populates="school",
        cascade="all, delete-orphan",
        order_by="SchoolYearStat.academic_year.desc()",
    )
    partnerships: Mapped[list[Partnership]] = relationship(
        back_populates="school", order_by="Partnership.started_on.desc()"
    )
    memberships: Mapped[list[Membership]] = relationship(back_populates="school")
    #: Every change of ``network_status`` (the columns above are where it stands now).
    network_events: Mapped[list[NetworkEvent]] = history_of("NetworkEvent", back_populates="school")

    @property
    def province(self):
        return get_province(self.province_code)

    @property
    def region(self) -> str | None:
        province = self.province
        return province.region if province else None

    def province_name(self, lang: str = "th") -> str:
        return province_name(self.province_code, lang)

    def region_name(self, lang: str = "th") -> str:
        region = REGIONS.get(self.region or "")
        return "" if region is None else (region[0] if lang == "th" else region[1])

    def display_name(self, lang: str = "th") -> str:
        return self.name_en if lang == "en" and self.name_en else self.name_th

    def grades_label(self, lang: str = "th") -> str:
        return grade_range_label(self.min_grade, self.max_grade, lang)

    def offers_grades(self, low: int, high: int) -> bool:
        return self.min_grade <= low and self.max_grade >= high

    @property
    def latest_stat(self) -> SchoolYearStat | None:
        return self.year_stats[0] if self.year_stats else None

    # Permissions ---------------------------------------------------------------------------
    def can_view(self, user) -> bool:
        return True

    def can_edit(self, user) -> bool:
        return bool(user.is_authenticated and (user.is_staff or user.is_school_staff_of(self.id)))

    def can_manage(self, user) -> bool:
        """Network status, code and partnerships are the foundation's to change."""
        return bool(user.is_authenticated and user.is_staff)


class NetworkEvent(HistoryMixin, db.Model):
    """One change of a school's place in the network: applied, accepted, declined, left.

    The school's ``network_*`` columns say where it stands now; these rows say how it got there
    (who, when, from, to, the note). The first row of a school migrated from before this history
    has no ``from_state`` and no actor.
    """

    __tablename__ = "network_events"

    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id"), index=True)
    from_state: Mapped[NetworkStatus | None] = mapped_column(
        enum_type(NetworkStatus, "network_event_from")
    )
    to_state: Mapped[NetworkStatus] = mapped_column(enum_type(NetworkStatus, "network_event_to"))

    school: Mapped[School] = relationship(back_populates="network_events")


#: The columns of pupils per grade on ``school_year_stats``, in the order of GRADES.
GRADE_COLUMNS: tuple[str, ...] = tuple(f"grade_{code}" for code, _, _ in GRADES)
#: Grades 4–6 (ป.4–6), the grades Notebook for Education serves.
P4_P6_COLUMNS = ("grade_p4", "grade_p5", "grade_p6")
_NO_GRADES = " AND ".join(f"{c} IS NULL" for c in GRADE_COLUMNS)
_GRADE_SUM = " + ".join(GRADE_COLUMNS)


class SchoolYearStat(db.Model):
    """One school's figures for one academic year (one row a year, never overwritten by another
    year's figures): pupils per grade, their total, teachers and computers on hand.

    Rows from before the per-grade collection have the total alone (every grade empty); a row
    with grades has all fifteen, and they add up to ``pupils`` (the database checks both)."""

    __tablename__ = "school_year_stats"
    __table_args__ = (
        sa.UniqueConstraint("school_id", "academic_year"),
        sa.CheckConstraint("pupils >= 0", name="pupils_non_negative"),
        sa.CheckConstraint("teachers >= 0", name="teachers_non_negative"),
        sa.CheckConstraint("devices_on_hand >= 0", name="devices_non_negative"),
        sa.CheckConstraint(
            " AND ".join(f"{c} >= 0" for c in GRADE_COLUMNS), name="grades_non_negative"
        ),
        # every grade empty (a total alone), or all fifteen given and adding up to the total
        sa.CheckConstraint(
            f"({_NO_GRADES}) OR COALESCE({_GRADE_SUM}, -1) = pupils", name="grades_sum_to_pupils"
        ),  # fmt: skip
        sa.Index("ix_school_year_stats_year_school", "academic_year", "school_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id", ondelete="CASCADE"))
    #: Gregorian year in which the academic year starts (May); shown in BE in Thai.
    academic_year: Mapped[int] = mapped_column()
    pupils: Mapped[int] = mapped_column()
    teachers: Mapped[int] = mapped_column()
    #: Computers (desktops, laptops, tablets) pupils can use, as the school counts them; empty
    #: for years recorded before the collection asked.
    devices_on_hand: Mapped[int | None] = mapped_column()
    grade_k1: Mapped[int | None] = mapped_column()
    grade_k2: Mapped[int | None] = mapped_column()
    grade_k3: Mapped[int | None] = mapped_column()
    grade_p1: Mapped[int | None] = mapped_column()
    grade_p2: Mapped[int | None] = mapped_column()
    grade_p3: Mapped[int | None] = mapped_column()
    grade_p4: Mapped[int | None] = mapped_column()
    grade_p5: Mapped[int | None] = mapped_column()
    grade_p6: Mapped[int | None] = mapped_column()
    grade_m1: Mapped[int | None] = mapped_column()
    grade_m2: Mapped[int | None] = mapped_column()
    grade_m3: Mapped[int | None] = mapped_column()
    grade_m4: Mapped[int | None] = mapped_column()
    grade_m5: Mapped[int | None] = mapped_column()
    grade_m6: Mapped[int | None] = mapped_column()
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    school: Mapped[School] = relationship(back_populates="year_stats")
    recorded_by: Mapped[User | None] = relationship()
    #: Every entry and correction of these figures (``school_data_events``).
    events: Mapped[list[SchoolDataEvent]] = history_of("SchoolDataEvent", back_populates="stat")

    @property
    def grades(self) -> list[int | None]:
        """Pupils per grade in the order of GRADES (all None: a total without the split)."""
        return [getattr(self, c) for c in GRADE_COLUMNS]

    @property
    def has_grades(self) -> bool:
        return self.grade_k1 is not None

    @property
    def pupils_p4_p6(self) -> int | None:
        return None if not self.has_grades else sum(getattr(self, c) for c in P4_P6_COLUMNS)


class Organisation(db.Model):
    """A sponsor or partner: company, foundation, government agency, university or NGO."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    name_en: Mapped[str] = mapped_column(sa.String(200), default="")
    kind: Mapped[OrganisationKind] = mapped_column(enum_type(OrganisationKind, "org_kind"))
    sector: Mapped[Sector] = mapped_column(enum_type(Sector, "sector"), index=True)
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    contact_name: Mapped[str] = mapped_column(sa.String(120), default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    #: The 13-digit Thai tax id (เลขประจำตัวผู้เสียภาษี), kept for vendors paid from campaigns.
    tax_id: Mapped[str] = mapped_column(sa.String(13), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    partnerships: Mapped[list[Partnership]] = relationship(
        back_populates="organisation", order_by="Partnership.started_on.desc()"
    )
    memberships: Mapped[list[Membership]] = relationship(back_populates="organisation")

    def display_name(self, lang: str = "th") -> str:
        return self.name_en if lang == "en" and self.name_en else self.name

    def can_view(self, user) -> bool:
        return True

    def can_edit(self, user) -> bool:
        return bool(
            user.is_authenticated and (user.is_staff or user.is_member_of_organisation(self.id))
        )

    def can_manage(self, user) -> bool:
        return bool(user.is_authenticated and user.is_staff)


class Partnership(db.Model):
    """An organisation supporting a school, in a role, from one date to (maybe) another."""

    __tablename__ = "partnerships"
    __table_args__ = (
        sa.CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id"), index=True)
    role: Mapped[PartnershipRole] = mapped_column(enum_type(PartnershipRole, "partnership_role"))
    started_on: Mapped[date] = mapped_column(sa.Date)
    ended_on: Mapped[date | None] = mapped_column(sa.Date)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="partnerships")
    school: Mapped[School] = relationship(back_populates="partnerships")

    def is_active_on(self, day: date) -> bool:
        return self.started_on <= day and (self.ended_on is None or self.ended_on >= day)
