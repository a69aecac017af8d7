"""The features stand in layers and an import only points down (STYLE.md, "The shape of the code").

Imports are read from the source (ast), including imports inside functions; imports under
``if TYPE_CHECKING:`` are for annotations only and are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import partnership

PACKAGE = Path(partnership.__file__).parent

#: Bottom first. A module may import its own feature and anything in a lower layer; the modules
#: of the core layer, and of the wiring layer, may also import each other. A new top-level
#: module or feature folder must be given a layer here.
LAYERS: tuple[frozenset[str], ...] = (
    # core: what everything else stands on
    frozenset({"core", "config", "extensions", "money", "db_types", "i18n", "permissions",
               "security", "translations"}),
    frozenset({"notifications"}),
    frozenset({"accounts"}),
    frozenset({"registry"}),
    frozenset({"programmes"}),
    frozenset({"applications"}),
    frozenset({"review"}),
    # the money half: append-only ledger rows (campaign ids, not who paid how), then campaigns,
    # then payments (donations, Stripe Checkout and webhooks), which credit campaigns
    frozenset({"ledger"}),
    frozenset({"campaigns"}),
    frozenset({"payments"}),
    # receipts: numbers given when a donation is paid (payments' signal), the PDF, tax exports
    frozenset({"receipts"}),
    # offline gifts (bank transfers, cheques, cash): ledger rows through campaigns' counters
    frozenset({"gifts"}),
    # matching pools draw on paid donations and offline gifts (payments' and gifts' signals)
    frozenset({"matching"}),
    # all-or-nothing settlement: refunds through payments, releases matches, lists gifts
    frozenset({"settlement"}),
    # what donors get after giving: campaign updates, privacy (erasure, retention purge)
    frozenset({"donors"}),
    # the front pages read every feature; nothing reads them
    frozenset({"site"}),
    # wiring: the app factory, the table list for Alembic, CLI commands, demo data
    frozenset({"", "models", "cli", "demo", "jobs"}),
)  # fmt: skip
CORE, WIRING = LAYERS[0], LAYERS[-1]

#: (importing feature, imported feature) pairs that break the rule today, each with its reason.
KNOWN_EXCEPTIONS = {
    ("accounts", "registry"): "the /join page looks up a school or an organisation; the"
    " Membership model (accounts) points at schools and organisations (registry)",
}

FEATURES = ("accounts", "registry", "notifications", "programmes", "applications", "review")


def _layer_of(feature: str) -> int:
    for index, members in enumerate(LAYERS):
        if feature in members:
            return index
    raise AssertionError(f"partnership/{feature} has no layer in tests/test_layers.py LAYERS")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    return skipped


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) for every partnership import of one file."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text("utf-8"))
    skipped = _type_checking_nodes(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if node.module:
                found.append((node.lineno, target))
            else:  # from . import services
                found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
    return [(line, name) for line, name in found if name.split(".")[0] == "partnership"]


def _feature(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _all_imports():
    for path in sorted(PACKAGE.rglob("*.py")):
        source = _module_name(path)
        for line, target in _imports(path):
            yield f"{path.relative_to(PACKAGE.parent)}:{line}", _feature(source), _feature(target)


def test_imports_point_down():
    upward = sorted(
        f"{where} ({source} -> {target})"
        for where, source, target in _all_imports()
        if source != target
        and not (source in CORE and target in CORE)
        and not (source in WIRING and target in WIRING)
        and _layer_of(target) >= _layer_of(source)
        and (source, target) not in KNOWN_EXCEPTIONS
    )
    assert upward == []


def test_known_exceptions_still_exist():
    """Once an exception is fixed, it leaves the list (so it cannot come back unnoticed)."""
    present = {(s, t) for _, s, t in _all_imports()}
    assert set(KNOWN_EXCEPTIONS) <= present


def test_core_imports_no_feature():
    """core/ is the bottom layer: it may not import any feature, not even lazily."""
    offending = [
        f"{path.relative_to(PACKAGE.parent)}:{line} {target}"
        for path in sorted((PACKAGE / "core").rglob("*.py"))
        for line, target in _imports(path)
        if _feature(target) in FEATURES
    ]
    assert offending == []


@pytest.mark.parametrize(
    ("lower", "upper"),
    [("applications", "review"), ("programmes", "review"), ("programmes", "applications")],
)
def test_a_lower_feature_never_imports_a_higher_one(lower, upper):
    """Review registers what it adds to applications and programmes through their signals."""
    offending = [where for where, s, t in _all_imports() if s == lower and t == upper]
    assert offending == []
