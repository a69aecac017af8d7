"""Automatic reviewer assignment as a pure function over plain data (tested with Hypothesis).

The plan keeps every existing assignment that is not conflicted, fills each application up to
the number of reviewers the programme needs (a public-sector and a private-sector member first
when the programme asks for sector balance), always picks the least-loaded free member, then
swaps reviewers from heavily to lightly loaded members until no single swap evens the loads
further. It never assigns a conflicted member, and reports every requirement it cannot meet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

PUBLIC, PRIVATE = "public", "private"


@dataclass(frozen=True)
class MemberSlot:
    id: int
    sector: str


@dataclass(frozen=True)
class Problem:
    """Why an application could not get what the programme asks for (code + figures)."""

    application_id: int
    code: str  # "short" | "no_public" | "no_private" | "conflicted_kept"
    have: int = 0
    need: int = 0


@dataclass
class Plan:
    add: list[tuple[int, int]] = field(default_factory=list)  # (member_id, application_id)
    remove: list[tuple[int, int]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    loads: dict[int, int] = field(default_factory=dict)


def sectors_balanced(sectors: Iterable[str]) -> bool:
    present = set(sectors)
    return PUBLIC in present and PRIVATE in present


def plan_assignments(
    members: list[MemberSlot],
    application_ids: list[int],
    needed: int,
    require_balance: bool,
    conflicts: set[tuple[int, int]],
    existing: set[tuple[int, int]],
    locked: set[tuple[int, int]] = frozenset(),
) -> Plan:
    """Plan the assignments; ``locked`` pairs (submitted reviews) are never removed."""
    sector = {m.id: m.sector for m in members}
    plan = Plan()
    loads = {m.id: 0 for m in members}
    current: dict[int, set[int]] = {a: set() for a in application_ids}
    fixed: set[tuple[int, int]] = set()
    for member_id, app_id in sorted(existing):
        if member_id not in sector or app_id not in current:
            continue
        if (member_id, app_id) in conflicts:
            if (member_id, app_id) in locked:
                plan.problems.append(Problem(app_id, "conflicted_kept"))
            else:
                plan.remove.append((member_id, app_id))
            continue
        current[app_id].add(member_id)
        loads[member_id] += 1
        fixed.add((member_id, app_id))

    def free(app_id: int) -> list[int]:
        return [
            m.id for m in members if m.id not in current[app_id] and (m.id, app_id) not in conflicts
        ]

    # The hardest applications first: the fewest members able to review them.
    order = sorted(application_ids, key=lambda a: (len(free(a)), a))
    for app_id in order:
        for wanted in (PUBLIC, PRIVATE) if require_balance else ():
            if len(current[app_id]) >= needed or wanted in {sector[m] for m in current[app_id]}:
                continue
            candidates = [m for m in free(app_id) if sector[m] == wanted]
            if candidates:
                _take(min(candidates, key=lambda m: (loads[m], m)), app_id, current, loads)
        while len(current[app_id]) < needed:
            candidates = free(app_id)
            if not candidates:
                break
            _take(min(candidates, key=lambda m: (loads[m], m)), app_id, current, loads)

    _even_out(current, loads, fixed, conflicts, sector, require_balance)

    for app_id in application_ids:
        reviewers = current[app_id]
        if len(reviewers) < needed:
            plan.problems.append(Problem(app_id, "short", len(reviewers), needed))
        if require_balance:
            have = {sector[m] for m in reviewers}
            if PUBLIC not in have:
                plan.problems.append(Problem(app_id, "no_public"))
            if PRIVATE not in have:
                plan.problems.append(Problem(app_id, "no_private"))
        for member_id in sorted(reviewers):
            if (member_id, app_id) not in fixed:
                plan.add.append((member_id, app_id))
    plan.loads = loads
    return plan


def _take(member_id: int, app_id: int, current, loads) -> None:
    current[app_id].add(member_id)
    loads[member_id] += 1


def _even_out(current, loads, fixed, conflicts, sector, require_balance) -> None:
    """Move new assignments from a member to one with at least 2 fewer, while any such move
    keeps the application's sector balance; each move lowers the sum of squared loads."""
    improved = True
    while improved:
        improved = False
        for app_id in sorted(current):
            for heavy in sorted(current[app_id], key=lambda m: (-loads[m], m)):
                if (heavy, app_id) in fixed:
                    continue
                light = _lighter_swap(
                    heavy, app_id, current, loads, conflicts, sector, require_balance
                )
                if light is not None:
                    current[app_id].discard(heavy)
                    current[app_id].add(light)
                    loads[heavy] -= 1
                    loads[light] += 1
                    improved = True
                    break


def _lighter_swap(heavy, app_id, current, loads, conflicts, sector, require_balance):
    reviewers = current[app_id]
    for light in sorted(loads, key=lambda m: (loads[m], m)):
        if loads[light] > loads[heavy] - 2:
            return None
        if light in reviewers or (light, app_id) in conflicts:
            continue
        if swap_keeps_balance(heavy, light, reviewers, sector, require_balance):
            return light
    return None


def swap_keeps_balance(heavy, light, reviewers, sector, require_balance) -> bool:
    """Replacing ``heavy`` by ``light`` does not make the sector balance worse."""
    if not require_balance or sector[heavy] == sector[light]:
        return True
    before = {sector[m] for m in reviewers}
    after = {sector[m] for m in reviewers if m != heavy} | {sector[light]}
    return len(after & {PUBLIC, PRIVATE}) >= len(before & {PUBLIC, PRIVATE})
