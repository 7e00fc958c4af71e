"""The vendored front-end files are exactly those the manifest lists (name, version, licence, SHA-256)."""

import hashlib
import json
from pathlib import Path

VENDOR = Path(__file__).resolve().parent.parent / "static" / "vendor"


def test_every_vendored_file_matches_the_manifest():
    manifest = json.loads((VENDOR / "MANIFEST.json").read_text())
    listed = set()
    for package in manifest:
        assert package["version"] and package["license"], package["name"]
        for entry in package["files"]:
            path = VENDOR / entry["path"]
            assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"], entry["path"]
            listed.add(path)
    on_disk = {p for p in VENDOR.rglob("*") if p.is_file() and p.name not in ("MANIFEST.json", "package.json")}
    assert on_disk == listed


def test_pages_load_nothing_from_the_network():
    templates = Path(__file__).resolve().parent.parent
    for template in list(templates.glob("templates/**/*.html")) + list(templates.glob("cities4csr/**/*.html")):
        text = template.read_text()
        assert "https://cdn" not in text and "//unpkg" not in text and "googleapis" not in text, template
