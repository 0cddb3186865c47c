"""The audit log: who did what, when, from where (accounts.models.AuditEvent).

`record()` is the one way events are written: one INSERT, nothing else. The request (for the
IP address, browser, path and acting user) is the one passed in or, failing that, the one the
AuditMiddleware is handling in this thread or task (`current_request`), so code deep inside a
service or a signal handler can record without having the request handed down.
"""

from contextvars import ContextVar
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_ipv46_address
from django.db import models
from django.http import Http404, HttpRequest
from django.urls import Resolver404
from django.utils import timezone

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
    target: models.Model | tuple[type[models.Model], object] | None = None,
    detail: dict | None = None,
    username: str | None = None,
) -> AuditEvent:
    """Write one audit event. `user` defaults to the request's authenticated user; `username`
    (kept even when the user is later deleted) to the user's; `target` is the object acted on
    (or a (model, pk) pair); `detail` any JSON-serialisable facts (changed fields, export kind
    and row count...; dates, decimals and UUIDs are written as strings)."""
    request = request if request is not None else current_request()
    if user is None and request is not None:
        request_user = getattr(request, "user", None)
        if request_user is not None and request_user.is_authenticated:
            user = request_user
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if username is None:
        username = user.get_username() if user is not None else ""
    event = AuditEvent(action=action, user=user, username=username[:150], detail=detail or {})
    if request is not None:
        event.ip = client_ip(request)
        event.user_agent = request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH]
        event.path = request.get_full_path()[:PATH_LENGTH]
        event.method = request.method or ""
    if isinstance(target, tuple):  # (model class, pk): an object known only by its key
        model, pk = target
        event.target_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        event.target_id = str(pk)[:64]
    elif target is not None:
        event.target_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
        event.target_id = str(target.pk)[:64]
        event.target_repr = _short(target)[:REPR_LENGTH]
    event.save()
    return event


# Exports of these kinds (accounts.exports.EXPORTS) hold personal data (names, phones,
# e-mail addresses of experts, enterprise contacts, accounts; the audit log's names and
# addresses): logged as personal_data_export.
PERSONAL_DATA_EXPORTS = frozenset({"experts", "enterprises", "users", "accounts", "audit"})


def record_export(kind: str, rows: int, *, request: HttpRequest | None = None, **detail):
    """An export of `rows` rows of `kind` (a spreadsheet, a CSV)."""
    action = Action.PERSONAL_DATA_EXPORT if kind in PERSONAL_DATA_EXPORTS else Action.EXPORT
    return record(action, request=request, detail={"kind": kind, "rows": rows, **detail})


class Counted:
    """An iterable that counts what passes through it (the rows of a streamed export)."""

    def __init__(self, rows):
        self.rows = rows
        self.count = 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


# --- what the middleware records --------------------------------------------------------------

MUTATING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# POSTs that are not data changes, or are recorded as events of their own.
NOT_DATA_CHANGES = frozenset({"login", "logout", "set_language", "admin:login", "admin:logout"})
# Saves that are bookkeeping, not the data a staff member changed.
IGNORED_MODELS = frozenset({"accounts.auditevent", "sessions.session", "admin.logentry"})
CHANGED_OBJECTS_KEPT = 20

# The objects saved or deleted while the current mutating request is handled.
_changed: ContextVar[list | None] = ContextVar("audit_changed", default=None)


def _is_staff(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and (user.is_staff or user.is_platform_admin or user.is_cast_staff)
    )


def _note_change(sender, instance, kind: str) -> None:
    changed = _changed.get()
    if changed is None or len(changed) >= CHANGED_OBJECTS_KEPT:
        return
    label = sender._meta.label_lower
    if label in IGNORED_MODELS:
        return
    changed.append((instance, kind, str(instance.pk)))


def _on_save(sender, instance, created, raw=False, **kwargs):
    if not raw:
        _note_change(sender, instance, "created" if created else "changed")


def _on_delete(sender, instance, **kwargs):
    _note_change(sender, instance, "deleted")


