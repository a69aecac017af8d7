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
    # governance: bodies, meetings, resolutions that point at what they decided below (schools
    # admitted, programmes opened, committees named); those records ask back through
    # core.signals.decided_by
    frozenset({"governance"}),
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
    # money out: disbursements to suppliers through campaigns' pay_out (the after-funding half
    # builds on it: milestones, devices, outcomes)
    frozenset({"spending"}),
    # what donors get after giving: campaign updates, privacy (erasure, retention purge)
    frozenset({"donors"}),
    # delivery milestones: a programme's template, each funded campaign's steps, photos,
    # reminders; school updates go through donors
    frozenset({"milestones"}),
    # each device's trail: from a paid invoice line to the school's handover and check-ins
    frozenset({"devices"}),
    # outcomes: measures a programme names, figures schools report and staff verify; adds its
    # planned-against-reported table to the programme page (programmes' signal)
    frozenset({"outcomes"}),
    # the library of lessons shared: published minutes (governance), the final reports of
    # funded projects (milestones) and documents staff choose
    frozenset({"library"}),
    # reporting: dashboards and reports read every feature's figures; only the front pages
    # link to them
    frozenset({"reporting"}),
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


# Feature folders: what each holds -------------------------------------------------------------
# (docs/architecture/features.md)

#: The feature folders, bottom layer first: everything in LAYERS but the core's and the wiring's
#: modules. ``core`` is a folder too and registers its error pages the same way.
FEATURE_FOLDERS = tuple(
    name
    for layer in LAYERS
    for name in sorted(layer)
    if name not in ("", "demo") and (PACKAGE / name / "__init__.py").exists()
)

#: ``views_<audience>.py``: an audience other than the public, signed-in people and staff,
#: served under its own URL prefix.
ROUTE_AUDIENCES = {
    "member": "committee members (/committee)",
    "webhooks": "Stripe's webhooks (/webhooks)",
    "school": "school staff of a funded campaign (/school/<feature>)",
    "meetings": "a body's secretary and staff running its meetings (/governance/meetings)",
}

#: Route modules outside the scheme today, each with its reason (the list only shrinks).
ROUTE_MODULE_EXCEPTIONS = {
    "review/views_decisions.py": "staff's ranking and decisions under /review/programmes (the"
    " review_staff prefix) and a school's feedback page; joining views_staff.py would make a"
    " 550-line module: to be split into a review/decisions folder",
}


def _route_modules() -> dict[str, ast.Module]:
    """Every module that makes a Blueprint or declares a route, by path under partnership/."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            is_blueprint = (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "Blueprint"
            )
            is_route = (
                isinstance(node, ast.Attribute)
                and node.attr in ("route", "get", "post", "put", "patch", "delete")
                and isinstance(node.value, ast.Name)
                and node.value.id == "bp"
            )
            if is_blueprint or is_route:
                found[path.relative_to(PACKAGE).as_posix()] = tree
                break
    return found


def test_the_factory_calls_every_feature_in_layer_order():
    assert [feature.__name__.split(".")[-1] for feature in partnership.features()] == list(
        FEATURE_FOLDERS
    )


@pytest.mark.parametrize("feature", FEATURE_FOLDERS)
def test_every_feature_has_init_app(feature):
    tree = ast.parse((PACKAGE / feature / "__init__.py").read_text("utf-8"))
    assert "init_app" in {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}


def test_route_modules_follow_one_naming_scheme():
    """``views.py`` (public and signed-in pages), ``views_staff.py`` (staff),
    ``views_<audience>.py`` for another audience under its own URL prefix."""
    allowed = {"views.py", "views_staff.py"} | {f"views_{a}.py" for a in ROUTE_AUDIENCES}
    misnamed = [
        path
        for path in _route_modules()
        if path.rsplit("/", 1)[-1] not in allowed and path not in ROUTE_MODULE_EXCEPTIONS
    ]
    assert misnamed == []
    assert set(ROUTE_MODULE_EXCEPTIONS) <= set(_route_modules())


def test_a_route_module_makes_one_blueprint_and_routes_only_on_it():
    """No module adds pages to another module's blueprint (as mfa's manage.py once did)."""
    for path, tree in _route_modules().items():
        made = [
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name)
            and node.value.func.id == "Blueprint"
        ]
        assert len(made) == 1, path
        assert [t.id for t in made[0].targets if isinstance(t, ast.Name)] == ["bp"], path
        assert not any(
            isinstance(node, ast.ImportFrom) and any(a.name == "bp" for a in node.names)
            for node in ast.walk(tree)
        ), path


def test_one_blueprint_per_url_prefix():
    """Two blueprints never share a prefix (``payments_staff`` and ``donation_staff`` once both
    held /staff/payments)."""
    app = partnership.create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"}
    )
    prefixes = [bp.url_prefix for bp in app.blueprints.values() if bp.url_prefix]
    assert sorted(prefixes) == sorted(set(prefixes))


def test_only_models_modules_define_tables():
    """A reader finds every record of a feature in its ``models.py``."""
    outside = [
        f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {node.name}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "models.py"
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(node, ast.ClassDef)
        and any(ast.unparse(base) in ("db.Model", "Model") for base in node.bases)
    ]
    assert outside == []
