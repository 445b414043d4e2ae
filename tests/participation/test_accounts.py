"""Accounts: sign-up with e-mail verification, log in and out, password reset, e-mail, profile."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from participation.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _link(message) -> str:
    return re.search(r"https?://testserver(/accounts/\S+)", message.body).group(1)


def test_sign_up_requires_verifying_the_email_before_logging_in(client):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new@example.org",
            "display_name": "Nouvelle",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new@example.org")
    assert user.display_name == "Nouvelle"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    # Not logged in until verified.
    assert client.get("/profile/").status_code == 302

    confirm_url = _link(mail.outbox[0])
    response = client.post(confirm_url)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.get("/profile/").status_code == 200


def test_sign_up_without_display_name_is_refused_with_a_form_error(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "x@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 200
    assert "display_name" in response.context["form"].errors
    assert not User.objects.filter(email="x@example.org").exists()


def test_unverified_account_cannot_log_in(client):
    UserFactory(email="unverified@example.org", verified=False)
    response = client.post(
        "/accounts/login/", {"login": "unverified@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "confirm-email" in response["Location"]
    assert client.get("/profile/").status_code == 302


def test_log_in_and_log_out(client):
    UserFactory(email="someone@example.org")
    response = client.post(
        "/accounts/login/", {"login": "someone@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/profile/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/profile/").status_code == 302


def test_repeated_failed_logins_are_rate_limited(client):
    UserFactory(email="target@example.org")
    for _ in range(5):
        response = client.post(
            "/accounts/login/", {"login": "target@example.org", "password": "wrong"}
        )
        assert response.status_code == 200
    # Even the right password is refused for a while: brute force is stopped.
    response = client.post(
        "/accounts/login/", {"login": "target@example.org", "password": PASSWORD}
    )
    assert response.status_code in (200, 429)
    assert client.get("/profile/").status_code == 302
    assert "Trop" in response.content.decode() or "Too many" in response.content.decode()


def test_password_reset_sends_a_working_link(client):
    UserFactory(email="forgetful@example.org")
    client.post("/accounts/password/reset/", {"email": "forgetful@example.org"})
    assert len(mail.outbox) == 1
    reset_url = _link(mail.outbox[0])
    response = client.get(reset_url, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else reset_url
    response = client.post(
        form_url, {"password1": "a-brand-new-pass-2026", "password2": "a-brand-new-pass-2026"}
    )
    assert response.status_code == 302
    assert User.objects.get(email="forgetful@example.org").check_password("a-brand-new-pass-2026")


def test_change_email_address_needs_verification_of_the_new_one(client):
    user = UserFactory(email="old@example.org")
    client.force_login(user)
    response = client.post("/accounts/email/", {"action_add": "", "email": "new@example.org"})
    assert response.status_code == 302
    assert EmailAddress.objects.filter(user=user, email="new@example.org", verified=False).exists()
    assert len(mail.outbox) == 1
    client.post(_link(mail.outbox[0]))
    user.refresh_from_db()
    assert user.email == "new@example.org"


def test_profile_changes_display_name_and_language(client):
    user = UserFactory(display_name="Avant", language="fr")
    client.force_login(user)
    response = client.post("/profile/", {"display_name": "Après", "language": "en"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.language) == ("Après", "en")
    page = client.get("/")
    assert page.headers["Content-Language"] == "en"
    assert "Participatory processes" in page.content.decode()


def test_profile_refuses_an_empty_display_name(client):
    user = UserFactory(display_name="Avant")
    client.force_login(user)
    response = client.post("/profile/", {"display_name": "   ", "language": "fr"})
    assert response.status_code == 200
    assert response.context["form"].errors["display_name"]
    user.refresh_from_db()
    assert user.display_name == "Avant"


def test_profile_needs_login(client):
    response = client.get("/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
