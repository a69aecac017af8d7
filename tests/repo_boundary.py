"""The suite reads and writes only inside the repository (and temporary folders, the Python
installation and the system's own folders), so it passes the same on a fresh clone.

An audit hook (PEP 578) sees every ``open``, ``os.listdir`` and ``os.scandir`` the test process
makes. A test that touches a path outside those places fails at teardown, naming the path; one
touched while collecting or in a session fixture fails the run at the end. Subprocesses (Chromium,
the Java and Node checkers) are not watched: they get their files from the test.
"""

from __future__ import annotations

import getpass
import os
import site
import sys
import sysconfig
import tempfile
import threading
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parent.parent

#: What a test may touch outside the repository: the system's own folders (time zones, CA
#: certificates, mime types, /proc and /dev), where Python and the packages are installed, and
#: temporary folders.
SYSTEM_FOLDERS = ("/usr", "/lib", "/lib64", "/bin", "/sbin", "/etc", "/proc", "/sys", "/dev")

WATCHED_EVENTS = frozenset({"open", "os.listdir", "os.scandir"})
WRITE_MODES = frozenset("wax+")
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT


def _allowed_roots() -> set[str]:
    roots = {tempfile.gettempdir(), *SYSTEM_FOLDERS}
    roots |= {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    roots |= set(site.getsitepackages()) | {site.getusersitepackages()}
    roots |= {path for path in sysconfig.get_paths().values() if path}
    # pytest's own temporary folders (tmp_path), wherever the repository is.
    roots.add(os.path.join(tempfile.gettempdir(), f"pytest-of-{getpass.getuser()}"))
    return roots


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


class Boundary:
    """Collects the paths outside the allowed places that this process opened or listed.

    A root that holds the repository itself (``/tmp`` for a clone in ``/tmp/x``) would also hold
    its neighbours, such as the project brief's folder: below such a root, what sat beside the
    repository when the session started stays outside.
    """

    def __init__(self, repository: Path = REPOSITORY, roots: set[str] | None = None) -> None:
        self.repository = os.path.realpath(os.fspath(repository))
        self.parent = os.path.dirname(self.repository)
        self.broad: list[str] = []
        self.narrow: list[str] = []
        self.add_roots(_allowed_roots() if roots is None else roots)
        try:
            beside = set(os.listdir(self.parent)) - {os.path.basename(self.repository)}
        except OSError:
            beside = set()
        self.neighbours = [os.path.join(self.parent, name) for name in sorted(beside)]
        self.outside: list[str] = []
        self._local = threading.local()  # busy flag: the hook's own calls are not watched

    def add_roots(self, roots) -> None:
        given = [os.fspath(root) for root in roots if root]
        for root in {os.path.realpath(r) for r in given} | {os.path.abspath(r) for r in given}:
            holds_repository = _under(self.repository, root)
            (self.broad if holds_repository else self.narrow).append(root)

    def allowed(self, path: str) -> bool:
        if _under(path, self.repository) or any(_under(path, r) for r in self.narrow):
            return True
        if any(_under(path, neighbour) for neighbour in self.neighbours):
            return False
        return any(_under(path, root) for root in self.broad)

    def hook(self, event: str, args: tuple) -> None:
        if event not in WATCHED_EVENTS or getattr(self._local, "busy", False):
            return
        self._local.busy = True
        try:
            self._check(event, args)
        except Exception:  # noqa: BLE001 - a guard must never break the code it watches
            pass
        finally:
            self._local.busy = False

    def _check(self, event: str, args: tuple) -> None:
        target = args[0] if args else None
        if target is None or isinstance(target, int):
            return  # a file descriptor (or listdir of the working directory, the repository)
        path = os.fsdecode(os.fspath(target))
        absolute = os.path.abspath(path)
        if self.allowed(absolute):
            return
        if event == "open" and not os.path.exists(absolute) and not _writes(args):
            return  # a library probing for an optional file that is not there
        if not self.allowed(os.path.realpath(absolute)):
            self.outside.append(f"{event} {absolute}")

    def take(self) -> list[str]:
        taken, self.outside = self.outside, []
        return sorted(set(taken))


def _writes(args: tuple) -> bool:
    mode = args[1] if len(args) > 1 else None
    flags = args[2] if len(args) > 2 else 0
    return bool(isinstance(mode, str) and WRITE_MODES & set(mode)) or bool(
        isinstance(flags, int) and flags & WRITE_FLAGS
    )


BOUNDARY = Boundary()
_installed = False


def install() -> None:
    """Start watching (once per process: an audit hook cannot be removed)."""
    global _installed
    if not _installed:
        sys.addaudithook(BOUNDARY.hook)
        _installed = True


def _message(paths: list[str]) -> str:
    listed = "\n  ".join(paths)
    return (
        "the tests touched files outside the repository; keep what they need in tests/data/:"
        f"\n  {listed}"
    )


_session_outside: list[str] = []


@pytest.fixture(autouse=True)
def stays_inside_the_repository():
    """Fail a test that opened or listed a file outside the repository."""
    _session_outside.extend(BOUNDARY.take())  # collection and session fixtures: reported at the end
    yield
    outside = BOUNDARY.take()
    if outside:
        pytest.fail(_message(outside), pytrace=False)


def pytest_sessionstart(session) -> None:
    if session.config.option.basetemp:  # --basetemp outside the temporary folder
        BOUNDARY.add_roots({session.config.option.basetemp})
    install()


def pytest_collection_finish(session) -> None:
    _session_outside.extend(BOUNDARY.take())


def pytest_sessionfinish(session, exitstatus) -> None:
    _session_outside.extend(BOUNDARY.take())
    if _session_outside and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter) -> None:
    if _session_outside:
        terminalreporter.section("files outside the repository", red=True)
        terminalreporter.line(_message(sorted(set(_session_outside))))
