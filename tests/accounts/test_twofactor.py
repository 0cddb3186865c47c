"""Two-factor login (accounts.twofactor): the RFC 6238 codes, clock drift and replay, the set-up
page, the code step of the login with its attempt limit, and the admins' reset."""

import time

import pytest
from django.test import Client

from accounts.models import AuditEvent, TOTPDevice, User
from accounts.twofactor import (
    MAX_ATTEMPTS,
    PENDING,
    provisioning_uri,
    time_step,
    totp_code,
    totp_verify,
)
from tests.conftest import english_client
from tests.factories import PASSWORD, UserFactory

# RFC 6238 appendix B: the ASCII secret "12345678901234567890", SHA-1; the last 6 of 8 digits.
RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
Action = AuditEvent.Action


def enabled_for(user: User, *, secret: str = RFC_SECRET) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, secret=secret, confirmed_at="2026-12-01T08:00Z")


def code_now(device: TOTPDevice, offset: int = 0) -> str:
    return totp_code(device.secret, time_step() + offset)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def actions_of(user: User) -> list[str]:
    """The user's login and two-factor events (not the staff's data changes)."""
    events = AuditEvent.objects.filter(
        user=user, action__in=[Action.LOGIN, Action.TOTP_ENABLED, Action.TOTP_DISABLED]
    )
    return list(events.order_by("pk").values_list("action", flat=True))


@pytest.fixture(name="english_client")
def english_client_fixture() -> Client:
    return english_client()


# --- the codes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "code"),
    [(59, "287082"), (1111111109, "081804"), (1234567890, "005924"), (20000000000, "353130")],
)
def test_codes_are_those_of_rfc_6238(at, code):
    assert totp_code(RFC_SECRET, time_step(at)) == code


@pytest.mark.django_db
@pytest.mark.parametrize(("drift", "accepted"), [(-2, False), (-1, True), (1, True), (2, False)])
def test_a_code_one_step_off_is_accepted_two_steps_off_refused(ent_a_user, drift, accepted):
    device = enabled_for(ent_a_user)
    at = 1_800_000_000

    assert totp_verify(device, totp_code(RFC_SECRET, time_step(at) + drift), at=at) is accepted


@pytest.mark.django_db
def test_a_code_is_accepted_once_and_no_older_one_after_it(ent_a_user):
    device = enabled_for(ent_a_user)
    at = 1_800_000_000
    step = time_step(at)

    assert totp_verify(device, totp_code(RFC_SECRET, step), at=at) is True
    assert totp_verify(device, totp_code(RFC_SECRET, step), at=at) is False
    assert totp_verify(device, totp_code(RFC_SECRET, step - 1), at=at) is False
    assert totp_verify(device, totp_code(RFC_SECRET, step + 1), at=at) is True
    device.refresh_from_db()
    assert device.last_step == step + 1


@pytest.mark.django_db
def test_the_same_code_from_a_stale_copy_of_the_device_is_refused(ent_a_user):
    """Two requests racing with one code: the second sees the step taken in the database."""
    device = enabled_for(ent_a_user)
    stale = TOTPDevice.objects.get(pk=device.pk)
    code = code_now(device)

    assert totp_verify(device, code) is True
    assert totp_verify(stale, code) is False


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "12 34 5x"])
def test_malformed_codes_are_refused(ent_a_user, code):
    assert totp_verify(enabled_for(ent_a_user), code) is False


@pytest.mark.django_db
def test_the_provisioning_uri_names_the_issuer_the_account_and_the_secret(ent_a_user):
    device = enabled_for(ent_a_user)

    assert provisioning_uri(device) == (
        f"otpauth://totp/zhiku%3Aent_a?secret={RFC_SECRET}&issuer=zhiku&digits=6&period=30"
    )


# --- the set-up page ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_set_up_page_asks_anonymous_visitors_to_log_in(english_client):
    response = english_client.get("/accounts/two-factor/")

    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/login/?next=/accounts/two-factor/",
    )


@pytest.mark.parametrize(
    "who", ["staff_xj", "official_user", "ent_a_user", "expert_user", "society_admin_user"]
)
def test_every_role_can_open_the_set_up_page_from_the_account_menu(client_for, request, who):
    client = client_for(request.getfixturevalue(who))

    home = client.get("/").content.decode()
    page = client.get("/accounts/two-factor/")

    assert 'href="/accounts/two-factor/"' in home
    assert page.status_code == 200
    assert page.context["device"] is None
    assert "Set up two-factor login" in page.content.decode()


