from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import audit
from .models import (
    AuditEvent,
    GovernmentBody,
    ImportJob,
    Notification,
    QueuedTask,
    Region,
    User,
)
from .twofactor import allowed_next, totp_reset


def _admin_login(request, extra_context=None):
    """Nobody logs in on the admin's own login page: the site's login has the lockout and the
    two-factor step, so the admin sends visitors to it. A logged-in user without admin access
    is refused, not sent back to a login page that would send them on to the admin again."""
    target = allowed_next(request, request.GET.get(REDIRECT_FIELD_NAME, ""))
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return redirect(target or reverse("admin:index"))
        raise PermissionDenied
    return redirect_to_login(target or reverse("admin:index"))


admin.site.login = _admin_login


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "role", "region", "enterprise", "is_active"]
    list_filter = ["role", "is_active", "is_superuser"]
    search_fields = ["username", "display_name", "email", "phone"]
    autocomplete_fields = ["region", "enterprise", "government_body"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            _("Role and scope"),
            {
                "fields": (
                    "role",
                    "display_name",
                    "phone",
                    "region",
                    "enterprise",
                    "government_body",
                )
            },
        ),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (
            _("Role and scope"),
            {"fields": ("role", "display_name", "region", "enterprise", "government_body")},
        ),
    )
    actions = ["unlock_accounts", "reset_two_factor"]

    @admin.action(description=_("Unlock the selected accounts (after failed logins)"))
    def unlock_accounts(self, request, queryset):
        names = [user.get_username() for user in queryset if audit.is_locked(user.get_username())]
        for name in names:
            audit.unlock(name, request=request)
        self.message_user(
            request,
            ngettext("%(n)d account unlocked.", "%(n)d accounts unlocked.", len(names))
            % {"n": len(names)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Reset the two-factor login of the selected accounts (lost phone)"))
    def reset_two_factor(self, request, queryset):
        reset = [user for user in queryset if totp_reset(user, by=request.user, request=request)]
        self.message_user(
            request,
            ngettext(
                "Two-factor login reset for %(n)d account: it logs in with its password alone.",
                "Two-factor login reset for %(n)d accounts: they log in with their password alone.",
                len(reset),
            )
            % {"n": len(reset)},
            messages.SUCCESS,
        )


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]


@admin.register(GovernmentBody)
class GovernmentBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "region"]
    search_fields = ["name"]
    list_filter = ["region__level"]
    autocomplete_fields = ["region"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """The record of every import (web, admin, command line); read-only."""

    list_display = ["original_name", "kind", "source", "status", "created_by", "created_at"]
    list_filter = ["kind", "source", "status"]
    search_fields = ["original_name", "created_by__username"]
    list_select_related = ["created_by"]
    readonly_fields = [field.name for field in ImportJob._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(QueuedTask)
class QueuedTaskAdmin(admin.ModelAdmin):
    """Tasks stored while the broker was down, waiting to be sent (every minute); read-only.
    An empty list is the normal state."""

    list_display = ["name", "args", "created_at", "attempts", "last_error"]
    readonly_fields = ["name", "args", "created_at", "attempts", "last_error"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "created_at", "read_at"]
    list_filter = [("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "user__username", "user__display_name"]
    list_select_related = ["user"]
    readonly_fields = ["user", "title", "body", "url", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit log, read-only for everyone, superusers included: nothing is added, changed
    or deleted here (the model and, on PostgreSQL, the database refuse it too)."""

    list_display = ["when", "username", "action", "ip", "method", "path", "target_repr"]
    list_filter = ["action", ("when", admin.DateFieldListFilter)]
    search_fields = ["username", "path", "target_repr", "ip"]
    date_hierarchy = "when"
    list_select_related = ["target_type"]
    readonly_fields = [field.name for field in AuditEvent._meta.fields]
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
