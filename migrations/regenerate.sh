#!/usr/bin/env bash
# Before the first release the schema is one revision, rebuilt from the models with this script.
# After the first release, add revisions with `flask db migrate` instead and stop using it.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
rm -f migrations/versions/0001_*.py
export FLASK_APP=partnership PARTNERSHIP_INSTANCE="$scratch" DATABASE_URL="sqlite:///$scratch/db.sqlite3"
flask db migrate -m "initial schema" --rev-id 0001 >/dev/null
python -m ruff format --quiet migrations/versions/0001_*.py || true
flask db upgrade >/dev/null
flask db check
