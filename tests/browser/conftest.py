"""Browser fixtures: Debian's chromium through Playwright, against pytest-django's live server.

A journey is a test function that asks for these fixtures (docs/TESTING.md):

    def test_reviewer_approves_agreement(page_as, shot, li_ming):
        page = page_as("reviewer")              # logged in through the login form
        page.goto(reverse("admin:..."))         # paths are relative to the live server
        shot(page, "queue")                     # PNG + page checks + Chinese text check
        ...

- ``browser`` (session): one headless chromium for the whole run; never downloaded
  (``/usr/bin/chromium`` from bin/setup), flags that keep it off the network.
- ``open_page()``: a fresh, logged-out page in its own context (own cookies).
- ``page_as(role_or_user)``: ``open_page()`` logged in as a new user of that role
  (clerk, reviewer, supervisor, auditor) or as the given user.
- ``shot(page, step, allow_english=())``: saves
  ``artifacts/screenshots/<test>/NN-step.png``, then fails on any page problem, on
  untranslated English and on a screen page that scrolls sideways at the hall PC's
  1366×768 (the pages open at that size).
- ``page_problems``: every page of the test is watched: console errors, script
  errors, failed requests, 4xx/5xx responses and any request to another host than
  the live server; the test fails listing them (``page_problems.allow(...)`` for a
  response a test expects, such as a 403).

Using a page makes the test transactional (the live server runs in another thread,
with its own database connection); the root conftest puts the reference data back
after each flush.
"""

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import sync_playwright

from accounts.tests.factories import make_user
from tests.browser.support import assert_chinese, assert_fits_the_screen, broken_images, log_in

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags chromium phones home at start-up, and
# this machine's closed network refuses it. Playwright gives every launch a fresh
# temporary profile (user-data dir) of its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
TIMEOUT_MS = 15_000
HALL_SCREEN = {"width": 1366, "height": 768}  # the service hall's PCs (issue 13)


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API keeps an asyncio loop running on this thread (in a
    # greenlet); Django then takes the test's plain ORM calls for async code.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


class PageProblems:
    """What went wrong on the pages of one test, as (where, what) lines."""

    def __init__(self, origin: str):
        self.origin = origin
        self.found: list[str] = []
        self._allowed: list[tuple[int, str]] = []
        self._downloads: set[str] = set()
        self._aborted: list[str] = []

    def allow(self, status: int, path_contains: str) -> None:
        """Expect a response with ``status`` for a URL containing ``path_contains``."""
        self._allowed.append((status, path_contains))

    def is_local(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("data", "blob", "about") or (
            f"{parts.scheme}://{parts.netloc}" == self.origin
        )

    def watch(self, context) -> None:
        context.route(lambda url: not self.is_local(url), self._refuse)
        context.on("page", self._watch_page)

    def _refuse(self, route):
        self.found.append(f"external request: {route.request.url}")
        route.abort()

    def _watch_page(self, page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.found.append(f"script error: {error}"))
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)
        page.on("download", lambda download: self._downloads.add(download.url))

    def _expected(self, status: int, url: str) -> bool:
        return any(status == s and part in url for s, part in self._allowed)

    def _console(self, message) -> None:
        url = message.location.get("url", "")
        status = re.search(r"Failed to load resource: .* status of (\d+)", message.text)
        if message.type == "error" and not (status and self._expected(int(status[1]), url)):
            self.found.append(f"console error: {message.text} ({url})")

    def _request_failed(self, request) -> None:
        if not self.is_local(request.url):  # reported when refused
            return
        if request.failure == "net::ERR_ABORTED" and request.resource_type in ("xhr", "fetch"):
            return  # cancelled by the page itself (the autocomplete drops stale searches)
        if request.failure == "net::ERR_ABORTED" and request.resource_type == "document":
            self._aborted.append(request.url)  # judged at the end: a download aborts too
            return
        self.found.append(f"failed request: {request.url} ({request.failure})")

    def _response(self, response) -> None:
        if response.status >= 400 and not self._expected(response.status, response.url):
            self.found.append(f"HTTP {response.status}: {response.request.method} {response.url}")

    def assert_clean(self) -> None:
        self.found += [
            f"failed request: {url} (net::ERR_ABORTED)"
            for url in self._aborted
            if url not in self._downloads  # a file download hands its response over
        ]
        self._aborted = []
        found, self.found = self.found, []
        assert not found, "problems on the pages:\n" + "\n".join(f"  {p}" for p in found)


@pytest.fixture
def page_problems(live_server):
    problems = PageProblems(live_server.url.rstrip("/"))
    yield problems
    problems.assert_clean()


@pytest.fixture
def open_page(browser, live_server, page_problems):
    contexts = []

    def new_page():
        context = browser.new_context(
            base_url=live_server.url,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            viewport=HALL_SCREEN,
        )
        context.set_default_timeout(TIMEOUT_MS)
        page_problems.watch(context)
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()


@pytest.fixture
def page_as(open_page):
    def logged_in(who):
        user = make_user(who) if isinstance(who, str) else who
        page = open_page()
        log_in(page, user.get_username())
        return page

    return logged_in


@pytest.fixture
def shot(request, page_problems):
    folder = SCREENSHOTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    steps = iter(range(1, 100))

    def take(page, step: str, allow_english=()) -> Path:
        name = re.sub(r"[^\w-]+", "-", step)
        path = folder / f"{next(steps):02d}-{name}.png"
        page.wait_for_load_state("load")
        page.screenshot(path=path, full_page=True)
        page_problems.found += [f"broken image: {src}" for src in broken_images(page)]
        page_problems.assert_clean()
        assert_chinese(page, allow_english)
        if page.viewport_size == HALL_SCREEN:  # not a page sized as A4 paper
            assert_fits_the_screen(page)
        return path

    return take
