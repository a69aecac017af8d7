"""The README stays a front page, and docs/ stays true to the code.

- every environment variable the code reads is named in ``docs/configuration.md`` (found from the
  source: ``os.environ.get``, ``os.environ[...]``, ``os.getenv``, ``os.environ.setdefault``,
  ``... in os.environ``, also through a helper that passes its parameter on, such as
  ``config._count(name)``, and through a loop over a module's dict of names, such as
  ``config.DEMO_FOUNDATION``; shell scripts' ``${NAME:-default}``);
- every relative link in ``README.md`` and ``docs/`` points at a file that exists (and at a heading
  that exists, for ``#anchor``), and every page of ``docs/`` is reachable from the README;
- the README keeps its two commands exactly (``.ci/run`` runs the test command) and stays short.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
CONFIGURATION = DOCS / "configuration.md"

#: The README is a front page: what the project is, two commands, logins, folders, links.
README_MAX_LINES = 150

RUN_COMMAND = (
    "pip install -e . && flask --app partnership db upgrade && "
    "flask --app partnership seed-demo && flask --app partnership run"
)
TEST_COMMAND = "bash tests/setup.sh && python -m pytest"


# --- environment variables read by the code ------------------------------------------------


def _python_sources() -> Iterator[Path]:
    yield ROOT / "wsgi.py"
    for folder in ("partnership", "migrations", "tests"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "node_modules" not in path.parts:
                yield path


def _shell_sources() -> Iterator[Path]:
    yield ROOT / ".ci" / "run"
    for folder in ("tests", "requirements", "partnership"):
        for path in sorted((ROOT / folder).rglob("*.sh")):
            if "node_modules" not in path.parts:
                yield path


def _is_environ(node: ast.AST) -> bool:
    """``os.environ`` or a bare ``environ`` (``from os import environ``)."""
    if isinstance(node, ast.Attribute):
        return node.attr == "environ" and isinstance(node.value, ast.Name) and node.value.id == "os"
    return isinstance(node, ast.Name) and node.id == "environ"


def _is_getenv(func: ast.expr) -> bool:
    """``os.getenv`` or a bare ``getenv`` (``from os import getenv``)."""
    if isinstance(func, ast.Attribute):
        return func.attr == "getenv" and isinstance(func.value, ast.Name) and func.value.id == "os"
    return isinstance(func, ast.Name) and func.id == "getenv"


def _env_keys(tree: ast.AST) -> Iterator[ast.expr]:
    """The expressions that name a variable read from the environment."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            reads_environ = (
                isinstance(func, ast.Attribute)
                and func.attr in {"get", "setdefault", "pop"}
                and _is_environ(func.value)
            )
            if reads_environ or _is_getenv(func):
                yield node.args[0]
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            if _is_environ(node.value):
                yield node.slice
        elif (
            isinstance(node, ast.Compare)
            and len(node.ops) == 1
            and isinstance(node.ops[0], ast.In | ast.NotIn)
            and _is_environ(node.comparators[0])
        ):
            yield node.left


class _Module:
    """One parsed source file, with what is needed to resolve a name to its string values."""

    def __init__(self, name: str, tree: ast.Module):
        self.name = name
        self.tree = tree
        self.parents: dict[int, ast.AST] = {}
        for parent in ast.walk(tree):
            for child in ast.iter_child_nodes(parent):
                self.parents[id(child)] = parent
        #: Module-level names bound to a literal collection of strings (a dict's keys count).
        self.constants: dict[str, list[str]] = {}
        for stmt in tree.body:
            targets = stmt.targets if isinstance(stmt, ast.Assign) else []
            if isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
                targets = [stmt.target]
            value = getattr(stmt, "value", None)
            strings = _literal_strings(value) if value is not None else None
            for target in targets:
                if isinstance(target, ast.Name) and strings is not None:
                    self.constants[target.id] = strings

    def enclosing(self, node: ast.AST, kinds: tuple[type, ...]) -> Iterator[ast.AST]:
        current = self.parents.get(id(node))
        while current is not None:
            if isinstance(current, kinds):
                yield current
            current = self.parents.get(id(current))


def _literal_strings(node: ast.AST) -> list[str] | None:
    if isinstance(node, ast.Dict):
        items = node.keys
    elif isinstance(node, ast.Tuple | ast.List | ast.Set):
        items = node.elts
    else:
        return None
    if items and all(isinstance(i, ast.Constant) and isinstance(i.value, str) for i in items):
        return [i.value for i in items]
    return None


