"""The one way list pages filter and page their rows."""

from django.core.paginator import Paginator
from django.http import HttpRequest

PAGE_SIZE = 25


def filtered_page(request: HttpRequest, filterset) -> dict:
    """Context for a django-filter list page: the filter, the requested page of its rows, and
    the query string without `page` for the pager links. An invalid filter shows its errors and
    no rows rather than silently listing everything."""
    if filterset.is_bound and not filterset.is_valid():
        rows = filterset.queryset.none()
    else:
        rows = filterset.qs
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "filter": filterset,
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query.urlencode(),
    }