def test_setting_up_shows_a_secret_and_its_qr_code_then_a_right_code_enables_it(
    client_for, official_user
):
    client = client_for(official_user)

    started = client.post("/accounts/two-factor/", {"action": "start"})
    page = client.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=official_user)
    wrong = client.post("/accounts/two-factor/", {"action": "enable", "code": "000000"})
    device.refresh_from_db()
    enabled_after_wrong = device.enabled
    right = client.post("/accounts/two-factor/", {"action": "enable", "code": code_now(device)})

    assert started["Location"] == "/accounts/two-factor/"
    html = page.content.decode()
    assert "".join(page.context["secret_groups"]) == device.secret
    assert len(device.secret) == 32
    assert 'src="data:image/svg+xml' in html
    assert " ".join(device.secret[i : i + 4] for i in range(0, 32, 4)) in html
    assert (enabled_after_wrong, wrong.context["form"].errors["code"]) == (
        False,
        ["That code is not right, or it was used already."],
    )
    assert right["Location"] == "/accounts/two-factor/"
    device.refresh_from_db()
    assert device.enabled
    assert actions_of(official_user) == [Action.LOGIN, Action.TOTP_ENABLED]


def test_starting_again_gives_a_new_secret_but_not_while_enabled(client_for, staff_xj):
    client = client_for(staff_xj)
    client.post("/accounts/two-factor/", {"action": "start"})
    first = TOTPDevice.objects.get(user=staff_xj).secret
    client.post("/accounts/two-factor/", {"action": "start"})
    second = TOTPDevice.objects.get(user=staff_xj).secret
    device = TOTPDevice.objects.get(user=staff_xj)
    client.post("/accounts/two-factor/", {"action": "enable", "code": code_now(device)})
    client.post("/accounts/two-factor/", {"action": "start"})

    assert first != second
    assert (TOTPDevice.objects.get(user=staff_xj).secret, TOTPDevice.objects.count()) == (second, 1)


def test_turning_it_off_takes_a_right_code(client_for, staff_xj):
    device = enabled_for(staff_xj)
    client = client_for(staff_xj)

    wrong = client.post("/accounts/two-factor/", {"action": "disable", "code": "12345"})
    still_there = TOTPDevice.objects.filter(user=staff_xj).exists()
    right = client.post("/accounts/two-factor/", {"action": "disable", "code": code_now(device)})

    assert still_there
    assert wrong.context["form"].errors["code"] == ["Enter the 6 digits your app shows."]
    assert right["Location"] == "/accounts/two-factor/"
    assert messages_of(client.get("/accounts/two-factor/")) == ["Two-factor login is off."]
    assert not TOTPDevice.objects.filter(user=staff_xj).exists()
    assert actions_of(staff_xj) == [Action.LOGIN, Action.TOTP_DISABLED]


def test_one_user_cannot_touch_another_users_device(client_for, staff_xj, official_user):
    device = enabled_for(official_user)

    client_for(staff_xj).post(
        "/accounts/two-factor/", {"action": "disable", "code": code_now(device)}
    )

    assert TOTPDevice.objects.get(user=official_user).enabled


# --- the login ---------------------------------------------------------------------------------


def log_in(client: Client, user: User, **extra):
    return client.post(
        "/accounts/login/" + extra.pop("query", ""),
        {"username": user.username, "password": PASSWORD, **extra},
    )


@pytest.mark.django_db
def test_without_two_factor_the_password_alone_logs_in(english_client):
    user = UserFactory(username="plain")

    response = log_in(english_client, user)

    assert response["Location"] == "/"
    assert english_client.session["_auth_user_id"] == str(user.pk)


def test_with_two_factor_the_password_leads_to_the_code_step_only(english_client, official_user):
    enabled_for(official_user)

    response = log_in(english_client, official_user)
    home = english_client.get("/")

    assert response["Location"] == "/accounts/login/code/"
    assert "_auth_user_id" not in english_client.session
    assert home["Location"] == "/accounts/login/?next=/"
    assert english_client.get("/accounts/login/code/").status_code == 200


def test_the_right_code_logs_in_and_goes_on_to_next(english_client, official_user):
    device = enabled_for(official_user)
    log_in(english_client, official_user, query="?next=/consult/reports/")

    response = english_client.post("/accounts/login/code/", {"code": code_now(device)})

    assert response["Location"] == "/consult/reports/"
    assert english_client.session["_auth_user_id"] == str(official_user.pk)
    assert PENDING not in english_client.session
    assert actions_of(official_user) == [Action.LOGIN]


