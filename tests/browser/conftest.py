"""What the browser tests share: the live server's static files, a headless Debian Chromium
page per test (console errors collected), logging in through the form, tom-select widgets,
and the page checks (axe-core, horizontal overflow, keyboard focus)."""

import json
import os
import shutil
import subprocess
import time

import pytest
from django.db import connection, connections
from django.test import override_settings

from tests.factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - the dev extras install it
    expect = sync_playwright = None

needs_browser = pytest.mark.skipif(
    sync_playwright is None or not os.path.exists(CHROMIUM),
    reason="Playwright or Debian chromium is not installed",
)

needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils is missing"
)

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session", autouse=True)
def _live_server_static_root(tmp_path_factory):
    """The live server is started once for the session, before the per-test settings apply:
    give WhiteNoise an existing (empty) STATIC_ROOT to index, as the tests' settings do. The
    server serves the static files from the app and project folders (staticfiles finders)."""
    with override_settings(STATIC_ROOT=tmp_path_factory.mktemp("static")):
        yield


@pytest.fixture(scope="session", autouse=True)
def _live_server_connections(django_db_setup, django_db_blocker):
    """The live server answers each browser connection in a thread of its own, and such a
    thread kept its database connection open between requests (CONN_MAX_AGE) until the
    browser hung up: PostgreSQL could then refuse to drop the test database at the end. Here
    every request closes its database connection, and once the last browser test is done
    (the live server stopped) the run waits for the threads' connections to go; any still
    open after 10 s is ended, which is safe then: no test runs any more."""
    databases = [connections.settings[alias] for alias in connections]
    saved = [database.get("CONN_MAX_AGE") for database in databases]
    for database in databases:  # the very dicts the request threads' connections are made from
        database["CONN_MAX_AGE"] = 0
    yield
    for database, max_age in zip(databases, saved, strict=True):
        database["CONN_MAX_AGE"] = max_age
    if connection.vendor != "postgresql":
        return
    others = "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            cursor.execute(f"SELECT count(*) {others}")
            if not cursor.fetchone()[0]:
                return
            time.sleep(0.2)
        cursor.execute(f"SELECT pg_terminate_backend(pid) {others}")


@pytest.fixture
def browser_page(monkeypatch):
    """browser_page(viewport=DESKTOP) -> a new page in its own context (its own cookies, so
    one test can be several people at once). Every page collects its console errors and
    uncaught exceptions in `page.console_errors`. No language cookie: the UI is the default
    zh-hans."""
    # Playwright's sync API keeps an event loop in this thread; the ORM calls the test makes
    # around it are plain synchronous ones.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )

        def make(viewport=DESKTOP):
            context = browser.new_context(viewport=viewport, accept_downloads=True)
            context.set_default_timeout(10_000)
            page = context.new_page()
            page.console_errors = []
            page.on(
                "console",
                lambda message: (
                    message.type == "error" and page.console_errors.append(message.text)
                ),
            )
            page.on("pageerror", lambda error: page.console_errors.append(str(error)))
            # Every confirm() (forms with data-confirm) is answered yes.
            page.on("dialog", lambda dialog: dialog.accept())
            return page

        yield make
        browser.close()


def log_in(page, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("form[action$='/logout/']")).to_have_count(1)


def tom_select(page, name: str, text: str) -> None:
    """Choose the option containing `text` in the tom-select widget of select[name=name]:
    open it, type to search, click the option."""
    wrapper = page.locator(f"select[name='{name}'] + .ts-wrapper")
    wrapper.locator(".ts-control").click()
    wrapper.locator(".ts-control input").fill(text)
    wrapper.locator(".ts-dropdown .option", has_text=text).first.click()
    page.keyboard.press("Escape")
    # Tom-select finishes on timers (closing, refocusing): wait until the choice is in the
    # original select and the dropdown is shut, or the next fill may lose focus to the widget.
    expect(page.locator(f"select[name='{name}']")).not_to_have_value("")
    expect(wrapper.locator(".ts-dropdown")).to_be_hidden()


def download_pdf_text(page, link_name: str, tmp_path) -> str:
    """Click the link that downloads a PDF, save the file and return its text (pdftotext)."""
    with page.expect_download() as download_info:
        page.get_by_role("link", name=link_name).click()
    pdf = tmp_path / "download.pdf"
    download_info.value.save_as(pdf)
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def axe_violations(page, base_url: str) -> list[dict]:
    """Run axe-core (vendored, served by the site itself, so the page's CSP allows it) on the
    page; the violations of impact serious or critical, each with its nodes' selectors."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=f"{base_url}/static/vendor/axe-core/axe.min.js")
    result = page.evaluate(
        # Only the violations are wanted: resultTypes spares the details of what passed.
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
            "summary": v["nodes"][0].get("failureSummary", "") if v["nodes"] else "",
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def assert_accessible(page, base_url: str) -> None:
    violations = axe_violations(page, base_url)
    assert violations == [], f"{page.url}\n" + json.dumps(violations, ensure_ascii=False, indent=1)


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the window (0 when nothing overflows)."""
    return page.evaluate(
        "() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"
    )


def overflowing_elements(page, limit: int = 5) -> list[str]:
    """The innermost elements that reach past the window's right edge (tag.class), to say
    what makes a page overflow."""
    return page.evaluate(
        """limit => {
  const wide = [...document.body.querySelectorAll("*")].filter(
    el => el.getBoundingClientRect().right > window.innerWidth + 1);
  return wide.filter(el => !wide.some(other => other !== el && el.contains(other)))
    .slice(0, limit)
    .map(el => [el.tagName.toLowerCase(), ...String(el.className).split(/\\s+/)]
      .filter(Boolean).join("."));
}""",
        limit,
    )
