"""Login lockout (accounts.forms.LoginForm, accounts.audit): LOGIN_FAILURE_LIMIT failures for one
name, or LOGIN_FAILURE_IP_LIMIT from one address, within LOGIN_FAILURE_WINDOW lock logins out,
even with the right password, until the window passes or staff unlock the account."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts import audit
from accounts.models import AuditEvent
from tests.conftest import english_client
from tests.factories import PASSWORD

Action = AuditEvent.Action
LOCKED = (
    "Too many failed logins for this account: it is locked for 15 minutes. Try again later, "
    "or ask the CAST staff to unlock it."
)
IP_BLOCKED = "Too many failed logins from your network address. Try again in 15 minutes."
INVALID = (
    "Please enter a correct username and password. Note that both fields may be case-sensitive."
)


def attempt(client, username, password="wrong-password", **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def errors(response) -> list[str]:
    return response.context["form"].non_field_errors()


def actions(username):
    return list(
        AuditEvent.objects.filter(username=username)
        .order_by("when", "pk")
        .values_list("action", flat=True)
    )


@pytest.fixture
def client():
    return english_client()


@pytest.mark.django_db
def test_the_fifth_failure_locks_the_account_and_the_right_password_is_then_refused(
    client, ent_a_user
):
    for _ in range(4):
        assert errors(attempt(client, "ent_a")) == [INVALID]
    assert errors(attempt(client, "ent_a")) == [LOCKED]

    response = attempt(client, "ent_a", PASSWORD)

    assert response.status_code == 200
    assert errors(response) == [LOCKED]
    assert "_auth_user_id" not in client.session
    # Refused attempts are not failures: the lock runs one window from when it was set.
    assert actions("ent_a") == [Action.LOGIN_FAILED] * 5 + [Action.LOCKOUT]
    lockout = AuditEvent.objects.get(action=Action.LOCKOUT)
    assert (lockout.user, lockout.ip, lockout.detail) == (
        ent_a_user,
        "127.0.0.1",
        {"failures": 5, "window": 900},
    )


@pytest.mark.django_db
def test_four_failures_then_the_right_password_logs_in_and_starts_the_count_again(
    client, ent_a_user
):
    for _ in range(4):
        attempt(client, "ent_a")
    assert attempt(client, "ent_a", PASSWORD).status_code == 302
    client = english_client()
    for _ in range(4):
        assert errors(attempt(client, "ent_a")) == [INVALID]

    assert attempt(client, "ent_a", PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(action=Action.LOCKOUT).count() == 0


@pytest.mark.django_db
def test_a_lock_ends_when_the_window_has_passed(client, ent_a_user):
    past = timezone.now() - timedelta(minutes=16)
    for _ in range(5):
        AuditEvent.objects.create(action=Action.LOGIN_FAILED, username="ent_a", when=past)
    AuditEvent.objects.create(action=Action.LOCKOUT, username="ent_a", when=past)
    assert not audit.is_locked("ent_a")

    assert attempt(client, "ent_a", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_failures_older_than_the_window_do_not_count(client, ent_a_user):
    past = timezone.now() - timedelta(minutes=16)
    for _ in range(4):
        AuditEvent.objects.create(action=Action.LOGIN_FAILED, username="ent_a", when=past)

    assert errors(attempt(client, "ent_a")) == [INVALID]
    assert not audit.is_locked("ent_a")


@pytest.mark.django_db
def test_the_limit_and_the_window_are_settings(client, ent_a_user, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.LOGIN_FAILURE_WINDOW = 120
    attempt(client, "ent_a")
    response = attempt(client, "ent_a")

    assert errors(response) == [LOCKED.replace("15 minutes", "2 minutes")]


@pytest.mark.django_db
def test_an_unknown_name_is_locked_too_and_its_failures_are_kept(client):
    for _ in range(5):
        attempt(client, "nobody")

    assert actions("nobody") == [Action.LOGIN_FAILED] * 5 + [Action.LOCKOUT]
    assert AuditEvent.objects.filter(username="nobody", user__isnull=False).count() == 0
    assert errors(attempt(client, "nobody")) == [LOCKED]


@pytest.mark.django_db
def test_one_address_trying_many_names_is_blocked(client, ent_a_user, settings):
    settings.LOGIN_FAILURE_IP_LIMIT = 3
    for name in ("a1", "a2"):
        assert errors(attempt(client, name)) == [INVALID]
    assert errors(attempt(client, "a3")) == [IP_BLOCKED]

    # Even a right password from that address is refused; other addresses are not.
    assert errors(attempt(client, "ent_a", PASSWORD)) == [IP_BLOCKED]
    assert attempt(client, "ent_a", PASSWORD, REMOTE_ADDR="10.0.0.9").status_code == 302
    lockout = AuditEvent.objects.get(action=Action.LOCKOUT)
    assert (lockout.username, lockout.detail["ip"], lockout.detail["failures"]) == (
        "",
        "127.0.0.1",
        3,
    )


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_forwarded_address_counts(client, settings):
    settings.TRUSTED_PROXY_HOPS = 1
    attempt(client, "x", HTTP_X_FORWARDED_FOR="203.0.113.5, 198.51.100.7")

    assert AuditEvent.objects.get().ip == "198.51.100.7"


@pytest.mark.django_db
def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(client):
    attempt(client, "x", HTTP_X_FORWARDED_FOR="203.0.113.5")

    assert AuditEvent.objects.get().ip == "127.0.0.1"


def _lock(username):
    for _ in range(5):
        attempt(english_client(), username)
    assert audit.is_locked(username)


@pytest.mark.django_db
def test_root_staff_unlock_an_account_from_the_audit_page(client_for, staff_xj, ent_a_user):
    _lock("ent_a")
    staff = client_for(staff_xj)
    page = staff.get(reverse("audit_list"))
    assert page.context["locked"] == ["ent_a"]

    response = staff.post(reverse("audit_unlock"), {"username": "ent_a"})

    assert response.status_code == 302
    assert not audit.is_locked("ent_a")
    unlock = AuditEvent.objects.get(action=Action.UNLOCK)
    assert (unlock.user, unlock.username, unlock.target_repr, unlock.detail) == (
        ent_a_user,
        "ent_a",
        str(ent_a_user),
        {"by": "staff_xj", "by_id": staff_xj.pk},
    )
    assert attempt(english_client(), "ent_a", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_an_unknown_name_is_unlocked_too(client_for, admin_user):
    _lock("nobody")

    client_for(admin_user).post(reverse("audit_unlock"), {"username": "nobody"})

    assert not audit.is_locked("nobody")


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["staff_tc", "ent_a_user", "expert_user", "official_user"])
def test_others_may_not_unlock(request, client_for, who, ent_b_user):
    _lock("ent_b")

    response = client_for(request.getfixturevalue(who)).post(
        reverse("audit_unlock"), {"username": "ent_b"}
    )

    assert response.status_code == 403
    assert audit.is_locked("ent_b")


@pytest.mark.django_db
def test_the_user_admin_unlocks_the_selected_accounts(admin_user, ent_a_user, ent_b_user):
    _lock("ent_a")
    _lock("ent_b")
    model_admin = admin.site._registry[type(ent_a_user)]
    request = RequestFactory().post("/admin/accounts/user/")
    request.user = admin_user
    request.session = {}
    request._messages = FallbackStorage(request)

    model_admin.unlock_accounts(
        request, type(ent_a_user).objects.filter(pk__in=[ent_a_user.pk, ent_b_user.pk])
    )

    assert not audit.is_locked("ent_a")
    assert not audit.is_locked("ent_b")
    assert AuditEvent.objects.filter(action=Action.UNLOCK).count() == 2


@pytest.mark.django_db
def test_the_admin_login_sends_to_the_site_login_with_its_lockout(client, admin_user):
    response = client.post(
        reverse("admin:login") + "?next=/admin/accounts/user/",
        {"username": "admin", "password": PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/accounts/user/"
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_admin_login_refuses_a_logged_in_user_without_admin_access(client_for, ent_a_user):
    assert client_for(ent_a_user).get(reverse("admin:login") + "?next=/admin/").status_code == 403


@pytest.mark.django_db
def test_the_admin_login_sends_an_admin_on_but_never_off_site(client_for, admin_user):
    client = client_for(admin_user)
    response = client.get(reverse("admin:login") + "?next=https://evil.example/")

    assert response["Location"] == "/admin/"
