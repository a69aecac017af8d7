"""Property-based tests of the pure assignment planner (no database)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from partnership.review.assignment import (
    PRIVATE,
    PUBLIC,
    MemberSlot,
    plan_assignments,
    swap_keeps_balance,
)

from .conftest import REVIEW_SETTINGS

SECTORS = st.sampled_from([PUBLIC, PRIVATE, "civil_society", "academic"])


@st.composite
def rounds(draw, with_conflicts=True, with_existing=False):
    sectors = draw(st.lists(SECTORS, min_size=0, max_size=9))
    members = [MemberSlot(i + 1, s) for i, s in enumerate(sectors)]
    apps = list(range(100, 100 + draw(st.integers(0, 12))))
    pairs = [(m.id, a) for m in members for a in apps]
    conflicts = (
        set(draw(st.lists(st.sampled_from(pairs), unique=True)))
        if (pairs and with_conflicts)
        else set()
    )
    existing = (
        set(draw(st.lists(st.sampled_from(pairs), unique=True)))
        if (pairs and with_existing)
        else set()
    )
    locked = {p for p in existing if draw(st.booleans())}
    return {
        "members": members,
        "application_ids": apps,
        "needed": draw(st.integers(1, 4)),
        "require_balance": draw(st.booleans()),
        "conflicts": conflicts,
        "existing": existing,
        "locked": locked,
    }


def final_pairs(r, plan):
    kept = {p for p in r["existing"] if p not in plan.remove and p[0] <= len(r["members"])}
    return kept | set(plan.add)


@REVIEW_SETTINGS
@given(rounds(with_existing=True))
def test_never_assigns_a_conflicted_member(r):
    plan = plan_assignments(**r)
    assert not set(plan.add) & r["conflicts"]
    # Conflicted existing pairs go, unless their review is submitted (then reported).
    for pair in r["existing"] & r["conflicts"]:
        if pair in r["locked"]:
            assert pair not in plan.remove
            assert any(
                p.code == "conflicted_kept" and p.application_id == pair[1] for p in plan.problems
            )
        else:
            assert pair in plan.remove
    # Non-conflicted existing assignments are never removed.
    assert not (r["existing"] - r["conflicts"]) & set(plan.remove)


@REVIEW_SETTINGS
@given(rounds(with_existing=True))
def test_every_shortfall_is_reported(r):
    plan = plan_assignments(**r)
    sector = {m.id: m.sector for m in r["members"]}
    pairs = final_pairs(r, plan) - r["conflicts"]
    for app in r["application_ids"]:
        reviewers = {m for m, a in pairs if a == app}
        codes = {p.code for p in plan.problems if p.application_id == app}
        if len(reviewers) < r["needed"]:
            assert "short" in codes
        else:
            assert "short" not in codes
        if r["require_balance"]:
            assert ("no_public" in codes) == (PUBLIC not in {sector[m] for m in reviewers})
            assert ("no_private" in codes) == (PRIVATE not in {sector[m] for m in reviewers})


@REVIEW_SETTINGS
@given(rounds())
def test_fresh_round_fills_and_balances_where_possible(r):
    plan = plan_assignments(**r)
    sector = {m.id: m.sector for m in r["members"]}
    for app in r["application_ids"]:
        reviewers = {m for m, a in plan.add if a == app}
        free = [m for m in r["members"] if (m.id, app) not in r["conflicts"]]
        assert len(reviewers) == min(r["needed"], len(free))
        if r["require_balance"] and r["needed"] >= 2:
            free_sectors = {m.sector for m in free}
            if PUBLIC in free_sectors and PRIVATE in free_sectors:
                assert {sector[m] for m in reviewers} >= {PUBLIC, PRIVATE}


@REVIEW_SETTINGS
@given(rounds(with_conflicts=False))
def test_loads_differ_by_at_most_one_without_conflicts_or_sector_rule(r):
    r["require_balance"] = False
    plan = plan_assignments(**r)
    if r["members"] and r["application_ids"]:
        assert max(plan.loads.values()) - min(plan.loads.values()) <= 1


@REVIEW_SETTINGS
@given(rounds(with_existing=True))
def test_no_single_move_would_even_the_loads_further(r):
    """Where conflicts (and the sector rule) allow: no new assignment could move from a member
    to one with at least two fewer reviews."""
    plan = plan_assignments(**r)
    sector = {m.id: m.sector for m in r["members"]}
    pairs = final_pairs(r, plan) - r["conflicts"]
    for heavy, app in plan.add:
        reviewers = {m for m, a in pairs if a == app}
        for light in sector:
            if light in reviewers or (light, app) in r["conflicts"]:
                continue
            if swap_keeps_balance(heavy, light, reviewers, sector, r["require_balance"]):
                assert plan.loads[heavy] - plan.loads[light] <= 1


@REVIEW_SETTINGS
@given(rounds(with_existing=True))
def test_rerun_is_idempotent(r):
    first = plan_assignments(**r)
    again = dict(r, existing=final_pairs(r, first), locked=r["locked"] - set(first.remove))
    second = plan_assignments(**again)
    assert second.add == [] and second.remove == []
    assert sorted(second.problems, key=repr) == sorted(first.problems, key=repr)
    assert second.loads == first.loads
