"""The guard in tests/repo_boundary.py sees a test touch a file outside the repository."""

from __future__ import annotations

import os

from tests.repo_boundary import BOUNDARY, REPOSITORY, Boundary


def test_reading_outside_the_repository_is_recorded_and_inside_is_not(tmp_path):
    boundary = Boundary()
    outside = REPOSITORY.parent  # e.g. the folder that holds ../shared
    boundary.hook("os.scandir", (str(outside),))
    boundary.hook("os.listdir", (os.fsencode(outside),))
    boundary.hook("open", (str(REPOSITORY / "pyproject.toml"), "r", 0))
    boundary.hook("open", (str(tmp_path / "new.txt"), "w", 0))
    boundary.hook("open", (os.__file__, "rb", 0))
    boundary.hook("open", (3, "rb", 0))
    assert boundary.take() == [f"os.listdir {outside}", f"os.scandir {outside}"]
    assert boundary.take() == []


def test_writing_outside_is_recorded_even_before_the_file_exists():
    boundary = Boundary()
    target = str(REPOSITORY.parent / "partnership-should-not-be-written.txt")
    boundary.hook("open", (target, "w", 0))
    boundary.hook("open", (target + ".probe", "r", 0))  # a missing file read: a harmless probe
    assert boundary.take() == [f"open {target}"]


def test_the_guard_watches_this_test_process():
    os.listdir(REPOSITORY.parent)
    # Taken here, so the autouse check at teardown does not fail this test.
    assert BOUNDARY.take() == [f"os.listdir {REPOSITORY.parent}"]
