#!/usr/bin/env bash
# Throughput of the public school page relative to the cheapest possible Flask page
# (../shared/bench), both under gunicorn on the same PostgreSQL, in one run. Prints the ratio.
#   bash tests/bench/school_page.sh [N_SCHOOLS]
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-10000}
BENCH=${BENCH_DIR:-../shared/bench}
command -v wrk >/dev/null || apt-get install -y -qq wrk
python -m pip install -q gunicorn
psql -h 127.0.0.1 -d test -qc "DROP DATABASE IF EXISTS partnership_bench" -qc "CREATE DATABASE partnership_bench"
export DATABASE_URL=postgresql+psycopg://127.0.0.1/partnership_bench
export BASELINE_DATABASE_URL=postgresql+psycopg://127.0.0.1/test
export PARTNERSHIP_ENV=production SECRET_KEY=bench RATELIMIT_ENABLED=0
export PARTNERSHIP_INSTANCE=$(mktemp -d)
python tests/bench/seed_registry.py "$N"
python "$BENCH/baseline_app.py" seed "$N"
gunicorn -w 5 -b 127.0.0.1:8000 -q 'wsgi:app' & A=$!
gunicorn -w 5 -b 127.0.0.1:8101 -q --chdir "$BENCH" 'baseline_app:app' & B=$!
trap 'kill $A $B' EXIT
sleep 3
python "$BENCH/compare.py" --a "http://127.0.0.1:8000/schools/{id}" \
  --b "http://127.0.0.1:8101/campaigns/{id}" --ids "1-$N" --rounds 3 --seconds 10
