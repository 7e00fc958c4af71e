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


def test_the_shipped_css_is_built_from_the_current_templates():
    """static/css/dist holds what scripts/build_css.py builds from the vendored stylesheets for the
    classes the pages use: a class added to a template without rebuilding would be unstyled."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_css", ROOT / "scripts" / "build_css.py")
    build_css = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_css)
    assert build_css.main(["--check"]) == 0, "run: python scripts/build_css.py"


def test_pages_load_the_css_subsets_not_the_whole_frameworks():
    base = (ROOT / "templates" / "base.html").read_text()
    assert "css/dist/bootstrap-italia.min.css" in base and "css/dist/bootstrap.min.css" in base
    assert "vendor/bootstrap-italia/css" not in base and "vendor/bootstrap/css" not in base
    for subset in ("bootstrap-italia.min.css", "bootstrap.min.css"):
        css = (ROOT / "static" / "css" / "dist" / subset).read_text()
        assert len(css) < 100_000, subset
        assert "Licensed under" in css.split("*/")[0], f"{subset} keeps its licence notice"
    italia = (ROOT / "static" / "css" / "dist" / "bootstrap-italia.min.css").read_text()
    for component in (".it-header-slim-wrapper", ".it-header-center-wrapper", ".it-footer-main", ".card-wrapper"):
        assert component in italia, component
