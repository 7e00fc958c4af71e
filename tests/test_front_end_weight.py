"""Only the front-end code a page uses (issue 14, item 9): no page loads a bundle it does not use."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("cities4csr/*/templates/**/*.html")]


def test_every_template_with_htmx_attributes_loads_htmx_itself():
    missing = [
        str(path.relative_to(ROOT))
        for path in TEMPLATES
        if " hx-" in (text := path.read_text()) and "htmx_script" not in text
    ]
    assert missing == [], "these pages use htmx but do not load it in their scripts block"


def test_the_base_template_loads_no_vendored_bundle():
    base = (ROOT / "templates" / "base.html").read_text()
    code = "\n".join(line for line in base.splitlines() if not line.lstrip().startswith("{#"))
    assert "<script" in code  # the site's own small script
    assert "vendor/" not in code.split("</head>")[1], "a vendored script on every page"
    assert "{% htmx_script" not in code
