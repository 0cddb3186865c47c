"""In-app notifications (the bell in the header), each usually with the same text by e-mail.

`notify` writes the row at once and sends the e-mail after the surrounding transaction
commits, through a task when a broker is configured, so a rolled-back action sends nothing."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Notification, User


def notify(user: User, *, title: str, body: str = "", url: str = "", email: bool = True):
    notification = Notification.objects.create(user=user, title=title, body=body, url=url)
    if email and user.email:
        from .tasks import enqueue, send_email_task

        transaction.on_commit(
            lambda: enqueue(send_email_task, user.email, title, _email_body(body, url))
        )
    return notification


def _email_body(body: str, url: str) -> str:
    if not url:
        return body
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{body}\n\n{base}{url}" if body else f"{base}{url}"


def notifications_mark_read(user: User, ids: list[int] | None = None) -> int:
    """Mark the given notifications (or all) of the user as read; returns how many."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
