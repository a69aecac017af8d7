"""A worker starts without the libraries only some requests need (issue 22: under 150 MB).

Typesetting (fpdf2 with fontTools and HarfBuzz), openpyxl, pypdf and icalendar cost a worker
30 MB or more together when imported at start; the view or function that uses them imports them
with its first PDF, workbook, attachment check or invitation. A module-level import slips back
in easily (a new view that imports a PDF module), so a fresh interpreter checks it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Imported only by what uses them.
LOADED_WHEN_USED = ("fpdf", "fontTools", "uharfbuzz", "openpyxl", "pypdf", "icalendar")

PROBE = """
import json, sys
from partnership import create_app
create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "probe"})
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def _imported_at_start() -> set[str]:
    env = {**os.environ, "PARTNERSHIP_ENV": "testing"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_app_starts_without_the_heavy_libraries():
    loaded = _imported_at_start()
    assert "flask" in loaded and "partnership" in loaded  # the probe saw the app start
    assert not loaded & set(LOADED_WHEN_USED)
