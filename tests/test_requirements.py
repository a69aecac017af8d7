"""The lock files agree with pyproject.toml, CI runs on exactly the locked versions, and the
`production` extra serves the app with gunicorn (the `s3` extra, boto3, is locked with it).

After changing dependencies in pyproject.toml, refresh the locks: ``bash requirements/update.sh``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPOSITORY = Path(__file__).resolve().parent.parent
FULL_LOCK = REPOSITORY / "requirements" / "lock.txt"
PRODUCTION_LOCK = REPOSITORY / "requirements" / "production.txt"
PROJECT = tomllib.loads((REPOSITORY / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def pins(lock: Path) -> list[Requirement]:
    """The lock's ``name==version ; marker`` lines."""
    text = lock.read_text(encoding="utf-8")
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [Requirement(line) for line in lines if line]


def applicable(lock: Path) -> dict[str, str]:
    """Name -> pinned version, for the pins whose marker holds on this Python and platform."""
    found = {}
    for pin in pins(lock):
        if pin.marker is None or pin.marker.evaluate():
            (specifier,) = pin.specifier
            assert specifier.operator == "==", pin
            found[canonicalize_name(pin.name)] = specifier.version
    return found


def requirements(*extras: str) -> list[Requirement]:
    declared = PROJECT["dependencies"] + [
        line for extra in extras for line in PROJECT["optional-dependencies"][extra]
    ]
    return [Requirement(line) for line in declared]


@pytest.mark.parametrize(
    ("lock", "extras"),
    [(FULL_LOCK, ("test", "production", "s3")), (PRODUCTION_LOCK, ("production", "s3"))],
    ids=["lock", "production"],
)
def test_the_lock_pins_every_requirement_within_its_range(lock, extras):
    pinned = applicable(lock)
    stale = [
        str(requirement)
        for requirement in requirements(*extras)
        if (version := pinned.get(canonicalize_name(requirement.name))) is None
        or not requirement.specifier.contains(version, prereleases=True)
    ]
    assert stale == [], f"{lock.name} is stale: run `bash requirements/update.sh` ({stale})"


def test_the_production_lock_has_the_full_locks_versions():
    full = applicable(FULL_LOCK)
    production = applicable(PRODUCTION_LOCK)
    assert {name: full.get(name) for name in production} == production
    assert {"gunicorn", "redis", "stripe", "boto3"} <= production.keys()


@pytest.mark.skipif(
    os.environ.get("PARTNERSHIP_LOCKED_ENV") != "1",
    reason="only in a virtualenv made by .ci/run from the lock alone",
)
def test_ci_runs_on_exactly_the_locked_versions():
    installed = {
        canonicalize_name(dist.metadata["Name"]): dist.version for dist in metadata.distributions()
    }
    locked = applicable(FULL_LOCK)
    assert {name: installed.get(name) for name in locked} == locked
    tools = {"partnership", "pip", "setuptools", "wheel"}
    assert set(installed) - set(locked) - tools == set()


def test_gunicorn_loads_the_wsgi_app(tmp_path):
    """The README's production command: the `production` extra brings gunicorn, which loads
    ``wsgi:app``."""
    pytest.importorskip("gunicorn", reason="the production extra is not installed")
    environment = os.environ | {
        "PARTNERSHIP_ENV": "development",
        "PARTNERSHIP_INSTANCE": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}",
    }
    checked = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", "wsgi:app"],
        cwd=REPOSITORY,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
