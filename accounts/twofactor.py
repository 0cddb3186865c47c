"""Two-factor login with an authenticator app: RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30-second
steps), optional for every user and recommended to staff and officials.

Set-up (the "Two-factor login" page of the account menu): a new secret is shown as text and as
the QR code of its otpauth:// address; a code from the app enables it; turning it off takes a
code too. At login, a user with an enabled app gives the password first (LoginView below,
with the lockout of accounts.forms.LoginForm), then a code (login_totp): only then is the user
logged in. A code is accepted in its own step or the one before or after (clocks drift), and
only once; MAX_ATTEMPTS wrong codes end the half-login, and each counts as a failed login
towards the account's lockout. A lost phone: a platform admin resets the user's two-factor
login in the user admin (accounts.admin)."""

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote, urlencode

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from . import audit
from .models import AuditEvent, TOTPDevice, User

DIGITS = 6
STEP_SECONDS = 30
# Steps accepted either side of the current one (a phone's clock a little off).
DRIFT_STEPS = 1
# Wrong codes one half-login may try before the password has to be given again.
MAX_ATTEMPTS = 5
# How long the code step waits after the password (seconds).
PENDING_SECONDS = 300
ISSUER = "zhiku"
PENDING = "twofactor_pending"


# --- RFC 6238 ---------------------------------------------------------------------------------


def new_secret() -> str:
    """160 random bits (RFC 4226's recommended length), base32 as authenticator apps take it."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def time_step(at: float | None = None) -> int:
    return int((time.time() if at is None else at) // STEP_SECONDS)


def totp_code(secret: str, step: int) -> str:
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def totp_verify(device: TOTPDevice, code: str, *, at: float | None = None) -> bool:
    """True if `code` is the device's code for the current step or a neighbouring one, and no
    code of that step or a later one was accepted before (no replay). Accepting a code records
    its step, atomically: of two requests with the same code, one wins."""
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isdigit():
        return False
    now = time_step(at)
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if step > device.last_step and hmac.compare_digest(totp_code(device.secret, step), code):
            used = TOTPDevice.objects.filter(pk=device.pk, last_step__lt=step).update(
                last_step=step
            )
            if used:
                device.last_step = step
            return bool(used)
    return False


def provisioning_uri(device: TOTPDevice) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    label = quote(f"{ISSUER}:{device.user.get_username()}")
    query = urlencode(
        {"secret": device.secret, "issuer": ISSUER, "digits": DIGITS, "period": STEP_SECONDS}
    )
    return f"otpauth://totp/{label}?{query}"


def qr_data_uri(text: str) -> str:
    """The QR code of `text` as an SVG data: address for an <img> (the CSP allows data:
    images; an SVG in an <img> runs no script)."""
    return segno.make(text, error="m").svg_data_uri(scale=5, border=2, dark="#000", light="#fff")


# --- services ---------------------------------------------------------------------------------


def enabled_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def totp_setup(user: User) -> TOTPDevice:
    """A new secret for `user` to scan, replacing one not yet confirmed. Refused (ValueError)
    while two-factor login is enabled: it has to be turned off first."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user).first()
        if device is not None and device.enabled:
            raise ValueError("two-factor login is already enabled")
        if device is None:
            return TOTPDevice.objects.create(user=user, secret=new_secret())
        device.secret, device.created_at, device.last_step = new_secret(), timezone.now(), 0
        device.save(update_fields=["secret", "created_at", "last_step"])
        return device


def totp_enable(device: TOTPDevice, code: str, *, request: HttpRequest | None = None) -> bool:
    """Enable the device if `code` is right (an audit event `totp_enabled`)."""
    if device.enabled or not totp_verify(device, code):
        return False
    device.confirmed_at = timezone.now()
    device.save(update_fields=["confirmed_at"])
    audit.record(AuditEvent.Action.TOTP_ENABLED, request=request, user=device.user)
    return True


def totp_disable(device: TOTPDevice, code: str, *, request: HttpRequest | None = None) -> bool:
    """Turn two-factor login off if `code` is right (an audit event `totp_disabled`)."""
    if not device.enabled or not totp_verify(device, code):
        return False
    device.delete()
    audit.record(AuditEvent.Action.TOTP_DISABLED, request=request, user=device.user)
    return True


