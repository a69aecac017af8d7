r"""Fill a database with N schools (and their yearly figures and partners) for page benchmarks.

    DATABASE_URL=postgresql+psycopg://127.0.0.1/partnership_bench \
        python tests/bench/seed_registry.py 10000
"""

from __future__ import annotations

import sys
from datetime import date

from flask_migrate import upgrade

from partnership import create_app
from partnership.extensions import db
from partnership.registry.models import (
    Affiliation,
    NetworkStatus,
    Organisation,
    OrganisationKind,
    Partnership,
    PartnershipRole,
    School,
    SchoolYearStat,
    Sector,
)
from partnership.registry.provinces import PROVINCES


def seed(n: int) -> None:
    app = create_app()
    with app.app_context():
        upgrade()
        if db.session.scalar(db.select(db.func.count(School.id))):
            print("already seeded")
            return
        orgs = [
            Organisation(
                name=f"บริษัท ทดสอบ {i} จำกัด", kind=OrganisationKind.COMPANY, sector=Sector.PRIVATE
            )
            for i in range(14)
        ]
        db.session.add_all(orgs)
        db.session.flush()
        schools = [
            {
                "id": i,
                "code": f"10{i:08d}",
                "name_th": f"โรงเรียนบ้านทดสอบ {i}",
                "province_code": PROVINCES[i % len(PROVINCES)].code,
                "district": "เมือง",
                "affiliation": Affiliation.OBEC,
                "min_grade": 0,
                "max_grade": 8,
                "network_status": NetworkStatus.MEMBER,
            }
            for i in range(1, n + 1)
        ]
        db.session.execute(db.insert(School), schools)
        db.session.execute(
            db.insert(SchoolYearStat),
            [
                {"school_id": i, "academic_year": y, "pupils": 100 + i % 300, "teachers": 8}
                for i in range(1, n + 1)
                for y in (2024, 2025)
            ],
        )
        db.session.execute(
            db.insert(Partnership),
            [
                {
                    "school_id": i,
                    "organisation_id": orgs[i % 14].id,
                    "role": PartnershipRole.ADOPTER,
                    "started_on": date(2021, 6, 1),
                }
                for i in range(1, n + 1, 2)
            ],
        )
        db.session.commit()
        print(f"seeded {n} schools")


if __name__ == "__main__":
    seed(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
