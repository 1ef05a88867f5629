"""Browser, HTTP and HTML-checking helpers shared by the tests."""

from __future__ import annotations

import contextlib
import csv
import functools
import http.server
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

REPO_ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = REPO_ROOT / ".cache/vnu/node_modules/vnu-jar/build/dist/vnu.jar"
CHROMIUM = Path("/usr/bin/chromium")
LINKCHECKER = Path(sys.executable).parent / "linkchecker"
INSTALL_HINT = "run `make test` or `bash scripts/system-deps.sh test` to install it"

CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Fail every host name lookup except loopback, so a page under test can
    # never make the browser contact a real external host.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
)
NO_SCRIPT_ARG = "--blink-settings=scriptEnabled=false"

# The linkchecker CSV parts we read; `url` and later columns are left out
# because linkchecker omits empty line/column cells, which shifts them.
LINKCHECK_CONFIG = """\
[filtering]
checkextern=0

[checking]
maxrequestspersecond=1000

[csv]
parts=urlname,parentname,result,warningstring,valid

[AnchorCheck]
"""

_AXE = Axe()


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static file handler without access log that lets linkchecker crawl at full speed."""

    def end_headers(self) -> None:
        """Send the header that lifts linkchecker's per-host rate limit, then end the headers."""
        self.send_header("LinkChecker", "unthrottled")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Discard the access log line."""


@contextlib.contextmanager
def serve(directory: Path | str) -> Iterator[str]:
    """Serve `directory` over HTTP on a free loopback port, yielding its base URL."""
    handler = functools.partial(_SiteHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


_playwright: Playwright | None = None
_playwright_users = 0


@contextlib.contextmanager
def _shared_playwright() -> Iterator[Playwright]:
    """Yield one Playwright driver shared by nested callers, as sync_playwright() cannot nest."""
    global _playwright, _playwright_users
    if _playwright is None:
        _playwright = sync_playwright().start()
    _playwright_users += 1
    try:
        yield _playwright
    finally:
        _playwright_users -= 1
        if _playwright_users == 0:
            _playwright.stop()
            _playwright = None


@contextlib.contextmanager
def chromium(javascript: bool = True) -> Iterator[Browser]:
    """Launch the system Chromium headless; `javascript=False` disables scripts in every page."""
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing; {INSTALL_HINT}")
    args = [*CHROMIUM_ARGS, *([] if javascript else [NO_SCRIPT_ARG])]
    with _shared_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=args
        )
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser: Browser, *, javascript: bool = True, width: int = 1280) -> Page:
    """Open a page in a fresh context with the given JavaScript setting and viewport width."""
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": width, "height": 800}
    )
    return context.new_page()


def record_requests(page: Page) -> list[str]:
    """Collect the URL of every request `page` makes from now on into the returned list."""
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def foreign_requests(urls: Iterable[str], base_url: str) -> list[str]:
    """Return the URLs whose origin differs from `base_url`, ignoring data:, blob: and about:."""
    base = _origin(base_url)
    return [
        url
        for url in urls
        if urlsplit(url).scheme not in ("data", "blob", "about") and _origin(url) != base
    ]


def _origin(url: str) -> tuple[str, str]:
    """Return the (scheme, host:port) origin of `url`."""
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core on the loaded page and return its violations with their node targets."""
    response = _AXE.run(page).response
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [
                ", ".join(map(str, node["target"])) for node in violation["nodes"]
            ],
        }
        for violation in response["violations"]
    ]


def format_violations(violations: list[dict]) -> str:
    """Render axe violations as readable lines for an assertion message."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {target}" for target in violation["targets"])
    return "\n".join(lines)


def vnu_errors(paths: list[Path]) -> list[str]:
    """Check the HTML files with the Nu HTML checker in one run; return "file:line: message"."""
    if not paths:
        raise ValueError("vnu_errors needs at least one file to check")
    # vnu silently skips files it cannot open, so insist they exist.
    missing = [str(path) for path in paths if not Path(path).is_file()]
    if missing:
        raise FileNotFoundError(f"not files: {', '.join(missing)}")
    java = shutil.which("java")
    if java is None or not VNU_JAR.is_file():
        raise RuntimeError(f"java or {VNU_JAR} is missing; {INSTALL_HINT}")
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, paths)],
        capture_output=True,
        encoding="utf-8",
        # Under a non-UTF-8 locale Java cannot open file names with æ, ø or å.
        env={**os.environ, "LC_ALL": "C.UTF-8"},
    )
    # vnu exits 1 when it found errors and writes its JSON report to stderr.
    try:
        messages = json.loads(result.stderr)["messages"]
    except (json.JSONDecodeError, KeyError):
        raise RuntimeError(f"vnu failed (exit {result.returncode}):\n{result.stderr}") from None
    return [
        f"{unquote(message.get('url', '').removeprefix('file:'))}:"
        f"{message.get('lastLine', '?')}: {message['message']}"
        for message in messages
        if message["type"] in ("error", "non-document-error")
    ]


def screenshot(url: str, path: Path | str, width: int) -> None:
    """Save a full-page PNG of `url` at the given viewport width (e.g. 360 or 1280)."""
    with chromium() as browser:
        page = new_page(browser, width=width)
        page.goto(url, wait_until="load")
        page.screenshot(path=str(path), full_page=True)


def linkcheck(base_url: str) -> list[str]:
    """Crawl the site at `base_url`, never external hosts, and return broken links and anchors."""
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "linkcheckerrc"
        config.write_text(LINKCHECK_CONFIG, encoding="utf-8")
        result = subprocess.run(
            [str(LINKCHECKER), "-f", str(config), "--no-status", "-o", "csv/utf-8", base_url],
            capture_output=True,
            encoding="utf-8",
        )
    # linkchecker exits 1 when it logged broken links or warnings, 2 on failure.
    if result.returncode not in (0, 1):
        raise RuntimeError(f"linkchecker failed (exit {result.returncode}):\n{result.stderr}")
    rows = csv.DictReader(io.StringIO(result.stdout), delimiter=";")
    return [_describe_link(row) for row in rows]


def _describe_link(row: dict[str, str]) -> str:
    """Format one linkchecker CSV row as "url (linked from page): reason"."""
    reasons = [row["warningstring"]]
    if row["valid"] != "True":
        reasons.insert(0, row["result"])
    url = urljoin(row["parentname"], row["urlname"])
    return f"{url} (linked from {row['parentname']}): {'; '.join(filter(None, reasons))}"
