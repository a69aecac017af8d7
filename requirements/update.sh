#!/usr/bin/env bash
# Refreshes the lock files from pyproject.toml with uv's resolver:
#   requirements/lock.txt        the app with its `test`, `production` and `s3` extras (tests/setup.sh, CI)
#   requirements/production.txt  the app with its `production` and `s3` extras, the same versions
# Versions already pinned stay unless pyproject.toml needs others; new dependencies are added.
# `bash requirements/update.sh --upgrade` moves every pin to the newest release allowed.
# Without a network it resolves from uv's cache (--offline).
set -euo pipefail
cd "$(dirname "$0")/.."

UV_VERSION=0.13.9
PYTHON_VERSION=3.11  # the lowest Python pyproject.toml allows; the lock holds for newer ones too

uv_command() {
  if command -v uv >/dev/null 2>&1; then
    command -v uv
    return
  fi
  local tools="${XDG_CACHE_HOME:-$HOME/.cache}/partnership/uv-$UV_VERSION"
  if [ ! -x "$tools/bin/uv" ]; then
    python3 -m venv "$tools" >&2
    "$tools/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION" >&2
  fi
  echo "$tools/bin/uv"
}
UV=$(uv_command)

compile() {
  # compile OUTPUT ARGS...: online first, from the cache alone if the index cannot be reached.
  local output=$1
  shift
  local args=(pip compile pyproject.toml --universal --python-version "$PYTHON_VERSION"
    --no-header --annotation-style line --quiet --output-file "$output" "$@")
  if ! "$UV" "${args[@]}"; then
    echo "update.sh: resolving from uv's cache only (--offline)" >&2
    "$UV" "${args[@]}" --offline
  fi
  local body
  body=$(cat "$output")
  {
    echo "# Exact versions; do not edit. Made from pyproject.toml by: bash requirements/update.sh"
    echo "$body"
  } >"$output"
}

compile requirements/lock.txt --extra test --extra production --extra s3 "$@"
# The production lock takes its versions from the full one, so both install the same app.
compile requirements/production.txt --extra production --extra s3 --constraint requirements/lock.txt "$@"
echo "requirements/lock.txt and requirements/production.txt are up to date with pyproject.toml"
