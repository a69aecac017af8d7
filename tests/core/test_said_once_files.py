"""Files are checked in one place and stored in one place: ``Image.open``, pypdf and boto3 appear
only in ``core/uploads.py`` and ``core/storage.py``, and no feature writes into
``UPLOAD_FOLDER`` itself (campaign photos once did, so two app servers could not share them)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import partnership

PACKAGE = Path(partnership.__file__).parent

RULES = {
    r"\bImage\.open\(|\.verify\(\)": {"core/uploads.py"},  # the one image validator
    r"\bPdfReader\(": {"core/uploads.py"},
    r"\bboto3\b|\bbotocore\b": {"core/storage.py"},
    r"UPLOAD_FOLDER|UPLOAD_STORAGE|S3_BUCKET": {"core/storage.py", "config.py"},
}


@pytest.mark.parametrize("pattern", list(RULES))
def test_said_once(pattern):
    found = {
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if re.search(pattern, path.read_text(encoding="utf-8"))
    }
    assert found <= RULES[pattern], f"{pattern} outside {RULES[pattern]}: {found - RULES[pattern]}"
