r"""Fill a PostgreSQL database with N live campaigns and M paid donations for the page benchmark.

    DATABASE_URL=postgresql+psycopg://127.0.0.1/partnership_bench \
        python tests/bench/seed_campaigns.py 10000 1000000

Schools come from ``seed_registry``; applications, campaigns and donations are generated in SQL
(``generate_series``), and the counters are set from the donations as the webhook would have.
"""

from __future__ import annotations

import sys
from datetime import timedelta

import sqlalchemy as sa

from partnership import create_app
from partnership.db_types import utcnow
from partnership.extensions import db
from partnership.programmes.models import Programme, ProgrammeState
from tests.bench.seed_registry import seed as seed_schools

SQL = [
    """INSERT INTO applications (programme_id, school_id, title, summary, need, delivery_plan,
         teachers_benefiting, state, submitted_at, eligibility_failures, eligibility_override,
         decision_reason, created_at, updated_at)
       SELECT :programme, g, 'โน้ตบุ๊กเพื่อการเรียนรู้ ' || g, 'สรุป', 'ความจำเป็น', 'แผน', 2,
         'approved', now(), '', '', '', now(), now() FROM generate_series(1, :n) AS g""",
    """INSERT INTO campaigns (application_id, programme_id, school_id, title, story, goal_satang,
         starts_at, ends_at, state, funding_rule, raised_satang, donor_count, launched_at,
         listing_group, created_at)
       SELECT a.id, a.programme_id, a.school_id, a.title,
         repeat('นักเรียนต้องใช้คอมพิวเตอร์ร่วมกันหลายคนต่อเครื่อง ', 20), 4497150,
         :starts, :ends, 'live', 'keep_what_you_raise', 0, 0, :starts, 0, now()
       FROM applications a WHERE a.programme_id = :programme ORDER BY a.id""",
    """INSERT INTO campaign_budget_lines (campaign_id, position, item, unit_price_satang, quantity)
       SELECT id, 0, 'คอมพิวเตอร์โน้ตบุ๊ก', 1499050, 3 FROM campaigns""",
    """INSERT INTO donations (campaign_id, token, amount_satang, donor_name, email, anonymous,
         show_amount, message, wants_updates, locale, state, idempotency_key, refunded_satang,
         charge_refunded_max_satang, disputed, disputed_satang, dispute_status, failure_reason,
         paid_at, created_at)
       SELECT 1 + g % :n, 'b' || g, 10000 + g % 90000, 'ผู้ให้ ' || g, 'd@example.com',
         g % 3 = 0, g % 2 = 0, CASE WHEN g % 5 = 0 THEN 'ขอให้น้อง ๆ ตั้งใจเรียน' ELSE '' END,
         false, 'th', 'paid', 'k' || g, 0, 0, false, 0, '', '', now(), now()
       FROM generate_series(1, :m) AS g""",
    """UPDATE campaigns c SET raised_satang = s.total, online_satang = s.total, donor_count = s.n
       FROM (SELECT campaign_id, sum(amount_satang) AS total, count(*) AS n FROM donations
             GROUP BY campaign_id) s WHERE s.campaign_id = c.id""",
    # What autovacuum does to a table in production: statistics, and the visibility map that
    # lets the list's count and page read the index alone (a fresh bulk load has neither).
    "VACUUM ANALYZE",
]


def seed(n: int, m: int) -> None:
    seed_schools(n)
    app = create_app()
    with app.app_context():
        if db.session.scalar(sa.select(sa.func.count()).select_from(sa.text("campaigns"))):
            print("campaigns already seeded")
            return
        now = utcnow()
        programme = Programme(
            name_th="โครงการ Notebook for Education (benchmark)",
            opens_at=now - timedelta(days=90),
            closes_at=now - timedelta(days=60),
            state=ProgrammeState.DECIDED,
            budget_total_satang=1,
            cap_satang=50_000_000,
        )
        db.session.add(programme)
        db.session.flush()
        params = {
            "programme": programme.id,
            "n": n,
            "m": m,
            "starts": now - timedelta(days=5),
            "ends": now + timedelta(days=40),
        }
        for statement in SQL[:-1]:
            db.session.execute(sa.text(statement), params)
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text(SQL[-1]))


if __name__ == "__main__":
    seed(int(sys.argv[1]), int(sys.argv[2]))
