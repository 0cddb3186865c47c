"""The audit log's search page and the unlocking of locked accounts: for the autonomous
region's CAST staff and platform admins only (accounts.view_audit_log); others get 403."""

import json

import django_filters
import rules
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from import_export import fields

from problems.filters import words_filter
from problems.forms import DateInput
from problems.views import require

from . import audit
from .listing import filtered_page
from .models import AuditEvent
from .tabular import TabularResource


class AuditEventFilter(django_filters.FilterSet):
    user = django_filters.CharFilter(
        label=gettext_lazy("User name"), field_name="username", lookup_expr="icontains"
    )
    action = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("Action"),
        choices=AuditEvent.Action.choices,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    after = django_filters.DateFilter(
        label=gettext_lazy("From"), field_name="when", lookup_expr="date__gte", widget=DateInput()
    )
    before = django_filters.DateFilter(
        label=gettext_lazy("To"), field_name="when", lookup_expr="date__lte", widget=DateInput()
    )
    ip = django_filters.CharFilter(
        label=gettext_lazy("IP address"), field_name="ip", method="filter_ip"
    )
    q = django_filters.CharFilter(
        label=gettext_lazy("Path or target"), method=words_filter(["path", "target_repr"])
    )

    class Meta:
        model = AuditEvent
        fields = ["user", "action", "after", "before", "ip", "q"]

    def filter_ip(self, queryset, name, value):
        """An address, or the start of one (`10.1.` for a network)."""
        value = value.strip()
        return queryset.filter(ip__startswith=value) if value else queryset


def events_visible_to(user):
    """The whole log for those who may see it (accounts.view_audit_log), nothing otherwise."""
    if not rules.has_perm("accounts.view_audit_log", user):
        return AuditEvent.objects.none()
    return AuditEvent.objects.select_related("target_type").order_by("-when", "-pk")


class AuditEventResource(TabularResource):
    """The filtered log as a spreadsheet (data:export "audit"; export only)."""

    when = fields.Field("when", "时间")
    username = fields.Field("username", "用户名")
    action = fields.Field("action", "操作")
    ip = fields.Field("ip", "IP地址")
    method = fields.Field("method", "方法")
    path = fields.Field("path", "路径")
    target_type = fields.Field("target_type", "对象类型")
    target_id = fields.Field("target_id", "对象编号")
    target_repr = fields.Field("target_repr", "对象")
    detail = fields.Field("detail", "详情")

    class Meta:
        model = AuditEvent
        fields = (
            "when",
            "username",
            "action",
            "ip",
            "method",
            "path",
            "target_type",
            "target_id",
            "target_repr",
            "detail",
        )
        export_order = fields

    def export_value(self, field, instance, **kwargs):
        name = field.attribute
        if name == "when":
            return timezone.localtime(instance.when).strftime("%Y-%m-%d %H:%M:%S")
        if name == "action":
            return str(instance.get_action_display())
        if name == "target_type":
            return str(instance.target_type.name) if instance.target_type else ""
        if name == "detail":
            return json.dumps(instance.detail, ensure_ascii=False, sort_keys=True)
        value = getattr(instance, name)
        return "" if value is None else str(value)


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    require(request, "accounts.view_audit_log")
    queryset = events_visible_to(request.user)
    filterset = AuditEventFilter(request.GET or None, queryset=queryset)
    context = filtered_page(request, filterset)
    context["locked"] = audit.locked_usernames()
    context["may_unlock"] = rules.has_perm("accounts.unlock_account", request.user)
    return render(request, "accounts/audit_list.html", context)


@login_required
@require_POST
def audit_unlock(request: HttpRequest) -> HttpResponse:
    require(request, "accounts.unlock_account")
    username = request.POST.get("username", "").strip()[:150]
    if username and audit.is_locked(username):
        audit.unlock(username, request=request)
        messages.success(request, _("%(name)s can log in again.") % {"name": username})
    else:
        messages.info(request, _("%(name)s is not locked.") % {"name": username or "—"})
    return redirect(reverse("audit_list") + "?" + urlencode({"user": username}))
