from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .notifications import unread_count


def notifications(request: HttpRequest) -> dict:
    """`unread_notifications` for the header's badge: counted once, and only when a page
    shows it; anonymous visitors get nothing (and cost no query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