class AuditMiddleware:
    """Keeps the current request for record() (a context variable: safe across threads and
    tasks) and records, once the response is known:

    - a denial: any 403, and a 404 raised by a view (an object outside the user's scope is
      answered 404) - not the 404 of an address no view answers;
    - a data change: each successful (2xx/3xx) POST/PUT/PATCH/DELETE of staff or an admin,
      with the URL name and arguments, the names (never the values) of the posted fields and
      the objects saved or deleted meanwhile (the one named by the URL's pk, if any, or else
      the first, is the event's target).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        token = _current_request.set(request)
        mutating = request.method in MUTATING_METHODS
        changed_token = _changed.set([]) if mutating else None
        try:
            response = self.get_response(request)
            self._after(request, response)
            return response
        finally:
            if changed_token is not None:
                _changed.reset(changed_token)
            _current_request.reset(token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, (PermissionDenied, Http404)) and not isinstance(
            exception, Resolver404
        ):
            request._audit_exception = exception

    def _after(self, request: HttpRequest, response) -> None:
        status = response.status_code
        exception = getattr(request, "_audit_exception", None)
        if status == 403 or (status == 404 and isinstance(exception, Http404)):
            match = request.resolver_match
            record(
                Action.PERMISSION_DENIED,
                request=request,
                detail={
                    "status": status,
                    "url_name": match.view_name if match else "",
                    "kwargs": _jsonable(match.kwargs) if match else {},
                },
            )
        elif request.method in MUTATING_METHODS and 200 <= status < 400:
            self._data_change(request, status)

    def _data_change(self, request: HttpRequest, status: int) -> None:
        match = request.resolver_match
        if match is None or match.view_name in NOT_DATA_CHANGES:
            return
        if not _is_staff(getattr(request, "user", None)):
            return
        changed = _changed.get() or []
        target = _target(match, changed)
        detail = {
            "url_name": match.view_name,
            "kwargs": _jsonable(match.kwargs),
            "status": status,
            "fields": _posted_fields(request),
            # Model and key only: the __str__ of each could cost a query.
            "objects": [
                {"model": instance._meta.label_lower, "pk": pk, "op": kind}
                for instance, kind, pk in changed
            ],
        }
        record(Action.DATA_CHANGE, request=request, target=target, detail=detail)


def _url_model(match) -> type[models.Model] | None:
    """The model a URL is about, by the project's naming: `<app>:<model>_<verb>`
    (problems:problem_note, consult:report_edit, experts:expert_detail...)."""
    from django.apps import apps

    app_label = match.namespace.split(":")[0] if match.namespace else ""
    name = match.url_name or ""
    if app_label == "admin":  # admin:<app>_<model>_<view>
        app_label, _sep, rest = name.rpartition("_")[0].rpartition("_")
        try:
            return apps.get_model(app_label, rest)
        except (LookupError, ValueError):
            return None
    for end in range(len(name), 0, -1):
        if end < len(name) and name[end] != "_":
            continue
        try:
            return apps.get_model(app_label, name[:end].replace("_", ""))
        except (LookupError, ValueError):
            continue
    return None


def _posted_fields(request: HttpRequest) -> list[str]:
    """The names (never the values) of the fields posted, as far as they can be read."""
    if request.method != "POST":
        return []
    try:
        names = {*request.POST.keys(), *request.FILES.keys()}
    except Exception:  # a body the view read raw, or one Django cannot parse
        return []
    return sorted(name for name in names if name != "csrfmiddlewaretoken")[:50]


def _target(match, changed: list):
    """The object a staff change is about: the URL's object (<model> and pk), saved meanwhile
    or known by its key only; else the first object of the URL's model saved; else the first
    object saved."""
    model = _url_model(match)
    pk = match.kwargs.get("pk", match.kwargs.get("object_id"))
    if model is not None:
        for instance, kind, saved_pk in changed:
            if isinstance(instance, model) and (pk is None or saved_pk == str(pk)):
                return instance if kind != "deleted" else (model, saved_pk)
        if pk is not None:
            return (model, pk)
    if not changed:
        return None
    instance, kind, saved_pk = changed[0]
    return instance if kind != "deleted" else (type(instance), saved_pk)


def _short(instance) -> str:
    try:
        return str(instance)
    except Exception:  # a __str__ that needs a relation gone meanwhile
        return ""


def _jsonable(kwargs: dict) -> dict:
    return {
        key: value if isinstance(value, int | float) else str(value)
        for key, value in kwargs.items()
    }


# --- logins ------------------------------------------------------------------------------------


def _on_login(sender, request, user, **kwargs):
    record(Action.LOGIN, request=request, user=user)


def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(Action.LOGOUT, request=request, user=user)


def _on_login_failed(sender, credentials, request=None, **kwargs):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    username = str(credentials.get(User.USERNAME_FIELD) or credentials.get("username") or "")
    user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
    record(Action.LOGIN_FAILED, request=request, user=user, username=username[:150])


# --- role and scope changes --------------------------------------------------------------------

ROLE_FIELDS = ("role", "is_staff", "is_superuser", "is_active")
SCOPE_FIELDS = ("region", "government_body", "enterprise")


def _tracked_fields(update_fields) -> list[str]:
    fields = [*ROLE_FIELDS, *SCOPE_FIELDS]
    if update_fields is None:
        return fields
    return [name for name in fields if name in update_fields]


def _user_pre_save(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._audit_before = None
    if raw or instance._state.adding or instance.pk is None:
        return
    fields = _tracked_fields(update_fields)
    if not fields:
        return  # e.g. last_login on every login: no query
    columns = [sender._meta.get_field(name).attname for name in fields]
    instance._audit_before = sender._default_manager.filter(pk=instance.pk).values(*columns).first()


def _user_post_save(sender, instance, created, raw=False, **kwargs):
    before = getattr(instance, "_audit_before", None)
    instance._audit_before = None
    if raw or created or not before:
        return
    for action, fields in ((Action.ROLE_CHANGE, ROLE_FIELDS), (Action.SCOPE_CHANGE, SCOPE_FIELDS)):
        changes = {}
        for name in fields:
            attname = sender._meta.get_field(name).attname
            if attname in before and before[attname] != getattr(instance, attname):
                changes[name] = {"from": before[attname], "to": getattr(instance, attname)}
        if changes:
            record(action, target=instance, detail={"changes": changes})


def _society_admins_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A society admin linked to or unlinked from a society (from either side)."""
    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    if action == "pre_clear":
        related = getattr(instance, "administered_societies" if reverse else "admins")
        pk_set = set(related.values_list("pk", flat=True))
    if not pk_set:
        return
    op = "added" if action == "post_add" else "removed"
    if reverse:  # instance is the user
        record(
            Action.SCOPE_CHANGE,
            target=instance,
            detail={"changes": {"societies": {op: sorted(pk_set)}}},
        )
    else:  # instance is the society; one event per user
        for user in model._default_manager.filter(pk__in=pk_set):
            record(
                Action.SCOPE_CHANGE,
                target=user,
                detail={"changes": {"societies": {op: [instance.pk]}}, "society": str(instance)},
            )


