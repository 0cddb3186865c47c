"""The audit log: who did what, when, from where (accounts.models.AuditEvent).

`record()` is the one way events are written: one INSERT, nothing else. The request (for the
IP address, browser, path and acting user) is the one passed in or, failing that, the one the
AuditMiddleware is handling in this thread or task (`current_request`), so code deep inside a
service or a signal handler can record without having the request handed down.
"""

from contextvars import ContextVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.db import models
from django.http import HttpRequest

from .models import AuditEvent

Action = AuditEvent.Action

_current_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)

USER_AGENT_LENGTH = AuditEvent._meta.get_field("user_agent").max_length
PATH_LENGTH = AuditEvent._meta.get_field("path").max_length
REPR_LENGTH = AuditEvent._meta.get_field("target_repr").max_length


def current_request() -> HttpRequest | None:
    return _current_request.get()


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or, behind TRUSTED_PROXY_HOPS trusted reverse proxies
    (nginx appends the address it saw: `$proxy_add_x_forwarded_for`), the entry of
    X-Forwarded-For that the outermost trusted proxy added. Entries further left were sent by
    the client and may be forged, so they are never used."""
    hops = settings.TRUSTED_PROXY_HOPS
    address = request.META.get("REMOTE_ADDR") or None
    if hops > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    return _valid_ip(address)


def _valid_ip(address: str | None) -> str | None:
    if not address:
        return None
    try:
        validate_ipv46_address(address)
    except ValidationError:
        return None
    return address


def record(
    action: str,
    *,
    request: HttpRequest | None = None,
    user=None,
    target: models.Model | None = None,
    detail: dict | None = None,
    username: str | None = None,
) -> AuditEvent:
    """Write one audit event. `user` defaults to the request's authenticated user; `username`
    (kept even when the user is later deleted) to the user's; `target` is the object acted on;
    `detail` any JSON-serialisable facts (changed fields, export kind and row count...)."""
    request = request if request is not None else current_request()
    if user is None and request is not None:
        request_user = getattr(request, "user", None)
        if request_user is not None and request_user.is_authenticated:
            user = request_user
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    event = AuditEvent(
        action=action,
        user=user,
        username=(username if username is not None else (user.get_username() if user else ""))[
            :150
        ],
        detail=detail or {},
    )
    if request is not None:
        event.ip = client_ip(request)
        event.user_agent = request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH]
        event.path = request.get_full_path()[:PATH_LENGTH]
        event.method = request.method or ""
    if target is not None:
        event.target_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
        event.target_id = str(target.pk)[:64]
        event.target_repr = str(target)[:REPR_LENGTH]
    event.save()
    return event


class AuditMiddleware:
    """Keeps the current request for record() (a context variable: safe across threads and
    tasks); the audit hooks that need the response (denials, staff data changes) are added to
    this class as they are built."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)
