"""Are the catalogs complete? Every message in the code has a Chinese translation with the same
placeholders, and every compiled ``.mo`` matches its ``.po``.

Run as ``python -m tools.i18n_check``; the test-suite runs the same check.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from views.i18n import DOMAIN, LOCALE_DIR, SUPPORTED

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "N_": None, "n_": (1, 2)}
PLACEHOLDER = re.compile(r"\{([a-zA-Z_][a-zA-Z0-9_]*)[^{}]*\}")
PACKAGES = ("rules", "store", "views", "webapi", "handlers", "sweep", "slack_app")
"""The same list as babel.cfg: every package whose strings are shown to people."""
METHOD_MAP = [(f"{package}/**.py", "python") for package in PACKAGES]


def source_messages() -> dict[str, str]:
    """Every message ID in the code, with where it was first seen."""
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHOD_MAP, keywords=KEYWORDS, comment_tags=(), strip_comment_tags=True,
    ):
        # A plural's catalog entry is keyed by its singular form.
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def _hashable(value):  # type: ignore[no-untyped-def]
    return tuple(value) if isinstance(value, list | tuple) else value


def _compiled(message):  # type: ignore[no-untyped-def]
    """What ``pybabel compile`` writes: an empty plural form falls back to the English one."""
    if isinstance(message.id, list | tuple):
        return tuple(text or message.id[min(index, 1)] for index, text in enumerate(message.string))
    return message.string


def problems() -> list[str]:
    messages = source_messages()
    issues: list[str] = []
    for locale in SUPPORTED:
        po_path = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
        mo_path = po_path.with_suffix(".mo")
        if not po_path.exists():
            issues.append(f"{po_path.relative_to(ROOT)} is missing")
            continue
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        for msgid, where in messages.items():
            entry = catalog.get(msgid)
            if entry is None:
                issues.append(f"{locale}: not in the catalog: {msgid!r} ({where})")
                continue
            translations = entry.string if isinstance(entry.string, tuple) else (entry.string,)
            if locale != "en" and (not all(translations) or entry.fuzzy):
                issues.append(f"{locale}: untranslated or fuzzy: {msgid!r} ({where})")
                continue
            expected = placeholders(msgid) | (placeholders(entry.id[1]) if isinstance(entry.id, tuple) else set())
            for text in translations:
                if text and placeholders(text) != expected:
                    issues.append(f"{locale}: placeholders differ in {msgid!r}: {sorted(placeholders(text))}")
        if not mo_path.exists():
            issues.append(f"{mo_path.relative_to(ROOT)} is missing (run pybabel compile)")
            continue
        with mo_path.open("rb") as handle:
            compiled = read_mo(handle)
        wanted = {_hashable(m.id): _compiled(m) for m in catalog if m.id and m.string and not m.fuzzy}
        got = {_hashable(m.id): _hashable(m.string) for m in compiled if m.id}
        if wanted != got:
            issues.append(f"{mo_path.relative_to(ROOT)} is stale (run pybabel compile -d views/locale -D messages)")
    return issues


def main() -> int:
    found = problems()
    for line in found[:200]:
        print(line)
    if found:
        print(f"{len(found)} translation problems", file=sys.stderr)
        return 1
    print(f"catalogs complete: {len(source_messages())} messages in {', '.join(SUPPORTED)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