def test_a_wrong_code_is_refused_and_counted_as_a_failed_login(english_client, staff_xj):
    device = enabled_for(staff_xj)
    log_in(english_client, staff_xj)

    response = english_client.post("/accounts/login/code/", {"code": code_now(device, 3)})

    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [
        "That code is not right, or it was used already."
    ]
    assert "_auth_user_id" not in english_client.session
    assert english_client.session[PENDING]["attempts"] == 1
    event = AuditEvent.objects.get(user=staff_xj)
    assert (event.action, event.detail) == (Action.LOGIN_FAILED, {"factor": "totp", "attempt": 1})


def test_a_code_used_once_is_refused_at_the_next_login(english_client, staff_xj):
    device = enabled_for(staff_xj)
    code = code_now(device)
    assert totp_verify(device, code)

    log_in(english_client, staff_xj)
    response = english_client.post("/accounts/login/code/", {"code": code})

    assert response.status_code == 200
    assert "_auth_user_id" not in english_client.session


def test_after_max_attempts_the_half_login_is_discarded(english_client, staff_xj, settings):
    settings.LOGIN_FAILURE_LIMIT = 100  # the account's lockout is not what is tested here
    device = enabled_for(staff_xj)
    log_in(english_client, staff_xj)

    for _attempt in range(MAX_ATTEMPTS - 1):
        english_client.post("/accounts/login/code/", {"code": code_now(device, 5)})
    last = english_client.post("/accounts/login/code/", {"code": code_now(device, 5)}, follow=True)
    late_right_code = english_client.post("/accounts/login/code/", {"code": code_now(device)})

    assert last.redirect_chain == [("/accounts/login/", 302)]
    assert messages_of(last) == ["Too many wrong codes. Please log in again."]
    assert PENDING not in english_client.session
    assert late_right_code["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in english_client.session
    assert AuditEvent.objects.filter(user=staff_xj, action=Action.LOGIN_FAILED).count() == 5


def test_wrong_codes_lock_the_account_like_wrong_passwords(english_client, staff_xj, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    device = enabled_for(staff_xj)
    log_in(english_client, staff_xj)

    for _attempt in range(2):
        english_client.post("/accounts/login/code/", {"code": code_now(device, 5)})
    locked = english_client.post(
        "/accounts/login/code/", {"code": code_now(device, 5)}, follow=True
    )
    again = log_in(english_client, staff_xj)

    assert messages_of(locked) == ["Too many failed logins for this account: it is locked."]
    assert AuditEvent.objects.filter(user=staff_xj, action=Action.LOCKOUT).count() == 1
    assert again.status_code == 200  # the password step refuses the locked account
    assert PENDING not in english_client.session


def test_a_half_login_expires(english_client, staff_xj):
    device = enabled_for(staff_xj)
    log_in(english_client, staff_xj)
    session = english_client.session
    session[PENDING] = session[PENDING] | {"since": time.time() - 301}
    session.save()

    response = english_client.post("/accounts/login/code/", {"code": code_now(device)}, follow=True)

    assert messages_of(response) == ["Please log in again: the code was not given in time."]
    assert "_auth_user_id" not in english_client.session


@pytest.mark.django_db
def test_the_code_step_without_a_password_first_goes_back_to_the_login(english_client):
    response = english_client.post("/accounts/login/code/", {"code": "123456"})

    assert response["Location"] == "/accounts/login/"


def test_an_offsite_next_is_not_followed_after_the_code(english_client, staff_xj):
    device = enabled_for(staff_xj)
    log_in(english_client, staff_xj, query="?next=https://evil.example/")

    response = english_client.post("/accounts/login/code/", {"code": code_now(device)})

    assert response["Location"] == "/"


# --- the admins' reset -------------------------------------------------------------------------


def test_an_admin_resets_a_lost_device(client_for, admin_user, official_user):
    enabled_for(official_user)

    response = client_for(admin_user).post(
        "/admin/accounts/user/",
        {"action": "reset_two_factor", "_selected_action": [official_user.pk]},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Two-factor login reset for 1 account: it logs in with its password alone."
    ]
    assert not TOTPDevice.objects.filter(user=official_user).exists()
    event = AuditEvent.objects.get(action=Action.TOTP_DISABLED)
    assert (event.user, event.detail) == (
        official_user,
        {"reset_by": "admin", "reset_by_id": admin_user.pk},
    )
