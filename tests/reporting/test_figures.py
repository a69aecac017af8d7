"""The dashboards' figures equal sums worked out by hand, and equal a recomputation from the
ledger's rows; the counters they read are checked by ``flask ledger verify``."""

from __future__ import annotations

import itertools
import threading
from datetime import timedelta
from fractions import Fraction

import pytest
import sqlalchemy as sa

from partnership.campaigns.figures import rebuild
from partnership.campaigns.models import Campaign, FigureTotal
from partnership.campaigns.services import pay_out, record_money
from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.ledger.models import RAISED_FROM, SPENDING, LedgerEntry, LedgerKind
from partnership.ledger.services import verify
from partnership.registry.models import (
    GRADE_COLUMNS,
    NetworkStatus,
    School,
    SchoolYearStat,
    Sector,
)
from partnership.reporting import figures, school_figures
from partnership.reporting.periods import Period, YearKind, from_args, year_of
from tests.crowd import build_campaign

K = LedgerKind


SOURCES = itertools.count(1)


def money(campaign, kind, satang, donors=None):
    record_money(
        campaign.id, amount_satang=satang, kind=kind, source=f"test:{next(SOURCES)}",
        public_label="",
        donors=donors,
    )  # fmt: skip


def by_grade(pupils: int, p4: int, p5: int, p6: int) -> dict[str, int]:
    """A year's pupils per grade adding up to ``pupils``: ป.4–6 as given, the rest in ป.1."""
    grades = dict.fromkeys(GRADE_COLUMNS, 0)
    grades.update(grade_p4=p4, grade_p5=p5, grade_p6=p6, grade_p1=pupils - p4 - p5 - p6)
    return grades


@pytest.fixture()
def known(make_school, make_org, make_partnership):
    """Two campaigns in Khon Kaen (40) and Chiang Mai (50), a draft, four schools.

    Khon Kaen: gifts ฿500 and ฿300, the ฿300 refunded in full; ฿200 matched and ฿50 of it
    returned; a ฿1,000 offline gift voided; ฿400 paid out and ฿100 of it reversed:
    raised ฿650 (online 500, matched 150, offline 0), spent ฿300, balance ฿350, 1 donation.
    Chiang Mai (goal ฿1,000, funded): a ฿2,000 gift, a ฿500 dispute lost then won, ฿700
    offline: raised ฿2,700 (online 2,000, offline 700), 1 donation.
    Pupils of grades 4–6 in 2025 (the newest year with grades): Khon Kaen's school 30 (10 + 10
    + 10, not funded), Chiang Mai's 60 (20 + 20 + 20, funded): 60 reached of 90 enrolled.
    """
    school_a = make_school(district="เมืองขอนแก่น")
    make_school(district="ชุมแพ", network_status=NetworkStatus.NONE)
    school_d = make_school(district="ชุมแพ")
    make_partnership(make_org(sector=Sector.PRIVATE), school_d)
    school_b = make_school(province_code="50", district="สันทราย")
    db.session.add_all(
        [
            SchoolYearStat(school=school_b, academic_year=2024, pupils=100, teachers=8),
            SchoolYearStat(
                school=school_b,
                academic_year=2025,
                pupils=120,
                teachers=9,
                **by_grade(120, 20, 20, 20),
            ),
            SchoolYearStat(
                school=school_a,
                academic_year=2025,
                pupils=80,
                teachers=5,
                **by_grade(80, 10, 10, 10),
            ),
        ]
    )
    db.session.commit()
    khon_kaen = build_campaign(school_a, goal_satang=10_000_000, title="ขอนแก่น")
    chiang_mai = build_campaign(school_b, goal_satang=100_000, title="เชียงใหม่")
    build_campaign(school_a, state="draft", title="ร่าง")
    money(khon_kaen, K.DONATION_PAID, 50_000)
    money(khon_kaen, K.DONATION_PAID, 30_000)
    money(khon_kaen, K.REFUND, -30_000, donors=-1)
    money(khon_kaen, K.MATCH, 20_000)
    money(khon_kaen, K.MATCH_RETURNED, -5_000)
    money(khon_kaen, K.OFFLINE_GIFT, 100_000)
    money(khon_kaen, K.OFFLINE_GIFT_REVERSED, -100_000)
    pay_out(khon_kaen.id, amount_satang=40_000, source="disbursement:1", public_label="ร้าน")
    money(khon_kaen, K.DISBURSEMENT_REVERSED, 10_000)
    money(chiang_mai, K.DONATION_PAID, 200_000)
    money(chiang_mai, K.DISPUTE, -50_000)
    money(chiang_mai, K.DISPUTE_REVERSED, 50_000)
    money(chiang_mai, K.OFFLINE_GIFT, 70_000)
    db.session.commit()
    return khon_kaen, chiang_mai