def _loop_values(module: _Module, node: ast.Name) -> list[str] | None:
    """``for name, ... in NAMES.items()`` / ``in NAMES`` / ``in NAMES.keys()``: NAMES' strings."""
    comprehensions = (ast.DictComp, ast.ListComp, ast.SetComp, ast.GeneratorExp)
    loops = [
        loop
        for around in module.enclosing(node, (ast.For, *comprehensions))
        for loop in (around.generators if isinstance(around, comprehensions) else [around])
    ]
    for loop in loops:
        target = loop.target
        first = target.elts[0] if isinstance(target, ast.Tuple) and target.elts else target
        if not (isinstance(first, ast.Name) and first.id == node.id):
            continue
        source = loop.iter
        if (
            isinstance(source, ast.Call)
            and isinstance(source.func, ast.Attribute)
            and source.func.attr in {"items", "keys"}
        ):
            source = source.func.value
        if isinstance(source, ast.Name) and source.id in module.constants:
            return module.constants[source.id]
        return _literal_strings(source)
    return None


def _parameter_of(module: _Module, node: ast.Name) -> tuple[str, int] | None:
    """(function, position) when the name is a parameter of the module-level function around it."""
    for function in module.enclosing(node, (ast.FunctionDef,)):
        params = [a.arg for a in function.args.posonlyargs + function.args.args]
        if node.id in params and module.parents.get(id(function)) is module.tree:
            return function.name, params.index(node.id)
        return None
    return None


def scan(modules: dict[str, ast.Module]) -> tuple[dict[str, set[str]], list[str]]:
    """Environment variables read by these modules: {name: {where}}, and reads not understood."""
    parsed = {name: _Module(name, tree) for name, tree in modules.items()}
    found: dict[str, set[str]] = {}
    unresolved: list[str] = []
    readers: set[tuple[str, str, int]] = set()  # (module, function, parameter position)

    def resolve(module: _Module, key: ast.AST, where: str) -> None:
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            found.setdefault(key.value, set()).add(where)
            return
        if isinstance(key, ast.Name):
            values = _loop_values(module, key)
            if values is not None:
                for value in values:
                    found.setdefault(value, set()).add(where)
                return
            parameter = _parameter_of(module, key)
            if parameter is not None:
                readers.add((module.name, *parameter))
                return
        unresolved.append(f"{where}: {ast.unparse(key)}")

    for module in parsed.values():
        for key in _env_keys(module.tree):
            resolve(module, key, f"{module.name}:{key.lineno}")
    done: set[tuple[str, str, int]] = set()
    while readers - done:
        reader = sorted(readers - done)[0]
        done.add(reader)
        module_name, function, position = reader
        module = parsed[module_name]
        definition = next(
            s for s in module.tree.body if isinstance(s, ast.FunctionDef) and s.name == function
        )
        params = [a.arg for a in definition.args.posonlyargs + definition.args.args]
        for node in ast.walk(module.tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            if node.func.id != function:
                continue
            argument = node.args[position] if position < len(node.args) else None
            for keyword in node.keywords:
                if keyword.arg == params[position]:
                    argument = keyword.value
            if argument is None:
                default_index = position - (len(params) - len(definition.args.defaults))
                if default_index >= 0:
                    argument = definition.args.defaults[default_index]
            if argument is not None:
                resolve(module, argument, f"{module_name}:{node.lineno}")
    return found, unresolved


_SHELL_DEFAULT = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)(?::?[-=?+])")


def shell_variables(text: str) -> set[str]:
    """Variables a script reads with a default (``${NAME:-x}``) and does not set itself."""
    assigned = set(re.findall(r"^\s*(?:export\s+|local\s+)?([A-Z_][A-Z0-9_]*)=", text, re.M))
    return set(_SHELL_DEFAULT.findall(text)) - assigned


def documented_variables() -> set[str]:
    return set(re.findall(r"`([A-Z][A-Z0-9_]{2,})`", CONFIGURATION.read_text("utf-8")))


def test_the_scanner_finds_every_form_of_reading_the_environment():
    source = """
import os
from os import environ, getenv

NAMES = {"FROM_DICT_A": 1, "FROM_DICT_B": 2}

def _count(name, default=0):
    return int(os.environ.get(name, "") or default)

def _twice(label):
    return _count(label) * 2

def _flag(name="FROM_DEFAULT"):
    return os.getenv(name)

def load():
    values = {name: os.environ.get(name) for name in NAMES}
    for name, _ in NAMES.items():
        values[name] = environ.get(name)
    os.environ["WRITTEN_NOT_READ"] = "1"
    return (
        os.environ["SUBSCRIPT"], os.getenv("GETENV"), getenv("BARE_GETENV"),
        os.environ.setdefault("SETDEFAULT", "1"), "MEMBERSHIP" in os.environ,
        _count("THROUGH_HELPER", 3), _twice("THROUGH_TWO_HELPERS"), _flag(),
        os.environ.get("PREFIX_" + values["x"]),
    )
"""
    found, unresolved = scan({"example.py": ast.parse(source)})
    assert set(found) == {
        "FROM_DICT_A", "FROM_DICT_B", "SUBSCRIPT", "GETENV", "BARE_GETENV", "SETDEFAULT",
        "MEMBERSHIP", "THROUGH_HELPER", "THROUGH_TWO_HELPERS", "FROM_DEFAULT",
    }  # fmt: skip
    assert unresolved == ["example.py:25: 'PREFIX_' + values['x']"]
    assert shell_variables('X=1\nexport Y=2\necho "${X:-a}" "${Y:-b}" "${Z:-c}" "${1:-d}" $W') == {
        "Z"
    }


