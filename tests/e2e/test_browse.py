"""A visitor browses the demo process in a real browser, in French then in English."""

import pytest

from participation.demo import load_demo
from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_visitor_browses_process_axis_and_proposal_accessibly(page, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo()
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", level=1).inner_text() == "Processus participatifs"
    assert_accessible(page)

    page.get_by_role("link", name="Numérique en Commun[s] — Nantes").click()
    page.get_by_role("heading", name="Axes").wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="Lieux", exact=True).click()
    page.get_by_label("Rechercher").fill("fablab")
    page.get_by_role("button", name="Appliquer").click()
    page.get_by_role("link", name="Un fablab mobile dans un camion").wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="Un fablab mobile dans un camion").click()
    page.get_by_role("heading", level=1, name="Un fablab mobile dans un camion").wait_for()
    assert_accessible(page)

    page.get_by_label("Langue").select_option("en")
    page.get_by_role("button", name="Changer").click()
    page.get_by_role("heading", name="Evaluation").or_(
        page.get_by_text("comments", exact=False).first
    ).first.wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    assert_accessible(page)


def test_keyboard_user_can_skip_to_the_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu principal")
    assert skip.evaluate("element => element === document.activeElement")
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")


def test_page_works_without_javascript(browser, live_server, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["*"]
    load_demo()
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, locale="fr-FR"
    )
    page = context.new_page()
    page.goto("/processes/numerique-en-communs-nantes/donnees/")
    page.get_by_label("Rechercher").fill("arbres")
    page.get_by_role("button", name="Appliquer").click()
    assert "q=arbres" in page.url
    page.get_by_role("link", name="Cartographier les arbres de la ville").wait_for()
    context.close()