KHON_KAEN = figures.Money(
    raised_satang=65_000, online_satang=50_000, matched_satang=15_000, offline_satang=0,
    spent_satang=30_000, campaigns=1, funded=0, schools_funded=0, donations=1,
)  # fmt: skip
CHIANG_MAI = figures.Money(
    raised_satang=270_000, online_satang=200_000, matched_satang=0, offline_satang=70_000,
    spent_satang=0, campaigns=1, funded=1, schools_funded=1, donations=1,
)  # fmt: skip


def test_figures_equal_the_sums_worked_out_by_hand(known):
    assert verify() == []
    assert figures.money_by("province") == {"40": KHON_KAEN, "50": CHIANG_MAI}
    total = figures.money()
    assert total == KHON_KAEN + CHIANG_MAI
    assert (total.raised_satang, total.spent_satang, total.balance_satang) == (
        335_000,
        30_000,
        305_000,
    )
    assert figures.money_by("district", province_code="40") == {"เมืองขอนแก่น": KHON_KAEN}


def test_the_campaign_counters_equal_a_recomputation_from_the_rows(known):
    """What the dashboards sum (counters) against the ledger's rows summed per province."""
    part = {
        name: [k.value for k, p in RAISED_FROM.items() if p == name]
        for name in RAISED_FROM.values()
    }
    amount = LedgerEntry.amount_satang
    spending = [k.value for k in SPENDING]
    rows = db.session.execute(
        sa.select(
            School.province_code,
            sa.func.sum(sa.case((LedgerEntry.kind.in_(spending), 0), else_=amount)),
            *(
                sa.func.sum(sa.case((LedgerEntry.kind.in_(part[p]), amount), else_=0))
                for p in ("online", "matched", "offline")
            ),
            sa.func.sum(sa.case((LedgerEntry.kind.in_(spending), -amount), else_=0)),
        )
        .join(Campaign, Campaign.id == LedgerEntry.campaign_id)
        .join(School, School.id == Campaign.school_id)
        .group_by(School.province_code)
    )  # fmt: skip
    recomputed = {code: tuple(int(v) for v in sums) for code, *sums in rows}
    shown = {
        code: (m.raised_satang, m.online_satang, m.matched_satang, m.offline_satang, m.spent_satang)
        for code, m in figures.money_by("province").items()
    }
    assert shown == recomputed


def test_verify_names_a_part_of_raised_that_drifted(known):
    khon_kaen, _ = known
    db.session.execute(
        sa.update(Campaign)
        .where(Campaign.id == khon_kaen.id)
        .values(
            online_satang=Campaign.online_satang + 1, matched_satang=Campaign.matched_satang - 1
        )
    )
    db.session.commit()
    (problem,) = verify()
    assert f"campaign {khon_kaen.id} (ขอนแก่น)" in problem
    assert "satang given online: cached 50001, ledger 50000" in problem
    assert "satang matched: cached 14999, ledger 15000" in problem


def test_raised_is_always_the_sum_of_its_parts(known):
    khon_kaen, _ = known
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(
            sa.update(Campaign)
            .where(Campaign.id == khon_kaen.id)
            .values(raised_satang=Campaign.raised_satang + 1)
        )
        db.session.flush()
    db.session.rollback()


def test_verify_names_device_counters_that_drifted(known):
    khon_kaen, _ = known
    db.session.execute(
        sa.update(Campaign).where(Campaign.id == khon_kaen.id).values(devices_recorded=2)
    )
    db.session.commit()
    assert (
        f"campaign {khon_kaen.id}: devices recorded cached 2, counted 0; "
        "confirmed cached 0, counted 0"
    ) in verify()


def test_verify_names_a_summary_row_that_drifted(known):
    db.session.execute(
        sa.update(FigureTotal)
        .where(FigureTotal.province_code == "50")
        .values(raised_satang=FigureTotal.raised_satang + 7)
    )
    db.session.commit()
    (problem,) = verify()
    assert problem.startswith("figures of province 50, programme ")
    assert problem.endswith("raised_satang kept 270007, recomputed 270000")
    rebuild()
    db.session.commit()
    assert verify() == []