def test_every_environment_variable_the_code_reads_is_documented():
    """A setting nobody can find is a setting nobody sets: docs/configuration.md names each one."""
    modules = {
        path.relative_to(ROOT).as_posix(): ast.parse(path.read_text("utf-8"))
        for path in _python_sources()
    }
    found, unresolved = scan(modules)
    assert not unresolved, (
        "these reads of the environment name no literal variable; write the name out (or teach "
        f"tests/test_docs.py how it is built): {unresolved}"
    )
    # The scanner really reads config.py's three ways: literal, helper, loop over a dict.
    assert {"SECRET_KEY", "MFA_GRACE_DAYS", "RATELIMIT_ENABLED", "RECEIPT_ORG_NAME"} <= set(found)
    for path in _shell_sources():
        for name in shell_variables(path.read_text("utf-8")):
            found.setdefault(name, set()).add(path.relative_to(ROOT).as_posix())
    missing = {name: sorted(where) for name, where in found.items()}
    missing = {n: w for n, w in missing.items() if n not in documented_variables()}
    assert not missing, f"read by the code but not in docs/configuration.md: {missing}"


# --- links ---------------------------------------------------------------------------------


def _pages() -> list[Path]:
    return [README, *sorted(DOCS.rglob("*.md"))]


def _without_code(text: str) -> str:
    text = re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)
    return re.sub(r"`[^`\n]*`", "", text)


#: ``[text](target)`` (an optional title after the target) or a reference ``[label]: target``.
_LINK = re.compile(
    r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)|^\[[^\]]+\]:\s*(\S+)", re.M
)


def links(page: Path) -> list[str]:
    return [a or b for a, b in _LINK.findall(_without_code(page.read_text("utf-8")))]


def anchors(page: Path) -> set[str]:
    """GitHub's heading ids: lower case, punctuation dropped, spaces to hyphens, repeats -1, -2."""
    seen: dict[str, int] = {}
    result = set()
    text = re.sub(r"^```.*?^```", "", page.read_text("utf-8"), flags=re.M | re.S)
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*#*\s*$", text, re.M):
        heading = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        result.add(slug if count == 0 else f"{slug}-{count}")
    return result


def _target(page: Path, link: str) -> tuple[Path | None, str]:
    path, _, fragment = link.partition("#")
    return ((page.parent / path).resolve() if path else page), fragment


@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_points_at_something_that_exists(page):
    broken = []
    for link in links(page):
        if re.match(r"^[a-z][a-z0-9+.-]*:", link):  # https:, mailto:
            continue
        target, fragment = _target(page, link)
        if not target.is_relative_to(ROOT) or not target.exists():
            broken.append(f"{link} (no such file)")
        elif fragment and target.suffix == ".md" and fragment not in anchors(target):
            broken.append(f"{link} (no heading #{fragment} in {target.relative_to(ROOT)})")
    assert not broken, f"{page.relative_to(ROOT)}: {broken}"


def test_every_page_of_the_docs_is_reachable_from_the_readme():
    reached, todo = set(), [README.resolve()]
    while todo:
        page = todo.pop()
        if page in reached or not page.exists():
            continue
        reached.add(page)
        for link in links(page):
            target, _ = _target(page, link)
            if target.suffix == ".md":
                todo.append(target)
    orphans = [p.relative_to(ROOT).as_posix() for p in DOCS.rglob("*.md") if p not in reached]
    assert not orphans, f"link these from README.md or a page it links to: {orphans}"


# --- the README itself ---------------------------------------------------------------------


def _code_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.startswith("    ")]


def test_the_readme_stays_a_front_page():
    lines = README.read_text("utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, (
        f"README.md has {len(lines)} lines (at most {README_MAX_LINES}): move the detail into docs/"
    )


def test_the_readme_keeps_its_two_commands_and_ci_runs_the_test_command():
    commands = _code_lines(README.read_text("utf-8"))
    assert RUN_COMMAND in commands
    assert TEST_COMMAND in commands
    ci = (ROOT / ".ci" / "run").read_text("utf-8").splitlines()
    assert TEST_COMMAND in [line.strip() for line in ci]
