"""Real-browser journeys: headless Chromium (Debian's) driven by Playwright, with axe-core."""

import os
from pathlib import Path

import pytest

from tests.conftest import ON_CI

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="package")
def browser():
    if not CHROMIUM.exists():
        message = f"browser journeys need Chromium at {CHROMIUM} (apt-get install chromium)"
        if ON_CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread while the browser is open; the
    # tests' own ORM calls are still synchronous code, so Django must allow them meanwhile.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser, live_server, settings):
    settings.ALLOWED_HOSTS = ["*"]
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def assert_accessible(page) -> None:
    """No axe-core violation of WCAG 2.1 A/AA on the current page.

    axe-core is JavaScript: for a page of a context without JavaScript, the very HTML it shows
    is audited in a twin page that runs scripts (same URL, same styles).
    """
    from axe_playwright_python.sync_playwright import Axe

    twin = getattr(page, "javascript_twin", None)
    if twin is not None:
        page = _show_in_twin(page, twin)
    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
            "resultTypes": ["violations"],
        },
    )
    assert results.violations_count == 0, results.generate_report()


@pytest.fixture
def new_page(browser, live_server, settings):
    """Factory of pages in fresh browser contexts: `new_page(locale="en-US", js=False)`.

    Several contexts are several people (or devices): cookies are not shared between them.
    """
    settings.ALLOWED_HOSTS = ["*"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    contexts = []

    def make(*, locale: str = "fr-FR", js: bool = True, user=None):
        context = browser.new_context(
            base_url=live_server.url, locale=locale, java_script_enabled=js
        )
        contexts.append(context)
        if user is not None:
            log_in(context, live_server.url, user)
        page = context.new_page()
        page.set_default_timeout(15_000)
        if not js:
            twin_context = browser.new_context(base_url=live_server.url, locale=locale)
            contexts.append(twin_context)
            page.javascript_twin = twin_context.new_page()
            page.javascript_twin.set_default_timeout(15_000)
        return page

    yield make
    for context in contexts:
        context.close()


def log_in(context, base_url: str, user) -> None:
    """Give a browser context the session of `user` (when logging in is not the journey)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}])


def _show_in_twin(page, twin):
    """Load the HTML that `page` shows into `twin`, at the same address; return `twin`."""
    html = page.content()

    def serve(route):
        if route.request.resource_type == "document":
            route.fulfill(body=html, content_type="text/html; charset=utf-8")
        else:
            route.continue_()

    twin.route("**/*", serve)
    try:
        twin.goto(page.url)
    finally:
        twin.unroute("**/*", serve)
    return twin
