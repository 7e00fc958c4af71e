"""Refresh the vendored front-end files in static/vendor/ from the npm registry.

Run by a developer (needs node + npm), never at install or test time:

    python scripts/vendor_assets.py

It installs the exact versions pinned in static/vendor/package.json into a
temporary folder, copies the files the product uses, and rewrites
static/vendor/MANIFEST.json (name, version, licence, files with SHA-256).
tests/test_vendor_manifest.py checks that the committed files match it.
"""

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

VENDOR = Path(__file__).resolve().parent.parent / "static" / "vendor"

# package -> list of (glob inside the package, destination folder inside static/vendor/<package>)
FILES = {
    "bootstrap": [
        ("dist/css/bootstrap.min.css", "css"),
        ("dist/js/bootstrap.bundle.min.js", "js"),
        ("LICENSE", "."),
    ],
    "bootstrap-italia": [
        ("dist/css/bootstrap-italia.min.css", "css"),
        ("dist/js/bootstrap-italia.bundle.min.js", "js"),
        ("dist/svg/sprites.svg", "svg"),
        ("dist/fonts/Titillium_Web/*.woff2", "fonts/Titillium_Web"),
        ("dist/fonts/Titillium_Web/*.woff", "fonts/Titillium_Web"),
        ("dist/fonts/Titillium_Web/OFL.txt", "fonts/Titillium_Web"),
        ("dist/fonts/Roboto_Mono/*.woff2", "fonts/Roboto_Mono"),
        ("dist/fonts/Roboto_Mono/*.woff", "fonts/Roboto_Mono"),
        ("dist/fonts/Roboto_Mono/*.txt", "fonts/Roboto_Mono"),
        ("dist/fonts/Lora/*.woff2", "fonts/Lora"),
        ("dist/fonts/Lora/*.woff", "fonts/Lora"),
        ("dist/fonts/Lora/OFL.txt", "fonts/Lora"),
        ("LICENSE", "."),
    ],
    "leaflet": [
        ("dist/leaflet.js", "."),
        ("dist/leaflet.css", "."),
        ("dist/images/*.png", "images"),
        ("LICENSE", "."),
    ],
    "axe-core": [
        ("axe.min.js", "."),
        ("LICENSE", "."),
    ],
    # the public ledger's charts only (funds/fund_ledger.html); the UMD build bundles @kurkle/color
    "chart.js": [
        ("dist/chart.umd.min.js", "."),
        ("LICENSE.md", "."),
    ],
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> int:
    pinned = json.loads((VENDOR / "package.json").read_text())["dependencies"]
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(VENDOR / "package.json", tmp)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", "--omit=optional"],
            cwd=tmp,
            check=True,
        )
        manifest = []
        for name, patterns in FILES.items():
            src_root = Path(tmp) / "node_modules" / name
            meta = json.loads((src_root / "package.json").read_text())
            if meta["version"] != pinned[name]:
                sys.exit(f"{name}: npm gave {meta['version']}, pinned {pinned[name]}")
            dest_root = VENDOR / name
            shutil.rmtree(dest_root, ignore_errors=True)
            files = []
            for pattern, dest in patterns:
                matches = sorted(src_root.glob(pattern))
                if not matches:
                    sys.exit(f"{name}: nothing matches {pattern}")
                for src in matches:
                    target = dest_root / dest / src.name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy(src, target)
                    files.append({"path": str(target.relative_to(VENDOR)), "sha256": sha256(target)})
            manifest.append(
                {
                    "name": name,
                    "version": meta["version"],
                    "license": meta.get("license"),
                    "homepage": meta.get("homepage"),
                    "files": sorted(files, key=lambda f: f["path"]),
                }
            )
    (VENDOR / "MANIFEST.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"vendored {len(manifest)} packages into {VENDOR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
