"""Code that says one thing once: each of these rules has exactly one home in ``partnership``."""

from __future__ import annotations

import ast
from pathlib import Path

import partnership

PACKAGE = Path(partnership.__file__).parent


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(PACKAGE.parent).as_posix(), ast.parse(path.read_text("utf-8"))


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            yield node, node.func


def test_the_clock_is_read_in_one_place():
    """``db_types.utcnow`` is the only reader of the wall clock (no second ``now_utc``)."""
    readers = []
    for name, tree in _modules():
        for node, func in _calls(tree):
            receiver = func.value.id if isinstance(func.value, ast.Name) else ""
            if func.attr in ("now", "utcnow", "today") and receiver in ("datetime", "date"):
                readers.append(f"{name}:{node.lineno}")
    assert [where.split(":")[0] for where in readers] == ["partnership/db_types.py"], readers
    import partnership.i18n

    assert not hasattr(partnership.i18n, "now_utc")


def test_the_buddhist_era_offset_is_one_constant():
    """Years move between Gregorian and Buddhist Era only through ``i18n.BUDDHIST_ERA_OFFSET``."""
    literals = [
        f"{name}:{node.lineno}"
        for name, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value == 543
    ]
    assert [where.split(":")[0] for where in literals] == ["partnership/i18n.py"], literals
    templates = PACKAGE.parent / "templates"
    scripts = PACKAGE.parent / "static" / "js"
    for path in [*templates.rglob("*.html"), *scripts.rglob("*.js")]:
        assert "543" not in path.read_text("utf-8"), path


def _names(node: ast.AST) -> str:
    return " ".join(
        n.id if isinstance(n, ast.Name) else n.attr
        for n in ast.walk(node)
        if isinstance(n, ast.Name | ast.Attribute)
    )


def test_line_totals_are_computed_in_one_place():
    """Price × quantity only in ``money.line_total_satang`` (BudgetLine, forms and SQL call it)."""
    products = [
        f"{name}:{node.lineno}"
        for name, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Mult)
        and "price" in _names(node)
        and "quantity" in _names(node)
    ]
    assert [where.split(":")[0] for where in products] == ["partnership/money.py"], products


def test_views_leave_recipients_and_mail_bodies_to_services():
    """The request's end commits and sends (``core.unit_of_work``); whom to tell and what to
    say are rules."""
    queued = [
        f"{name}:{node.lineno}"
        for name, tree in _modules()
        if name.rsplit("/", 1)[-1].startswith("views")
        for node in ast.walk(tree)
        if (isinstance(node, ast.Name) and node.id in ("queue_mail", "notify_school"))
        or (isinstance(node, ast.alias) and node.name in ("queue_mail", "notify_school"))
    ]
    assert queued == []


def test_hooks_are_named_signals_not_lists_of_callables():
    """A feature learns what the features above add through a named signal (core.signals)."""
    lists = [
        f"{name}:{node.lineno}"
        for name, tree in _modules()
        for node in tree.body
        if isinstance(node, ast.AnnAssign)
        and "Callable" in ast.unparse(node.annotation)
        and ast.unparse(node.annotation).startswith(("list", "List", "set", "tuple"))
    ]
    assert lists == []


#: What a feature registers with the app, said once: in its ``__init__.py``'s ``init_app``.
REGISTRATIONS = ("connect", "connect_via", "register_blueprint", "add_command", "register_check",
                 "register_cache")  # fmt: skip


def test_a_feature_registers_itself_only_in_its_init_app():
    """Receivers, blueprints, commands and ledger checks are wired by ``init_app``, never as a
    side effect of importing a module (a worker that imported no view once took money without
    drawing on the matching pools)."""
    elsewhere = []
    for name, tree in _modules():
        inside = set()
        if name.endswith("/__init__.py"):
            for node in tree.body:
                if isinstance(node, ast.FunctionDef) and node.name == "init_app":
                    inside.update(id(child) for child in ast.walk(node))
        for node, func in _calls(tree):
            if func.attr in REGISTRATIONS and id(node) not in inside:
                elsewhere.append(f"{name}:{node.lineno} {func.attr}")
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                elsewhere += [
                    f"{name}:{node.lineno} @{ast.unparse(d)}"
                    for d in node.decorator_list
                    if getattr(d.func if isinstance(d, ast.Call) else d, "attr", None)
                    in ("connect", "connect_via")
                ]
    assert elsewhere == []


def _receiver(func: ast.Attribute) -> str:
    value = func.value
    return value.attr if isinstance(value, ast.Attribute) else getattr(value, "id", "")


def _called(tree: ast.AST, name: str):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called == name:
                yield node


def test_only_the_unit_of_work_commits():
    """One place commits (STYLE.md 15): the end of a successful unsafe request,
    ``commit_now(reason=...)`` for the few commits that must come first, and the end of a safe
    request's read-only transaction (``end_read_only``: it wrote nothing). No view, service,
    CLI command or worker calls ``session.commit`` (or the old ``commit_and_send``)."""
    commits = [
        f"{name}:{node.lineno}"
        for name, tree in _modules()
        for node, func in _calls(tree)
        if func.attr == "commit" and _receiver(func) == "session"
    ]
    assert [where.split(":")[0] for where in commits] == ["partnership/core/unit_of_work.py"] * 3
    old_names = [
        f"{name}:{node.lineno}"
        for name, tree in _modules()
        for old in ("commit_and_send", "commit_before_outside_call")
        for node in _called(tree, old)
    ]
    assert old_names == []


