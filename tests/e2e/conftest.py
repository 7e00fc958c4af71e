"""Browser tests: Playwright driving Debian's chromium against a real server process.

The server runs `manage.py runserver` on a fresh SQLite database loaded with the demo, once
per session, on a free loopback port. axe-core (vendored) checks every page a test visits.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from cities4csr.demo.seed import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server_env(tmp_path_factory):
    """The environment of the server's processes: its database, for a test that must prepare data."""
    folder = tmp_path_factory.mktemp("e2e")
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'e2e.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # e-mails as files, one per message, that a test reads (the `mailbox` fixture)
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(folder / "mail"),
    }


@pytest.fixture
def mailbox(server_env):
    """The e-mails the server and the commands sent so far, as text, oldest first."""
    import email
    from email import policy

    def messages():
        folder = Path(server_env["EMAIL_FILE_PATH"])
        if not folder.exists():
            return []
        found = []
        for path in sorted(folder.iterdir(), key=lambda p: p.stat().st_mtime_ns):
            for chunk in path.read_text().split("-" * 79):
                if chunk.strip():
                    found.append(email.message_from_string(chunk.strip(), policy=policy.default))
        return found

    return messages


@pytest.fixture(scope="session")
def server(server_env):
    """The demo, served by a real Django process; yields its base URL."""
    env = server_env
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--no-input", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "seed_demo"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    port = _free_port()
    process = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # the background queue runs beside the server, as in `make demo` (recomputation, e-mails)
    worker = subprocess.Popen(
        [*manage, "db_worker", "--queue-name", "*", "--interval", "0.5", "--no-startup-delay"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # up to a minute: on a busy machine runserver takes a while to start
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310 - loopback only
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the test server did not start")
        yield base
    finally:
        for child in (process, worker):
            child.terminate()
            child.wait(timeout=10)


def check_a11y(page) -> None:
    """Run axe-core (WCAG 2.1 A and AA rules) on the page; fail on any violation.

    axe is loaded from the site's own static files: the Content-Security-Policy refuses an
    inline script, which is what injecting the file's text would be."""
    check_csp(page)
    origin = "/".join(page.url.split("/")[:3])
    page.add_script_tag(url=f"{origin}/static/vendor/axe-core/axe.min.js")
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
    ]
    assert violations == [], f"{page.url}\n" + "\n".join(violations)
    check_csp(page)


# Records, in the page itself, every Content-Security-Policy violation (an inline script or style,
# a font or image from elsewhere); runs before the page's own scripts, outside the policy.
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


def watch_csp(page) -> None:
    """Collect the page's CSP violations: the recorder's events and the console's 'Refused to' errors."""
    page.csp_messages = []
    page.add_init_script(CSP_RECORDER)
    page.on(
        "console",
        lambda message: page.csp_messages.append(message.text) if "Content Security Policy" in message.text else None,
    )


def check_csp(page) -> None:
    """Fail on any CSP violation reported in the browser since the page was opened."""
    recorded = page.evaluate("() => window.__cspViolations || []")
    messages = getattr(page, "csp_messages", [])
    assert recorded == [] and messages == [], f"{page.url}: CSP violations\n" + "\n".join(recorded + messages)


class Visitor:
    """A person in the browser. Every page reached through it is checked by axe-core."""

    def __init__(self, page, base):
        self.page = page
        self.base = base
        watch_csp(page)

    def goto(self, path: str):
        response = self.page.goto(self.base + path)
        self.page.wait_for_load_state("networkidle")
        check_a11y(self.page)
        return response

    def click(self, locator):
        """Click something that loads a new page, then check the new page."""
        with self.page.expect_navigation():
            locator.click()
        self.page.wait_for_load_state("networkidle")
        check_a11y(self.page)

    def submit(self, button_name: str):
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=button_name).click()
        self.page.wait_for_load_state("networkidle")
        check_a11y(self.page)

    def login(self, email: str, password: str = DEMO_PASSWORD, lang: str = "en"):
        self.goto(f"/{lang}/accounts/login/")
        self.page.locator("input[name=login]").fill(email)
        self.page.locator("input[name=password]").fill(password)
        with self.page.expect_navigation():
            self.page.locator("main form button[type=submit]").last.click()


@pytest.fixture
def visitor(page, server):
    return Visitor(page, server)


@pytest.fixture
def people(browser, server):
    """One browser context per person, so several can be logged in at once."""
    contexts = []

    def person(email=None, lang="it"):
        context = browser.new_context()
        contexts.append(context)
        visitor = Visitor(context.new_page(), server)
        if email:
            visitor.login(email, lang=lang)
        return visitor

    yield person
    for context in contexts:
        context.close()
