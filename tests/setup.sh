#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine: the locked versions of the
# Python packages (requirements/lock.txt: the app with its test, production and s3 extras), the app
# itself, Debian's Chromium and Thai fonts for the browser tests, and the HTML/a11y checkers.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "tlwg\|thai"; then
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-thai-tlwg default-jre-headless >/dev/null
fi
command -v java >/dev/null 2>&1 || as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
# The multinode tests run a redis-server of their own (tests/multinode/servers.py).
command -v redis-server >/dev/null 2>&1 || as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
# pdftotext reads receipts' text layer as PDF readers copy it (tests/receipts/test_document.py).
command -v pdftotext >/dev/null 2>&1 || as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
python -m pip install --quiet --disable-pip-version-check -r requirements/lock.txt
python -m pip install --quiet --disable-pip-version-check --no-deps -e .
(cd tests/tools && npm ci --silent --no-audit --no-fund --ignore-scripts)
