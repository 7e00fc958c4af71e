"""Check the it/en/fr catalogues: every message translated, none fuzzy, and the committed
.mo files compiled from the current .po files. With --compile, write the .mo files.

Pure Python (polib), so `make test` needs no GNU gettext.
"""

import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ("it", "en", "fr")


def entries(catalogue) -> dict:
    return {
        (e.msgctxt, e.msgid, e.msgid_plural): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in catalogue
        if not e.obsolete
    }


def main() -> int:
    compile_ = "--compile" in sys.argv
    problems = []
    for language in LANGUAGES:
        for po_path in sorted((LOCALE / language / "LC_MESSAGES").glob("*.po")):
            po = polib.pofile(str(po_path))
            if language != "en":
                for entry in po.untranslated_entries():
                    problems.append(f"{po_path}: untranslated {entry.msgid!r}")
                for entry in po.fuzzy_entries():
                    problems.append(f"{po_path}: fuzzy {entry.msgid!r}")
            mo_path = po_path.with_suffix(".mo")
            if compile_:
                po.save_as_mofile(str(mo_path))
            elif not mo_path.exists():
                problems.append(f"{mo_path}: missing; run `make messages`")
            else:
                compiled = entries(polib.mofile(str(mo_path)))
                wanted = {k: v for k, v in entries(po).items() if (v[0] or v[1]) and "fuzzy" not in k}
                translated = {(e.msgctxt, e.msgid, e.msgid_plural) for e in po.translated_entries()}
                wanted = {k: v for k, v in wanted.items() if k in translated}
                if any(compiled.get(k) != v for k, v in wanted.items()):
                    problems.append(f"{mo_path}: out of date with {po_path.name}; run `make messages`")
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
