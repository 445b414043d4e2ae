"""A newcomer signs up, verifies their e-mail address, logs out and back in — in English."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from playwright.sync_api import expect

from participation.models import User
from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-and-unusual-passphrase"


def _exactly(label: str) -> re.Pattern:
    """A label as allauth writes it, with or without its colon ("Password:")."""
    return re.compile(rf"^{re.escape(label)}\s*:?$")


def test_newcomer_signs_up_verifies_the_email_and_logs_back_in_in_english(new_page, settings):
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"
    page = new_page(locale="en-US")
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Participatory processes"
    assert_accessible(page)

    page.get_by_role("link", name="Sign up").click()
    page.get_by_role("heading", level=1, name="Sign Up").wait_for()
    assert_accessible(page)
    page.get_by_label(_exactly("Email")).fill("newcomer@example.org")
    page.get_by_label(_exactly("Display name")).fill("Dominique")
    password = page.get_by_label(_exactly("Password"))
    # The password rules are the field's description, read out with it.
    expect(password).to_have_accessible_description(re.compile("at least 8 characters"))
    password.fill(PASSWORD)
    page.get_by_label(_exactly("Password (again)")).fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()

    page.get_by_role("heading", level=1, name="Verify Your Email Address").wait_for()
    assert_accessible(page)
    user = User.objects.get(email="newcomer@example.org")
    assert (user.display_name, user.language) == ("Dominique", "en")
    assert not EmailAddress.objects.get(user=user).verified

    # The e-mail is in English, and its link leads back to this site.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["newcomer@example.org"]
    assert message.subject.startswith("[En Commun]")
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", message.body).group(1)

    page.goto(link)
    page.get_by_role("heading", level=1, name="Confirm Email Address").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Confirm").click()

    # Confirmed and logged in, in the same session.
    page.get_by_role("button", name="Log out").wait_for()
    assert page.get_by_role("link", name="My profile (Dominique)").is_visible()
    assert EmailAddress.objects.get(user=user).verified
    assert_accessible(page)

    page.get_by_role("button", name="Log out").click()
    page.get_by_role("link", name="Log in").wait_for()
    assert page.get_by_role("link", name="Sign up").is_visible()

    page.get_by_role("link", name="Log in").click()
    page.get_by_role("heading", level=1, name="Sign In").wait_for()
    assert_accessible(page)
    page.get_by_label(_exactly("Email")).fill("newcomer@example.org")
    page.get_by_label(_exactly("Password")).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("button", name="Log out").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"

    page.get_by_role("link", name="My profile (Dominique)").click()
    page.get_by_role("heading", level=1).wait_for()
    assert_accessible(page)

    # The account pages of allauth share the site's layout and its account menu.
    page.goto("/accounts/email/")
    account_menu = page.get_by_role("navigation", name="Account")
    account_menu.get_by_role("link", name="E-mail address").wait_for()
    assert page.get_by_label("Current email").input_value() == "newcomer@example.org"
    assert_accessible(page)
    account_menu.get_by_role("link", name="Password").click()
    page.get_by_role("heading", level=1, name="Change Password").wait_for()
    assert_accessible(page)
