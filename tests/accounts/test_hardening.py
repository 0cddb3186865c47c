"""HTTP hardening: the security headers every page carries (a strict Content-Security-Policy,
no framing, no sniffing, HSTS over HTTPS), the cookie flags of a login in production-like
settings, and the password rules on registration and password change."""

import pytest
from django.test import Client

from tests.accounts.test_views import enterprise_form
from tests.conftest import english_client
from tests.factories import PASSWORD, UserFactory

POLICY = (
    "default-src 'self'; script-src 'self'; object-src 'none'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def directives(header: str) -> dict[str, str]:
    return dict(part.strip().partition(" ")[::2] for part in header.split(";"))


@pytest.fixture(name="english_client")
def english_client_fixture() -> Client:
    return english_client()


@pytest.fixture
def production_like(settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    return settings


@pytest.mark.django_db
def test_a_page_carries_the_security_headers(english_client, production_like):
    response = english_client.get("/accounts/login/", secure=True)

    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == directives(POLICY)
    assert "unsafe" not in response["Content-Security-Policy"]
    assert (
        response["X-Frame-Options"],
        response["X-Content-Type-Options"],
        response["Referrer-Policy"],
        response["Strict-Transport-Security"],
        response["Cross-Origin-Opener-Policy"],
    ) == ("DENY", "nosniff", "same-origin", "max-age=31536000; includeSubDomains", "same-origin")


def test_a_logged_in_page_carries_the_policy_too(client_for, staff_xj):
    response = client_for(staff_xj).get("/problems/")

    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == directives(POLICY)
    assert response["X-Frame-Options"] == "DENY"


def test_only_the_admin_may_use_inline_styles_and_the_one_export_handler(client_for, admin_user):
    response = client_for(admin_user).get("/admin/accounts/user/")

    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["style-src"] == "'self' 'unsafe-inline'"
    assert policy["script-src"] == (
        "'self' 'unsafe-hashes' 'sha256-wid4zL8fR53ZYy1ljOepzR77Dn6vWUUxuNnnWWBP3I8='"
    )
    assert (policy["object-src"], policy["frame-ancestors"]) == ("'none'", "'none'")


@pytest.mark.django_db
def test_login_cookies_are_secure_http_only_and_same_site(english_client, production_like):
    user = UserFactory(username="cookie_user")
    english_client.get("/accounts/login/", secure=True)

    response = english_client.post(
        "/accounts/login/", {"username": user.username, "password": PASSWORD}, secure=True
    )

    assert response.status_code == 302
    session, csrf = response.cookies["sessionid"], response.cookies["csrftoken"]
    assert (session["secure"], session["httponly"], session["samesite"], session["max-age"]) == (
        True,
        True,
        "Lax",
        8 * 3600,
    )
    assert (csrf["secure"], csrf["httponly"], csrf["samesite"]) == (True, True, "Lax")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Zk3x9", "This password is too short. It must contain at least 8 characters."),
        ("password123", "This password is too common."),
        ("83920174650", "This password is entirely numeric."),
        ("bingbing1", "The password is too similar to the username."),
    ],
)
def test_registration_refuses_a_weak_password(english_client, password, message):
    response = english_client.post(
        "/accounts/register/enterprise/",
        enterprise_form(username="bingbing", password1=password, password2=password),
    )

    assert response.status_code == 200
    assert message in response.context["form"].errors["password1"]


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Zk3x9", "This password is too short. It must contain at least 8 characters."),
        ("qwertyuiop", "This password is too common."),
        ("83920174650", "This password is entirely numeric."),
    ],
)
def test_password_change_refuses_a_weak_password(client_for, ent_a_user, password, message):
    response = client_for(ent_a_user).post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )

    assert response.status_code == 200
    assert message in response.context["form"].errors["new_password2"]
    ent_a_user.refresh_from_db()
    assert ent_a_user.check_password(PASSWORD)