def test_schools_and_pupils(known):
    assert school_figures.network_by("province") == {
        "40": school_figures.Network(schools=3, members=2, without_private_partner=1),
        "50": school_figures.Network(schools=1, members=1, without_private_partner=1),
    }
    assert school_figures.network_by("district", province_code="40")[
        "ชุมแพ"
    ] == school_figures.Network(schools=2, members=1, without_private_partner=0)
    assert school_figures.network().outside == 1
    # Only Chiang Mai's school was funded: its newest year (2025) counts.
    assert school_figures.pupils_reached() == school_figures.Pupils(
        schools=1, pupils=120, teachers=9
    )
    years = school_figures.pupils_by_year(province_code="50")
    assert [(y, t.schools, t.pupils, t.teachers) for y, t in years.items()] == [
        (2024, 1, 100, 8),
        (2025, 1, 120, 9),
    ]


def test_pupils_of_grades_4_to_6_reached_against_enrolled(known, make_school):
    khon_kaen, chiang_mai = known
    Reached = school_figures.GradesReached
    reached = school_figures.grades_4_6_reached
    # Chiang Mai's school (funded) 60 of the 30 + 60 of the two network schools with grades.
    assert reached() == Reached(reached=60, enrolled=90)
    assert reached().share == Fraction(2, 3)
    assert reached(province_code="40") == Reached(0, 30)
    assert reached(province_code="50") == Reached(60, 60)
    # A programme narrows what was reached, never what is enrolled.
    assert reached(programme_id=khon_kaen.programme_id) == Reached(0, 90)
    assert reached(programme_id=chiang_mai.programme_id) == Reached(60, 90)
    outsider = make_school(network_status=NetworkStatus.NONE)
    school_a, school_b = khon_kaen.school, chiang_mai.school
    db.session.add_all(
        [
            # outside the network: never enrolled, never reached
            SchoolYearStat(school=outsider, academic_year=2025, pupils=50, teachers=2,
                           **by_grade(50, 5, 5, 5)),
            # a newer year with grades replaces the older one
            SchoolYearStat(school=school_a, academic_year=2026, pupils=90, teachers=5,
                           **by_grade(90, 12, 12, 12)),
            # a newer total alone (no grades): the newest year with grades still counts
            SchoolYearStat(school=school_b, academic_year=2026, pupils=130, teachers=9),
        ]
    )  # fmt: skip
    db.session.commit()
    assert reached() == Reached(60, 96)
    assert Reached().share is None and Reached().percent is None


def test_a_period_counts_the_campaigns_that_opened_in_it(known):
    now = utcnow()
    this_year = Period(YearKind.FISCAL, year_of(YearKind.FISCAL, now))
    assert figures.money(this_year) == KHON_KAEN + CHIANG_MAI
    last_year = Period(YearKind.FISCAL, this_year.be_year - 1)
    assert figures.money(last_year) == figures.Money()
    academic = Period(YearKind.ACADEMIC, year_of(YearKind.ACADEMIC, now - timedelta(days=1)))
    assert figures.money(academic).campaigns == 2


def test_periods_read_from_a_query_string():
    assert from_args({"year_kind": "fiscal", "year": "2570"}).bounds()[0].isoformat() == (
        "2026-10-01T00:00:00+07:00"
    )
    assert from_args({"year_kind": "academic", "year": "2569"}).bounds()[1].isoformat() == (
        "2027-05-01T00:00:00+07:00"
    )
    for bad in ({"year_kind": "fiscal", "year": "abc"}, {"year_kind": "x", "year": "2569"},
                {"year_kind": "fiscal", "year": "1999"}, {}):  # fmt: skip
        assert from_args(bad) == Period()


def test_every_kind_that_raises_money_has_its_part():
    assert set(RAISED_FROM) == set(LedgerKind) - SPENDING


def test_simultaneous_gifts_to_one_provinces_campaigns_all_count(app, make_school):
    """Eight transactions move eight campaigns of one province and programme at once: each
    adds to the same summary row when it commits, none is lost (PostgreSQL: row locks; SQLite:
    one writer at a time)."""
    first = build_campaign(make_school(), goal_satang=10_000_000)
    programme = first.programme
    campaigns = [first.id]
    for _ in range(7):
        campaign = build_campaign(make_school(), goal_satang=10_000_000)
        campaign.programme_id = programme.id  # one programme: one summary row
        campaigns.append(campaign.id)
    db.session.commit()
    figures_rebuilt = rebuild()  # the campaigns moved to one programme
    db.session.commit()
    assert figures_rebuilt == 1
    barrier = threading.Barrier(len(campaigns))
    errors = []

    def give(campaign_id: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                record_money(
                    campaign_id, amount_satang=10_000, kind=K.DONATION_PAID,
                    source=f"thread:{campaign_id}", public_label="",
                )  # fmt: skip
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=give, args=(c,)) for c in campaigns]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.expire_all()
    assert figures.money().raised_satang == 80_000
    assert figures.money().donations == 8
    assert verify() == []
