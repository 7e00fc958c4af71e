"""Build the subsets of Bootstrap Italia's and Bootstrap's CSS that the pages use (issue 14, item 8).

    python scripts/build_css.py          # rewrites static/css/dist/*.min.css
    python scripts/build_css.py --check  # exits 1 when a page uses a class the subset lacks

Bootstrap Italia's full stylesheet is 612 KB (Bootstrap's 232 KB); a page uses a few hundred of
their classes. Like PurgeCSS, this keeps a rule's selector when every class it names appears as a
word in the site's templates, Python code or scripts (its "content"), and drops the rest; @media and
@supports blocks are filtered the same way; @font-face goes (css/bootstrap-italia-fonts.css serves
the fonts). Classes only ever built at run time are in SAFELIST. The vendored files stay whole in
static/vendor (their checksums in its MANIFEST.json); the subsets are built from them, never edited.
tests/test_front_end_weight.py fails when a template uses a class the committed subset lacks:
run this script after adding one. Needs only tinycss2 (a dependency of WeasyPrint).
"""

import re
import sys
from pathlib import Path

import tinycss2

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"
DIST = ROOT / "static" / "css" / "dist"

#: (vendored stylesheet, subset written)
BUILDS = [
    (VENDOR / "bootstrap-italia" / "css" / "bootstrap-italia.min.css", DIST / "bootstrap-italia.min.css"),
    (VENDOR / "bootstrap" / "css" / "bootstrap.min.css", DIST / "bootstrap.min.css"),
]

#: classes written by code the content scan cannot read: Django's message levels (base.html's alert-{{ tags }})
SAFELIST = {"alert-debug", "alert-info", "alert-success", "alert-warning", "alert-danger"}

CONTENT_GLOBS = [
    "templates/**/*.html",
    "cities4csr/**/*.html",
    "cities4csr/**/*.py",
    "static/js/*.js",
]

WORD = re.compile(r"[A-Za-z0-9_-]+")
CLASS = re.compile(r"\.(-?[A-Za-z_][A-Za-z0-9_-]*)")
NEGATION = re.compile(r":not\((?:[^()]|\([^()]*\))*\)")


def content_words() -> set[str]:
    words = set(SAFELIST)
    for pattern in CONTENT_GLOBS:
        for path in ROOT.glob(pattern):
            if "/tests/" in str(path) or "/migrations/" in str(path):
                continue
            words.update(WORD.findall(path.read_text(encoding="utf-8")))
    return words


def _selector_used(selector: str, words: set[str]) -> bool:
    # a class inside :not() is one the element must NOT have: it need not appear in the content
    return all(name in words for name in CLASS.findall(NEGATION.sub("", selector)))


def _filter(rules, words: set[str]) -> list[str]:
    out = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [s.strip() for s in tinycss2.serialize(rule.prelude).split(",")]
            kept = [s for s in selectors if s and _selector_used(s, words)]
            if kept:
                out.append(",".join(kept) + "{" + tinycss2.serialize(rule.content).strip() + "}")
        elif rule.type == "at-rule":
            keyword = rule.lower_at_keyword
            if keyword in ("font-face", "charset"):  # the fonts' own stylesheet; @charset must come first or not at all
                continue
            if keyword in ("media", "supports", "container", "layer") and rule.content is not None:
                inner = _filter(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True), words)
                if inner:
                    out.append(f"@{rule.at_keyword} {tinycss2.serialize(rule.prelude).strip()}{{{''.join(inner)}}}")
            else:
                out.append(tinycss2.serialize([rule]))
    return out


def licence_comment(css: str) -> str:
    """The stylesheet's own /*! … */ notice (its licence), kept at the top of the subset."""
    match = re.match(r"\s*(?:@charset[^;]*;)?\s*(/\*!.*?\*/)", css, re.S)
    return match.group(1) + "\n" if match else ""


def build(source: Path, words: set[str]) -> str:
    css = source.read_text(encoding="utf-8-sig")
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    header = f"/* Subset of static/vendor/{source.relative_to(VENDOR)} built by scripts/build_css.py: do not edit. */\n"
    return licence_comment(css) + header + "\n".join(_filter(rules, words)) + "\n"


def main(argv: list[str]) -> int:
    words = content_words()
    stale = []
    for source, target in BUILDS:
        text = build(source, words)
        if "--check" in argv:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                stale.append(str(target.relative_to(ROOT)))
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"{target.relative_to(ROOT)}: {len(text) // 1024} KB (from {source.stat().st_size // 1024} KB)")
    if stale:
        print("out of date, run python scripts/build_css.py:", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
