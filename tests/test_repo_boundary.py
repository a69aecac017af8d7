"""The guard in tests/repo_boundary.py sees a test touch a file outside the repository."""

from __future__ import annotations

import os

import pytest

from tests.repo_boundary import BOUNDARY, Boundary


def layout(tmp_path, *names):
    for name in names:
        (tmp_path / name).mkdir(parents=True)
    return [str(tmp_path / name) for name in names]


def test_a_clone_beside_shared_in_a_temporary_folder(tmp_path):
    """The CI layout: clone/repo with clone/shared beside it, both below an allowed root."""
    repo, shared, venv = layout(tmp_path, "clone/repo", "clone/shared", "venv")
    boundary = Boundary(repository=repo, roots={str(tmp_path), venv})
    new_folder = layout(tmp_path, "clone/made-by-a-test")[0]
    boundary.hook("os.scandir", (shared,))
    boundary.hook("open", (os.path.join(shared, "seeds.txt"), "w", 0))
    boundary.hook("open", (os.path.join(repo, "pyproject.toml"), "w", 0))
    boundary.hook("os.listdir", (os.fsencode(venv),))
    boundary.hook("open", (os.path.join(new_folder, "x"), "w", 0))
    boundary.hook("open", (3, "rb", 0))
    assert boundary.take() == [f"open {shared}/seeds.txt", f"os.scandir {shared}"]
    assert boundary.take() == []


def test_a_worktree_beside_other_folders(tmp_path):
    repo, shared, site = layout(tmp_path, "wt/ci", "shared/seeds", "site-packages")
    boundary = Boundary(repository=repo, roots={site})
    boundary.hook("os.listdir", (shared,))
    boundary.hook("os.listdir", (site,))
    boundary.hook("os.listdir", (repo,))
    assert boundary.take() == [f"os.listdir {shared}"]


def test_writing_outside_counts_even_before_the_file_exists(tmp_path):
    repo, elsewhere = layout(tmp_path, "repo", "elsewhere")
    boundary = Boundary(repository=repo, roots=set())
    target = os.path.join(elsewhere, "new.txt")
    boundary.hook("open", (target, "w", 0))
    boundary.hook("open", (target + ".probe", "r", 0))  # reading a missing file: a harmless probe
    assert boundary.take() == [f"open {target}"]


def test_the_guard_watches_this_test_process():
    candidates = [*BOUNDARY.neighbours, os.path.expanduser("~")]
    outside = next((p for p in candidates if os.path.isdir(p) and not BOUNDARY.allowed(p)), None)
    if outside is None:
        pytest.skip("no folder outside the allowed places to list on this machine")
    os.listdir(outside)
    # Taken here, so the check at teardown does not fail this test.
    assert BOUNDARY.take() == [f"os.listdir {outside}"]