#: Where work is committed before the request's end, and why (each call gives its reason).
EARLY_COMMITS = {
    "partnership/payments/views.py",  # the pending donation exists before Checkout is created
    "partnership/payments/views_staff.py",  # a refund request exists before Stripe is asked
    "partnership/settlement/services.py",  # settlement: claims before Stripe, one gift at a time
    "partnership/payments/sessions.py",  # expiring Checkout Sessions at Stripe, one at a time
    "partnership/notifications/delivery.py",  # the worker: a claim before SMTP, each outcome
    "partnership/notifications/rq_jobs.py",  # the RQ worker
    "partnership/cli.py",  # CLI commands have no request
    "partnership/campaigns/cli.py",
    "partnership/donors/cli.py",
    "partnership/receipts/claims.py",  # receipt numbers after the payment's commit, in batches
    "partnership/milestones/cli.py",
    "partnership/milestones/reminders.py",  # the worker's reminders: claims and mails, in batches
    "partnership/devices/reminders.py",  # the worker: each check-in reminder's claim and mail
    "partnership/governance/actions/reminders.py",  # the worker: action items' reminders
    "partnership/library/sources.py",  # the worker: final reports collected on each pass
    "partnership/library/cli.py",
}


def test_early_commits_are_few_and_say_why():
    calls = [(name, node) for name, tree in _modules() for node in _called(tree, "commit_now")]
    assert {name for name, _ in calls} == EARLY_COMMITS
    for name, node in calls:
        [keyword] = node.keywords
        assert keyword.arg == "reason", f"{name}:{node.lineno}"
        assert isinstance(keyword.value, ast.Constant) and keyword.value.value.strip()


def test_rollbacks_are_the_unit_of_work_s():
    """A view does not roll back by hand: a refusal it does not show on a form goes to the one
    handler (``core.views``), which rolls back; one it shows calls ``discard_changes``."""
    rollbacks = sorted(
        {
            name
            for name, tree in _modules()
            for node, func in _calls(tree)
            if func.attr == "rollback" and _receiver(func) == "session"
        }
    )
    assert rollbacks == [
        "partnership/core/database.py",  # the teardown: no write lock past the response
        "partnership/core/unit_of_work.py",
        "partnership/core/views.py",  # the refusal and 500 handlers
        "partnership/ledger/cli.py",  # verify reads in a writer's transaction, writes nothing
        "partnership/receipts/claims.py",  # the claim lock held by another claimer: let go
        "partnership/settlement/services.py",  # a claim lost to another run: let go, go on
    ]


#: Errors that are not "refused, with a message for the user": bad input caught by a form,
#: configuration, a bad or expired link (404-like), another service failing, internal signals.
NOT_REFUSALS = {
    "partnership.config.ConfigError",
    "partnership.core.history.HistoryIsAppendOnly",  # a programming error, never a user's
    "partnership.core.storage.StoreError",  # the file store failed (a 503), or
    "partnership.core.storage.StoreUnavailable",
    "partnership.core.storage.MissingFile",  # has no such object (a 404)
    "partnership.money.MoneyError",
    "partnership.payments.client.PaymentsError",
    "partnership.payments.client.PaymentsNotConfigured",
    "partnership.payments.client.PaymentProviderDown",
    "partnership.payments.client.PaymentRequestRefused",
    "partnership.payments.client.BadSignature",
    "partnership.payments.event_checks.Malformed",
    "partnership.payments.events.DuplicateEvent",
    "partnership.receipts.links.LinkExpired",
    "partnership.donors.privacy.LinkInvalid",
}


def test_every_rule_and_state_machine_error_is_a_refusal():
    """One exception for "refused, with a message for the user" (``core.unit_of_work.Refused``):
    every feature's rule error and every state machine's error derives from it."""
    import importlib
    import pkgutil

    from partnership.core.unit_of_work import Refused

    for module in pkgutil.walk_packages(partnership.__path__, "partnership."):
        importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = {
        f"{cls.__module__}.{cls.__qualname__}": cls
        for cls in subclasses(Exception)
        if cls.__module__.startswith("partnership.")
    }
    outside = {name for name, cls in ours.items() if not issubclass(cls, Refused)}
    assert outside == NOT_REFUSALS


#: What writes a spreadsheet file: only ``core.exports`` may use it (formulas escaped, money
#: exact from satang, one date format, the BOM).
SPREADSHEET_WRITERS = ("openpyxl", "xlsxwriter")
CSV_WRITERS = ("writer", "DictWriter")


