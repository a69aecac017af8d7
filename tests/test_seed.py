"""``flask seed-demo``: idempotent, prints passwords once, invents its people."""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa

from partnership.accounts.models import User
from partnership.accounts.services import authenticate
from partnership.registry.models import (
    NetworkStatus,
    Organisation,
    OrganisationKind,
    School,
    Sector,
)

#: Real people named in the demo's source texts, kept in the repository (tests/data/).
REAL_PEOPLE = Path(__file__).parent / "data" / "real_people.txt"
ACCOUNT_LINE = re.compile(r"^\s+(.+?)\s+(\S+@\S+)\s+(\S+)$", re.M)


def row_counts(db) -> dict[str, int]:
    db.session.expire_all()
    return {
        name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for name, table in db.metadata.tables.items()
    }


def test_seed_demo_twice_changes_nothing(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    after_first = row_counts(db)
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert row_counts(db) == after_first

    accounts = ACCOUNT_LINE.findall(first.output)
    assert len(accounts) >= 3
    assert "passwords are shown only this once" in first.output
    for _role, email, password in accounts:
        assert authenticate(email, password) is not None, email
        assert password not in second.output
    assert ACCOUNT_LINE.findall(second.output) == []


def test_seed_demo_has_what_the_registry_needs(app, db):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    companies = db.session.scalar(
        sa.select(sa.func.count(Organisation.id)).where(
            Organisation.sector == Sector.PRIVATE, Organisation.kind != OrganisationKind.VENDOR
        )
    )
    assert companies == 14  # the seeds' companies; the demo's supplier (a vendor) is no partner
    assert db.session.scalar(sa.select(sa.func.count(Organisation.id)).where(
        Organisation.sector == Sector.PUBLIC)) >= 1  # fmt: skip
    provinces = set(db.session.scalars(sa.select(School.province_code).where(
        School.network_status == NetworkStatus.MEMBER)))  # fmt: skip
    assert "40" in provinces and len(provinces) >= 3
    staff = db.session.scalars(sa.select(User).where(User.is_staff)).all()
    assert staff
    assert any(u.schools for u in db.session.scalars(sa.select(User)))
    assert any(u.organisations for u in db.session.scalars(sa.select(User)))


def real_people() -> list[list[str]]:
    """The real people's names, each as [given, family, ...]."""
    lines = REAL_PEOPLE.read_text(encoding="utf-8").splitlines()
    return [line.split() for line in lines if line.strip() and not line.startswith("#")]


def test_demo_people_are_invented(app, db):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    people = real_people()
    assert len(people) >= 20, f"no real names in {REAL_PEOPLE}"
    real_names = {" ".join(parts) for parts in people}
    real_family_names = {family for parts in people for family in parts[1:]}
    names = db.session.scalars(sa.select(User.name)).all()
    assert names
    for name in names:
        *_given, surname = name.split()
        assert name not in real_names, name
        assert surname not in real_family_names, name
        assert not any(surname in real for real in real_names), name


def test_the_demo_s_after_funding_pages_weigh_under_100_kb_without_photos(app, db, client):
    """The funded laptop campaign (money out, milestones, updates, devices, a donor wall) and
    its trail, in Thai: the HTML plus every stylesheet and script it links and the four font
    files, with the photos taken away (the budget is for the page, not its pictures)."""
    from partnership.campaigns.models import Campaign
    from partnership.donors.models import CampaignUpdatePhoto
    from partnership.milestones.models import MilestonePhoto

    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    campaign_id = db.session.scalar(
        sa.select(Campaign.id).where(Campaign.school.has(code="1040050101"))
    )
    for model in (CampaignUpdatePhoto, MilestonePhoto):
        db.session.execute(sa.delete(model))
    db.session.commit()
    static = Path(app.static_folder)
    fonts = sum(p.stat().st_size for p in static.glob("fonts/*.woff2"))
    with client.session_transaction() as session:
        session["locale"] = "th"
    for path in (f"/campaigns/{campaign_id}", f"/campaigns/{campaign_id}/trail"):
        html = client.get(path).get_data(as_text=True)
        assert "what-the-money-bought" in html or "trail-delivered" in html
        linked = re.findall(r'(?:href|src)="/static/([^"?]+\.(?:css|js))', html)
        assert "css/app.css" in linked
        total = len(html.encode()) + fonts + sum((static / name).stat().st_size for name in linked)
        assert total <= 100_000, (path, len(html.encode()), linked, total)
