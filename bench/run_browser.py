"""Browser figures of ``make bench``: what home, catalogue and a need page weigh and how fast
they draw, on a phone, served as in production.

The site runs under gunicorn on loopback with DEBUG off and the collected, precompressed static
files (WhiteNoise), on the seed_scale city of DATABASE_URL. Then:

* Debian's chromium (Playwright) loads each page cold at 390 × 844 px, ``--runs`` times: the
  bytes that crossed the wire, compressed (``home_transfer_kb``, ``catalogue_transfer_kb``, and
  ``hello_transfer_kb`` for the trivial page), the time until the map is drawn (the page's
  ``map-drawn`` performance mark: ``map_drawn_ms``, ``catalogue_map_drawn_ms``) and, beside them,
  the trivial page's load time (``hello_load_ms``);
* Lighthouse 12 (npm, bench/package.json) with its mobile preset scores home, catalogue and a
  need page ``--runs`` times each; the medians per page, and their lowest
  (``lighthouse_perf_min``, ``lighthouse_a11y_min``).

Figures are merged into bench/results.json beside the others, with their targets.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cities4csr_bench python bench/run_browser.py
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
LIGHTHOUSE = ROOT / "bench" / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --no-first-run"
TARGETS = {"transfer_kb_max": 300, "lighthouse_perf_min": 0.9, "lighthouse_a11y_min": 1.0}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(port: int) -> subprocess.Popen:
    """gunicorn as docs/deployment.md runs it, on loopback, with the collected static files."""
    env = {
        **os.environ,
        "DEBUG": "false",
        "WHITENOISE_USE_FINDERS": "false",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    python = sys.executable
    subprocess.run([python, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [python, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return server


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback only)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer {url} within {seconds} s")


def pages(city_slug: str) -> dict[str, str]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()
    from django_scopes import scopes_disabled

    from cities4csr.needs.models import Need

    with scopes_disabled():
        need = (
            Need.objects.filter(city__slug=city_slug, state=Need.State.PUBLISHED)
            .order_by("id")
            .values_list("id", flat=True)
            .first()
        )
    if need is None:
        raise SystemExit(f"{city_slug} has no published need: run `manage.py seed_scale --city {city_slug}` first")
    return {
        "home": f"/it/{city_slug}/",
        "catalogue": f"/it/{city_slug}/needs/",
        "need": f"/it/{city_slug}/needs/{need}/",
        "hello": f"/it/{city_slug}/ping/",
    }


def load(browser, url: str) -> tuple[float, float | None, float]:
    """(compressed KB transferred, ms until the map-drawn mark or None, ms until the load event)
    of one cold load at phone size."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=3, is_mobile=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    sizes: dict[str, int] = {}
    cdp.on("Network.loadingFinished", lambda event: sizes.__setitem__(event["requestId"], event["encodedDataLength"]))
    page.goto(url, wait_until="load")
    drawn = None
    if page.locator("#area-map").count():
        page.wait_for_selector("#area-map[data-drawn]", timeout=30_000)  # set with the mark (no eval under the CSP)
        drawn = page.evaluate("performance.getEntriesByName('map-drawn')[0].startTime")
    page.wait_for_load_state("networkidle")
    loaded = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    context.close()
    return sum(sizes.values()) / 1024, drawn, loaded


def browser_figures(base: str, urls: dict[str, str], runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    measured: dict[str, list[tuple]] = {name: [] for name in ("home", "catalogue", "hello")}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROME_FLAGS.split())
        for _ in range(runs):  # in turn, so that whatever else the machine does weighs on all alike
            for name in measured:
                measured[name].append(load(browser, base + urls[name]))
        browser.close()

    def median(name: str, index: int) -> float:
        return round(statistics.median(run[index] for run in measured[name]), 1)

    return {
        "home_transfer_kb": median("home", 0),
        "catalogue_transfer_kb": median("catalogue", 0),
        "hello_transfer_kb": median("hello", 0),
        "map_drawn_ms": median("home", 1),
        "catalogue_map_drawn_ms": median("catalogue", 1),
        "hello_load_ms": median("hello", 2),
    }


def lighthouse(url: str, attempts: int = 3) -> dict[str, float]:
    """One Lighthouse run (mobile preset: simulated slow 4G and a 4× slower CPU). Lighthouse
    sometimes loses the trace of a page load (NO_NAVSTART) and asks to be run again: it is, up to
    ``attempts`` times; any other failure stops the benchmark with Lighthouse's own message."""
    for attempt in range(attempts):
        out = subprocess.run(
            [
                "node",
                str(LIGHTHOUSE),
                url,
                "--only-categories=performance,accessibility",
                "--output=json",
                "--output-path=stdout",
                "--quiet",
                f"--chrome-flags={CHROME_FLAGS}",
            ],
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            capture_output=True,
            text=True,
        )
        if out.returncode == 0:
            report = json.loads(out.stdout)
            return {name: category["score"] for name, category in report["categories"].items()}
        if "NO_NAVSTART" not in out.stderr or attempt == attempts - 1:
            raise RuntimeError(f"Lighthouse failed on {url}: {out.stderr.strip()[-2000:]}")
    raise AssertionError("unreachable")


def lighthouse_figures(base: str, urls: dict[str, str], runs: int) -> dict:
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is missing: npm ci --prefix bench")
    figures = {}
    for name in ("home", "catalogue", "need"):
        scores = [lighthouse(base + urls[name]) for _ in range(runs)]
        figures[f"lighthouse_perf_{name}"] = statistics.median(s["performance"] for s in scores)
        figures[f"lighthouse_a11y_{name}"] = statistics.median(s["accessibility"] for s in scores)
    figures["lighthouse_perf_min"] = min(v for k, v in figures.items() if k.startswith("lighthouse_perf_"))
    figures["lighthouse_a11y_min"] = min(v for k, v in figures.items() if k.startswith("lighthouse_a11y_"))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--city", default="metropoli")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    urls = pages(args.city)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = serve(port)
    try:
        wait_for(base + urls["hello"])
        figures = browser_figures(base, urls, args.runs)
        figures |= lighthouse_figures(base, urls, args.runs)
    finally:
        server.terminate()
        server.wait(timeout=30)
    figures["browser"] = {
        "chromium": subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip(),
        "city": args.city,
        "runs": args.runs,
        "targets": TARGETS,
        "met": {
            "home_transfer_kb_max": figures["home_transfer_kb"] <= TARGETS["transfer_kb_max"],
            "catalogue_transfer_kb_max": figures["catalogue_transfer_kb"] <= TARGETS["transfer_kb_max"],
            "lighthouse_perf_min": figures["lighthouse_perf_min"] >= TARGETS["lighthouse_perf_min"],
            "lighthouse_a11y_min": figures["lighthouse_a11y_min"] >= TARGETS["lighthouse_a11y_min"],
        },
    }
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results.update(figures)
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(json.dumps(figures, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