def _spreadsheet_writers(tree: ast.AST) -> list[int]:
    """Lines that import a workbook library or touch ``csv.writer`` / ``csv.DictWriter``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            hit = any(a.name.split(".")[0] in SPREADSHEET_WRITERS for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            root = (node.module or "").split(".")[0]
            hit = root in SPREADSHEET_WRITERS or (
                root == "csv" and any(a.name in CSV_WRITERS for a in node.names)
            )
        elif isinstance(node, ast.Attribute):
            hit = (
                isinstance(node.value, ast.Name)
                and node.value.id == "csv"
                and node.attr in CSV_WRITERS
            )
        else:
            hit = False
        if hit:
            found.append(node.lineno)
    return found


def test_the_detector_sees_every_way_of_writing_a_spreadsheet():
    source = """
import csv
import openpyxl.workbook
from openpyxl import Workbook
import xlsxwriter
from csv import DictWriter
w = csv.writer(out)
d = csv.DictWriter(out, fieldnames=[])
r = csv.reader(out)  # reading is not writing
"""
    assert _spreadsheet_writers(ast.parse(source)) == [3, 4, 5, 6, 7, 8]


def test_spreadsheets_are_written_in_one_place():
    """Every CSV and Excel export goes through ``core.exports``: no ``csv.writer``,
    ``csv.DictWriter``, ``openpyxl`` or ``xlsxwriter`` anywhere else
    (docs/architecture/exports.md)."""
    writers = [f"{name}:{line}" for name, tree in _modules() for line in _spreadsheet_writers(tree)]
    assert {where.split(":")[0] for where in writers} == {
        "partnership/core/exports.py",
        # reads an uploaded workbook (read-only, values only), never writes one
        "partnership/core/spreadsheets.py",
    }, writers


#: Route modules that still catch a refusal and redirect, each with why the one handler
#: (``core.views.refused``) cannot answer for it.
REFUSAL_REDIRECTS_ALLOWED: dict[str, str] = {
    "partnership/applications/views.py:submit_application": (
        "an ApplicationError carries several reasons, each flashed; the handler shows one"
    ),
    "partnership/applications/views.py:upload_attachments": (
        "an ApplicationError carries several reasons, each flashed; the handler shows one"
    ),
}


def _is_redirect_return(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Return)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Name)
        and node.value.func.id == "redirect"
    )


def _refusal_redirects(tree: ast.AST, catches_refusal) -> list[tuple[str, int]]:
    """(function, line) of each ``except`` that catches a refusal and then redirects: from the
    handler itself, or by falling through to a ``return redirect(...)`` right after the try."""
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for block in ast.walk(function):
            for field in ("body", "orelse", "finalbody"):
                statements = getattr(block, field, None)
                if not isinstance(statements, list):
                    continue
                for i, statement in enumerate(statements):
                    if not isinstance(statement, ast.Try):
                        continue
                    after = statements[i + 1] if i + 1 < len(statements) else None
                    for handler in statement.handlers:
                        if handler.type is None or not catches_refusal(handler.type):
                            continue
                        inside = any(_is_redirect_return(n) for n in ast.walk(handler))
                        returns = any(isinstance(n, ast.Return) for n in ast.walk(handler))
                        falls_through = not returns and after is not None
                        if inside or (falls_through and _is_redirect_return(after)):
                            found.append((function.name, handler.lineno))
    return found


def test_the_refusal_detector_sees_a_catch_that_redirects():
    sample = ast.parse(
        "def a():\n"
        "    try:\n        x()\n    except E:\n        return redirect('/')\n"
        "def b():\n"
        "    try:\n        x()\n    except E:\n        flash('no')\n    return redirect('/')\n"
        "def c():\n"
        "    try:\n        x()\n    except E:\n        return render_template('f')\n"
        "    return redirect('/')\n"
        "def d():\n"
        "    try:\n        x()\n    except KeyError:\n        return redirect('/')\n"
    )
    found = _refusal_redirects(sample, lambda node: isinstance(node, ast.Name) and node.id == "E")
    assert [name for name, _ in found] == ["a", "b"]


def test_views_leave_refusals_to_the_one_handler():
    """A route does not catch a refusal to flash and redirect: the handler does that (rolls
    back, flashes the error's own message, sends the form back). A view catches one only to
    show it on a form it re-renders."""
    import importlib

    from partnership.core.unit_of_work import Refused

    def resolver(namespace):
        def catches_refusal(node: ast.AST) -> bool:
            if isinstance(node, ast.Tuple):
                return any(catches_refusal(element) for element in node.elts)
            try:
                cls = eval(compile(ast.Expression(node), "<except>", "eval"), namespace)  # noqa: S307
            except Exception:  # noqa: BLE001 - not a name we can resolve: not ours
                return False
            return isinstance(cls, type) and issubclass(cls, Refused)

        return catches_refusal

    found = {}
    for name, tree in _modules():
        if not Path(name).name.startswith("views"):
            continue
        module = importlib.import_module(name.removesuffix(".py").replace("/", "."))
        for function, line in _refusal_redirects(tree, resolver(vars(module))):
            found[f"{name}:{function}"] = line
    assert sorted(found) == sorted(REFUSAL_REDIRECTS_ALLOWED), found
