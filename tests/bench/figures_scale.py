r"""The dashboards at national size: server time and queries per page, after the first request.

    createdb -h 127.0.0.1 -U postgres partnership_figures   # once
    DATABASE_URL=postgresql+psycopg://127.0.0.1/partnership_figures \
        python tests/bench/figures_scale.py [-n 200]

Seeds, once (``generate_series`` in SQL, a few minutes): 30,000 schools with three academic
years of figures, 10,000 campaigns over three fiscal years (half funded), 1,000,000 paid
donations, 50,000 paid disbursements with one line each and 200,000 devices (half confirmed on
a handover). The counters the dashboards read are set from those rows, as the services would
have moved them. Then, in-process with the production settings, each page is asked once (the
first request) and ``-n`` times more: with the page cache as in production (60 s); with every
request missing the kept page (as when a gift arrives between two requests) while the school
figures stay kept; and with every cache off. It prints the median and 95th percentile of server
time and the SQL statements per request.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.profile_pages import BENCH_ENV  # noqa: E402

os.environ.update(BENCH_ENV)
if "TAX_ID_KEYS" not in os.environ:
    from cryptography.fernet import Fernet

    os.environ["TAX_ID_KEYS"] = Fernet.generate_key().decode()

import sqlalchemy as sa  # noqa: E402

from partnership import create_app  # noqa: E402
from partnership.db_types import utcnow  # noqa: E402
from partnership.extensions import db  # noqa: E402
from tests.bench.seed_registry import seed as seed_schools  # noqa: E402

SCHOOLS, CAMPAIGNS, DONATIONS = 30_000, 10_000, 1_000_000
DISBURSEMENTS_PER_FUNDED, DEVICES_PER_LINE = 10, 4  # 5,000 funded: 50,000 and 200,000
PAGES = ("/figures", "/figures/provinces", "/figures/provinces/40")

SQL = [
    # A third academic year, and grades of pupils left as the registry seed made them.
    """INSERT INTO school_year_stats (school_id, academic_year, pupils, teachers, recorded_at)
       SELECT id, 2023, 90 + id % 300, 7, now() FROM schools""",
    """INSERT INTO users (email, name, password_hash, is_staff, is_active_account,
         session_version, created_at, mfa_required_from)
       VALUES ('bench-a@example.org', 'A', '!', true, true, 1, now(), now()),
              ('bench-b@example.org', 'B', '!', true, true, 1, now(), now())""",
    """INSERT INTO applications (programme_id, school_id, title, summary, need, delivery_plan,
         teachers_benefiting, state, submitted_at, eligibility_failures, eligibility_override,
         decision_reason, created_at, updated_at)
       SELECT :programme, 3 * g, 'โน้ตบุ๊กเพื่อการเรียนรู้ ' || g, 'สรุป', 'ความจำเป็น', 'แผน', 2,
         'approved', now(), '', '', '', now(), now() FROM generate_series(1, :campaigns) AS g""",
    # Three fiscal years of campaigns; the even ones funded twenty days after they opened.
    """INSERT INTO campaigns (application_id, programme_id, school_id, title, story, goal_satang,
         starts_at, ends_at, state, funding_rule, raised_satang, donor_count, launched_at,
         funded_at, listing_group, created_at)
       SELECT a.id, a.programme_id, a.school_id, a.title, 'เรื่องราว', 4497150,
         :now - (a.id % 3) * interval '365 days' - interval '50 days',
         :now - (a.id % 3) * interval '365 days' - interval '5 days',
         CASE WHEN a.id % 2 = 0 THEN 'funded' ELSE 'closed' END, 'keep_what_you_raise', 0, 0,
         :now - (a.id % 3) * interval '365 days' - interval '50 days',
         CASE WHEN a.id % 2 = 0
           THEN :now - (a.id % 3) * interval '365 days' - interval '30 days' END,
         CASE WHEN a.id % 2 = 0 THEN 0 ELSE 1 END, now()
       FROM applications a WHERE a.programme_id = :programme ORDER BY a.id""",
    """INSERT INTO campaign_budget_lines (campaign_id, position, item, unit_price_satang, quantity)
       SELECT id, 0, 'คอมพิวเตอร์โน้ตบุ๊ก', 1499050, 40 FROM campaigns""",
    """INSERT INTO donations (campaign_id, token, amount_satang, donor_name, email, anonymous,
         show_amount, message, wants_updates, locale, state, idempotency_key, refunded_satang,
         charge_refunded_max_satang, disputed, disputed_satang, dispute_status, failure_reason,
         paid_at, created_at)
       SELECT c.min_id + g % :campaigns, 'b' || g, 10000 + g % 90000, 'ผู้ให้ ' || g,
         'd@example.com', g % 3 = 0, g % 2 = 0, '', false, 'th', 'paid', 'k' || g, 0, 0, false,
         0, '', '', now(), now()
       FROM generate_series(1, :donations) AS g, (SELECT min(id) AS min_id FROM campaigns) c""",
    """INSERT INTO disbursements (campaign_id, state, paid_on, payee_name, payee_tax_id,
         amount_satang, over_budget_reason, invoice_name, invoice_content_type,
         public_invoice_content_type, reversal_reason, submitted_by_id, submitted_at,
         approved_by_id, approved_at, paid_by_id, paid_at, created_at)
       SELECT c.id, 'paid', current_date, 'ห้างหุ้นส่วนจำกัด ไอทีขอนแก่น', '', 100000, '', '', '',
         '', '', u.a, now(), u.b, now(), u.b, now(), now()
       FROM campaigns c, generate_series(1, :per_funded) AS g,
         (SELECT min(id) AS a, max(id) AS b FROM users WHERE email LIKE 'bench-%') u
       WHERE c.funded_at IS NOT NULL""",
    """INSERT INTO disbursement_lines (disbursement_id, budget_line_id, position, quantity,
         unit_price_satang)
       SELECT d.id, b.id, 0, :per_line, 25000 FROM disbursements d
       JOIN campaign_budget_lines b ON b.campaign_id = d.campaign_id""",
    """INSERT INTO device_handovers (campaign_id, received_on, received_by_name, form_key,
         form_name, form_content_type, created_at)
       SELECT id, current_date, 'ครูผู้รับ', 'bench', 'form.pdf', 'application/pdf', now()
       FROM campaigns WHERE funded_at IS NOT NULL""",
    """INSERT INTO devices (campaign_id, disbursement_line_id, kind, model, serial, state,
         handover_id, asset_number, created_at)
       SELECT d.campaign_id, l.id, 'laptop', 'Notebook 14', 'SN' || l.id || '-' || g,
         CASE WHEN g % 2 = 0 THEN 'received' ELSE 'recorded' END,
         CASE WHEN g % 2 = 0 THEN h.id END, '', now()
       FROM disbursement_lines l JOIN disbursements d ON d.id = l.disbursement_id
       JOIN device_handovers h ON h.campaign_id = d.campaign_id,
       generate_series(1, :per_line) AS g""",
    # The counters, as the services would have moved them row by row.
    """UPDATE campaigns c SET raised_satang = s.total, online_satang = s.total, donor_count = s.n
       FROM (SELECT campaign_id, sum(amount_satang) AS total, count(*) AS n FROM donations
             GROUP BY campaign_id) s WHERE s.campaign_id = c.id""",
    """UPDATE campaigns c SET spent_satang = s.total
       FROM (SELECT campaign_id, sum(amount_satang) AS total FROM disbursements
             GROUP BY campaign_id) s WHERE s.campaign_id = c.id""",
    """UPDATE campaigns c SET devices_recorded = s.n, devices_confirmed = s.confirmed
       FROM (SELECT campaign_id, count(*) AS n, count(*) FILTER (WHERE state <> 'recorded')
             AS confirmed FROM devices GROUP BY campaign_id) s WHERE s.campaign_id = c.id""",
]


def seed(app) -> None:
    from partnership.programmes.models import Programme, ProgrammeState

    seed_schools(SCHOOLS)
    with app.app_context():
        if db.session.scalar(sa.select(sa.func.count()).select_from(sa.text("campaigns"))):
            return
        started = time.perf_counter()
        now = utcnow()
        programme = Programme(
            name_th="โครงการ Notebook for Education (benchmark)",
            opens_at=now - timedelta(days=1200),
            closes_at=now - timedelta(days=1100),
            state=ProgrammeState.DECIDED,
            budget_total_satang=1,
            cap_satang=50_000_000,
        )
        db.session.add(programme)
        db.session.flush()
        params = {
            "programme": programme.id,
            "campaigns": CAMPAIGNS,
            "donations": DONATIONS,
            "per_funded": DISBURSEMENTS_PER_FUNDED,
            "per_line": DEVICES_PER_LINE,
            "now": now,
        }
        for statement in SQL:
            db.session.execute(sa.text(statement), params)
        from partnership.campaigns.figures import rebuild

        rebuild()  # the summary rows, as the services would have moved them
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("ANALYZE"))
        counts = {
            table: db.session.scalar(sa.text(f"SELECT count(*) FROM {table}"))
            for table in (
                "schools",
                "school_year_stats",
                "campaigns",
                "donations",
                "disbursements",
                "devices",
                "figure_totals",
            )
        }
        print(f"seeded in {time.perf_counter() - started:.0f} s: {counts}")


@contextmanager
def counting(app):
    statements: list[str] = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)


def measure(cache_seconds: int, n: int, *, miss: bool = False) -> None:
    """``miss``: every request a new page (a gift arrived since the last one changes the kept
    page's version the same way), with the school figures kept as in production."""
    app = create_app({"PAGE_CACHE_SECONDS": cache_seconds})
    client = app.test_client()
    label = (
        "page missed"
        if miss
        else (f"page cache {cache_seconds} s" if cache_seconds else "all caches off")
    )
    for path in PAGES:
        with counting(app) as statements:
            started = time.perf_counter()
            response = client.get(path)
            first = (time.perf_counter() - started) * 1000
            first_queries = len(statements)
        assert response.status_code == 200, (path, response.status_code)
        times, queries = [], []
        for i in range(n):
            url = f"{path}?miss={i}" if miss else path
            with counting(app) as statements:
                started = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            queries.append(len(statements))
        p95 = statistics.quantiles(times, n=20)[18]
        print(
            f"{label:18} {path:24} first {first:7.1f} ms {first_queries:3} queries | "
            f"then median {statistics.median(times):6.1f} ms, p95 {p95:6.1f} ms, "
            f"{max(queries)} queries, {len(response.data) // 1024} KB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200)
    args = parser.parse_args()
    seed(create_app())
    measure(60, args.n)
    measure(60, args.n, miss=True)
    measure(0, max(20, args.n // 10))


if __name__ == "__main__":
    main()
