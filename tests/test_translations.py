"""Every user-facing string has a Thai translation, and the compiled catalogues are current."""

from __future__ import annotations

import io
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "partnership" / "translations"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    # A message context (msgctxt) tells two meanings of one English word apart.
    "pgettext": ((1, "c"), 2),
    "lazy_pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def extracted_uses() -> list[tuple[str, int, str | None, str]]:
    """(file under partnership/ or templates/, line, context, msgid) of every marked string."""
    uses = []
    sources = [
        (ROOT / "partnership", [("**.py", "python")]),
        (ROOT / "templates", [("**.html", "jinja2")]),
    ]
    for directory, method_map in sources:
        for file, line, message, _comments, context in extract_from_dir(
            str(directory), method_map=method_map, keywords=KEYWORDS
        ):
            msgid = message[0] if isinstance(message, tuple) else message
            uses.append((f"{directory.name}/{file}", line, context, msgid))
    return uses


def _extracted_ids() -> set[tuple[str | None, str]]:
    return {(context, msgid) for _file, _line, context, msgid in extracted_uses()}


def catalog(lang: str):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle)


def _text(message) -> str:
    return message.string[0] if isinstance(message.string, (tuple, list)) else message.string


def test_every_string_in_the_code_has_a_thai_translation():
    thai = catalog("th")
    missing = sorted(
        (msgid, context or "")
        for context, msgid in _extracted_ids()
        if not (thai.get(msgid, context=context) and _text(thai.get(msgid, context=context)))
    )
    assert missing == [], f"{len(missing)} strings lack Thai: {missing[:15]}"


def test_thai_translations_keep_their_placeholders():
    wrong = [
        m.id
        for m in catalog("th")
        if m.id
        and _text(m)
        and set(PLACEHOLDER.findall(m.id if isinstance(m.id, str) else m.id[0]))
        != set(PLACEHOLDER.findall(_text(m)))
    ]
    assert wrong == []


def _key(message) -> tuple[str | None, str]:
    """A message is its context and its id: "From" of the ledger is not "From" of a date."""
    return (message.context, message.id[0] if isinstance(message.id, (tuple, list)) else message.id)


def test_compiled_catalogue_matches_the_po_file():
    thai = {_key(m): _text(m) for m in catalog("th") if m.id and _text(m) and not m.fuzzy}
    with open(TRANSLATIONS / "th" / "LC_MESSAGES" / "messages.mo", "rb") as handle:
        compiled = {_key(m): _text(m) for m in read_mo(io.BytesIO(handle.read())) if m.id}
    assert compiled == thai, "run partnership/translations/update.sh to recompile"