def connect() -> None:
    """Connect the audit's signal receivers (AccountsConfig.ready)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

    from experts.models import Society

    User = get_user_model()
    user_logged_in.connect(_on_login, dispatch_uid="audit_login")
    user_logged_out.connect(_on_logout, dispatch_uid="audit_logout")
    user_login_failed.connect(_on_login_failed, dispatch_uid="audit_login_failed")
    pre_save.connect(_user_pre_save, sender=User, dispatch_uid="audit_user_pre_save")
    post_save.connect(_user_post_save, sender=User, dispatch_uid="audit_user_post_save")
    m2m_changed.connect(
        _society_admins_changed, sender=Society.admins.through, dispatch_uid="audit_society_admins"
    )
    post_save.connect(_on_save, dispatch_uid="audit_data_save")
    post_delete.connect(_on_delete, dispatch_uid="audit_data_delete")


# --- login lockout -----------------------------------------------------------------------------
# The state is read from the log itself, no model of its own: an account is locked by a
# `lockout` event less than LOGIN_FAILURE_WINDOW old that no successful login or `unlock`
# followed; it is locked when LOGIN_FAILURE_LIMIT failures for the name gather within the
# window since its last login, unlock or lockout. Attempts refused while locked are not
# failures: the lock lasts one window from the moment it was set, however often it is tried.

RESETS = (Action.LOGIN, Action.UNLOCK, Action.LOCKOUT)


def _window_start():
    return timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)


def is_locked(username: str) -> bool:
    latest = (
        AuditEvent.objects.filter(username=username, action__in=RESETS)
        .order_by("-when", "-pk")
        .values_list("action", "when")
        .first()
    )
    return bool(latest and latest[0] == Action.LOCKOUT and latest[1] >= _window_start())


def ip_blocked(ip: str | None) -> bool:
    """Too many failures from one address within the window (many names tried)."""
    if not ip:
        return False
    failures = AuditEvent.objects.filter(
        action=Action.LOGIN_FAILED, ip=ip, when__gte=_window_start()
    )
    return failures.count() >= settings.LOGIN_FAILURE_IP_LIMIT


def lock_if_needed(username: str, *, request: HttpRequest | None = None) -> bool:
    """After a failed login for `username`: lock the name (a `lockout` event) when its
    failures reached the limit. True if it is locked now."""
    if not username:
        return False
    since = _window_start()
    reset = (
        AuditEvent.objects.filter(username=username, action__in=RESETS, when__gte=since)
        .order_by("-when", "-pk")
        .values_list("when", flat=True)
        .first()
    )
    failures = AuditEvent.objects.filter(
        username=username, action=Action.LOGIN_FAILED, when__gt=reset or since
    ).count()
    if failures < settings.LOGIN_FAILURE_LIMIT:
        return False
    record(
        Action.LOCKOUT,
        request=request,
        user=_user_named(username),
        username=username,
        detail={"failures": failures, "window": settings.LOGIN_FAILURE_WINDOW},
    )
    return True


def unlock(username: str, *, request: HttpRequest | None = None) -> AuditEvent:
    """Staff lift the lock of a name (an account's, or an unknown name's). The event is about
    the account (its user, name and target, so it counts as the name's reset); who unlocked it
    is in the detail."""
    user = _user_named(username)
    actor = getattr(request, "user", None) if request is not None else None
    return record(
        Action.UNLOCK,
        request=request,
        user=user,
        username=username,
        target=user,
        detail={"by": actor.get_username(), "by_id": actor.pk} if actor else {},
    )


def locked_usernames() -> list[str]:
    """The names locked now, newest lock first (for the staff's unlock list)."""
    recent = (
        AuditEvent.objects.filter(action__in=RESETS, when__gte=_window_start())
        .order_by("-when", "-pk")
        .values_list("username", "action")
    )
    latest: dict[str, str] = {}
    for username, action in recent:
        latest.setdefault(username, action)
    return [name for name, action in latest.items() if action == Action.LOCKOUT and name]


def _user_named(username: str):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    return User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()


def lock_ip_if_needed(ip: str | None, *, request: HttpRequest | None = None) -> bool:
    """After a failed login from `ip`: a `lockout` event (once) when the address reached
    LOGIN_FAILURE_IP_LIMIT failures in the window. True if the address is blocked now."""
    if not ip:
        return False
    failures = AuditEvent.objects.filter(
        action=Action.LOGIN_FAILED, ip=ip, when__gte=_window_start()
    ).count()
    if failures == settings.LOGIN_FAILURE_IP_LIMIT:
        record(
            Action.LOCKOUT,
            request=request,
            username="",
            detail={"ip": ip, "failures": failures, "window": settings.LOGIN_FAILURE_WINDOW},
        )
    return failures >= settings.LOGIN_FAILURE_IP_LIMIT
