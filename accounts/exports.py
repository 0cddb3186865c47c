"""What each list page can export: its permission, its scoped and filtered rows, its Resource.
The export takes the list page's own query string, so it holds exactly the rows on screen
(all pages of them)."""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from django.http import HttpRequest
from django.utils.module_loading import import_string

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def content_disposition(filename: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(filename)}"


@dataclass(frozen=True)
class ExportSpec:
    permission: str
    resource: str
    filterset_class: str
    visible_to: str
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    # Extra arguments the list page gives its FilterSet, from the user.
    filterset_kwargs: Callable[[object], dict] = lambda user: {}

    def filterset(self, request: HttpRequest):
        queryset = import_string(self.visible_to)(request.user)
        data = request.GET.copy()
        data.pop("format", None)
        filterset_class = import_string(self.filterset_class)
        return filterset_class(data, queryset=queryset, **self.filterset_kwargs(request.user))


def _staff_problem_filter_kwargs(user) -> dict:
    """As on the staff problem queue (problems.views.problem_list): the user's campaigns and
    no drafts. Exports are for staff only (problems.list_problems)."""
    from problems.rules import campaigns_visible_to

    return {"campaigns": campaigns_visible_to(user), "with_drafts": False}


EXPORTS = {
    "experts": ExportSpec(
        permission="experts.list_experts",
        resource="experts.resources.ExpertResource",
        filterset_class="experts.filters.ExpertFilter",
        visible_to="experts.rules.experts_visible_to",
        select_related=("region",),
        prefetch_related=("disciplines",),
    ),
    "societies": ExportSpec(
        permission="experts.list_societies",
        resource="experts.resources.SocietyResource",
        filterset_class="experts.filters.SocietyFilter",
        visible_to="experts.rules.societies_visible_to",
        select_related=("region",),
        prefetch_related=("disciplines", "members"),
    ),
    "problems": ExportSpec(
        permission="problems.list_problems",
        resource="problems.resources.ProblemResource",
        filterset_class="problems.filters.ProblemFilter",
        visible_to="problems.rules.problems_visible_to",
        select_related=("enterprise", "industry", "region"),
        filterset_kwargs=_staff_problem_filter_kwargs,
    ),
    "enterprises": ExportSpec(
        permission="problems.list_enterprises",
        resource="problems.resources.EnterpriseResource",
        filterset_class="problems.filters.EnterpriseFilter",
        visible_to="problems.rules.enterprises_visible_to",
        select_related=("region", "industry"),
    ),
    # The audit log page's events (names and addresses: a personal data export).
    "audit": ExportSpec(
        permission="accounts.view_audit_log",
        resource="accounts.audit_views.AuditEventResource",
        filterset_class="accounts.audit_views.AuditEventFilter",
        visible_to="accounts.audit_views.events_visible_to",
        select_related=("target_type",),
    ),
}