def totp_reset(user: User, *, by: User, request: HttpRequest | None = None) -> bool:
    """An admin turns off the two-factor login of `user` (a lost phone). True if it was on
    or being set up; the audit event names the admin."""
    deleted, _detail = TOTPDevice.objects.filter(user=user).delete()
    if deleted:
        audit.record(
            AuditEvent.Action.TOTP_DISABLED,
            request=request,
            user=user,
            target=user,
            detail={"reset_by": by.get_username(), "reset_by_id": by.pk},
        )
    return bool(deleted)


# --- forms and views --------------------------------------------------------------------------


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if len(code) != DIGITS or not code.isdigit():
            raise forms.ValidationError(gettext_lazy("Enter the 6 digits your app shows."))
        return code


class LoginView(auth_views.LoginView):
    """Django's login; for a user with two-factor login enabled, the right password leads to
    the code step instead of logging in."""

    def form_valid(self, form):
        user = form.get_user()
        if enabled_device(user) is None:
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "since": time.time(),
            "attempts": 0,
            "next": self.get_success_url(),
        }
        return redirect("login_totp")


def allowed_next(request: HttpRequest, target: str) -> str | None:
    """`target` when it is an address of this site, safe to go to after a login; else None."""
    if url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def _give_up(request: HttpRequest, message: str) -> HttpResponse:
    request.session.pop(PENDING, None)
    messages.error(request, message)
    return redirect("login")


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def login_totp(request: HttpRequest) -> HttpResponse:
    """The second step of a login: the code from the user's authenticator app."""
    if request.user.is_authenticated:
        return redirect("home")
    pending = request.session.get(PENDING)
    if not pending:
        return redirect("login")
    user = get_user_model()._default_manager.filter(pk=pending["user"], is_active=True).first()
    device = enabled_device(user) if user is not None else None
    if device is None or time.time() - pending["since"] > PENDING_SECONDS:
        return _give_up(request, _("Please log in again: the code was not given in time."))
    if audit.is_locked(user.get_username()):
        return _give_up(request, _("Too many failed logins for this account: it is locked."))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp_verify(device, form.cleaned_data["code"]):
            del request.session[PENDING]
            auth_login(request, user, backend=pending["backend"])
            return redirect(allowed_next(request, pending["next"]) or "home")
        pending["attempts"] += 1
        request.session[PENDING] = pending
        audit.record(
            AuditEvent.Action.LOGIN_FAILED,
            request=request,
            user=user,
            detail={"factor": "totp", "attempt": pending["attempts"]},
        )
        if audit.lock_if_needed(user.get_username(), request=request):
            return _give_up(request, _("Too many failed logins for this account: it is locked."))
        if pending["attempts"] >= MAX_ATTEMPTS:
            return _give_up(request, _("Too many wrong codes. Please log in again."))
        form.add_error("code", _("That code is not right, or it was used already."))
    return render(request, "registration/login_totp.html", {"form": form})


@sensitive_post_parameters("code")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def twofactor_settings(request: HttpRequest) -> HttpResponse:
    """Set up, confirm or turn off the user's two-factor login (POST `action`: start, enable,
    disable)."""
    device = TOTPDevice.objects.filter(user=request.user).first()
    form = CodeForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "start" and (device is None or not device.enabled):
            totp_setup(request.user)
            return redirect("twofactor")
        if action in {"enable", "disable"} and device is not None:
            form = CodeForm(request.POST)
            if form.is_valid():
                change = totp_enable if action == "enable" else totp_disable
                if change(device, form.cleaned_data["code"], request=request):
                    messages.success(
                        request,
                        _("Two-factor login is on: you will be asked for a code at each login.")
                        if action == "enable"
                        else _("Two-factor login is off."),
                    )
                    return redirect("twofactor")
                form.add_error("code", _("That code is not right, or it was used already."))
    context = {"device": device, "form": form}
    if device is not None and not device.enabled:
        secret = device.secret
        context["secret_groups"] = [secret[i : i + 4] for i in range(0, len(secret), 4)]
        context["qr"] = qr_data_uri(provisioning_uri(device))
    return render(request, "accounts/twofactor.html", context)
