#!/usr/bin/env bash
# Throughput of the campaign page and the campaign list relative to ../shared/bench's baseline
# page, both under gunicorn on the same PostgreSQL, in one run. Prints the ratios.
#   bash tests/bench/campaign_pages.sh [N_CAMPAIGNS] [N_DONATIONS]
# With PAGE_CACHE_URL=redis://127.0.0.1:6379/13 the workers share their kept pages through Redis
# (emptied first, so nothing from an earlier run is served). PAGE_CACHE_SECONDS=0 turns the
# cache off. After the uniform draws (nearly every request a miss), the list again with pages
# drawn from a Zipf distribution (s = 1.1: shares concentrate on a few pages), tests/bench/
# zipf_compare.py, the reference page drawn the same way.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-10000}
M=${2:-1000000}
BENCH=${BENCH_DIR:-/work/shared/bench}
command -v wrk >/dev/null || apt-get install -y -qq wrk
command -v gunicorn >/dev/null || python -m pip install -q gunicorn
# REUSE_DB=1 keeps the database an earlier run seeded (seeding 1,000,000 donations takes minutes).
if [ -z "${REUSE_DB:-}" ]; then
  psql -h 127.0.0.1 -d test -qc "DROP DATABASE IF EXISTS partnership_bench_pages" -qc "CREATE DATABASE partnership_bench_pages"
fi
export DATABASE_URL=postgresql+psycopg://127.0.0.1/partnership_bench_pages
export BASELINE_DATABASE_URL=postgresql+psycopg://127.0.0.1/test
export PARTNERSHIP_ENV=production SECRET_KEY=bench RATELIMIT_ENABLED=0
# Production refuses to start without its site (issue 7); the benchmark serves it on loopback.
export BASE_URL=https://127.0.0.1 TRUSTED_HOSTS=127.0.0.1
# ... and without the foundation printed on receipts and the tax-id key (issue 9).
export RECEIPT_ORG_NAME=Bench RECEIPT_ORG_ADDRESS=Bench RECEIPT_ORG_TAX_ID=0993000000000
export RECEIPT_ORG_CHARITY_ANNOUNCEMENT=1 RECEIPT_ORG_CHARITY_DATE=2020-01-01
export RECEIPT_SIGNATORY_NAME=Bench RECEIPT_SIGNATORY_TITLE=Bench
export TAX_ID_KEYS=$(python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())")
export PARTNERSHIP_INSTANCE=$(mktemp -d) PYTHONPATH=$PWD
if [ -z "${REUSE_DB:-}" ]; then time python tests/bench/seed_campaigns.py "$N" "$M"; fi
if [ -n "${PAGE_CACHE_URL:-}" ]; then redis-cli -u "$PAGE_CACHE_URL" flushdb >/dev/null; fi
python "$BENCH/baseline_app.py" seed "$N"
gunicorn -w 5 -b 127.0.0.1:8000 --log-level warning 'wsgi:app' & A=$!
gunicorn -w 5 -b 127.0.0.1:8101 --log-level warning --chdir "$BENCH" 'baseline_app:app' & B=$!
trap 'kill $A $B' EXIT
sleep 3
for i in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:8000/campaigns/$i"; curl -s -o /dev/null "http://127.0.0.1:8000/campaigns?page=$i"; curl -s -o /dev/null "http://127.0.0.1:8101/campaigns/$i"; done
# RUNS picks what is measured (default: all three).
RUNS=${RUNS:-"page list zipf"}
if [[ " $RUNS " == *" page "* ]]; then
  echo "== campaign page"
  python "$BENCH/compare.py" --a "http://127.0.0.1:8000/campaigns/{id}" \
    --b "http://127.0.0.1:8101/campaigns/{id}" --ids "1-$N" --rounds 3 --seconds 10 --connections 16
fi
if [[ " $RUNS " == *" list "* ]]; then
  echo "== campaign list"
  python "$BENCH/compare.py" --a "http://127.0.0.1:8000/campaigns?page={id}" \
    --b "http://127.0.0.1:8101/campaigns/{id}" --ids "1-$((N / 12))" --rounds 3 --seconds 10 \
    --connections 16
fi
if [[ " $RUNS " == *" zipf "* ]]; then
  echo "== campaign list, Zipf mix (s = 1.1)"
  python tests/bench/zipf_compare.py --a "http://127.0.0.1:8000/campaigns?page={id}" \
    --b "http://127.0.0.1:8101/campaigns/{id}" --a-ids "1-$((N / 12))" --b-ids "1-$N" \
    --rounds 3 --seconds 10 --connections 16
fi
