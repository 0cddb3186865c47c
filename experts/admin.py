from django.contrib import admin
from import_export.admin import ImportExportMixin

from accounts.tabular import TabularAdminMixin

from .models import DeclaredConflict, Discipline, Expert, ProfileChange, Society, SocietyEvent
from .resources import ExpertResource, SocietyResource
from .search import expert_index


@admin.register(Discipline)
class DisciplineAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name", "former_names"]


class DeclaredConflictInline(admin.TabularInline):
    model = DeclaredConflict
    extra = 0


@admin.register(Expert)
class ExpertAdmin(TabularAdminMixin, ImportExportMixin, admin.ModelAdmin):
    resource_classes = [ExpertResource]
    list_display = ["ref", "name", "employer", "title", "region", "verified", "accepting"]
    list_filter = ["verified", "accepting", "gender"]
    search_fields = ["ref", "name", "employer", "research_directions", "email", "mobile"]
    autocomplete_fields = ["region", "user", "disciplines"]
    list_select_related = ["region"]
    readonly_fields = ["verified_at", "verified_by"]
    inlines = [DeclaredConflictInline]

    def save_model(self, request, obj, form, change):
        # The admin is a write path like any other: the talent search reads search_text.
        expert_index(obj)
        super().save_model(request, obj, form, change)


@admin.register(ProfileChange)
class ProfileChangeAdmin(admin.ModelAdmin):
    list_display = ["expert", "field", "old_value", "new_value", "status", "requested_at"]
    list_filter = ["status", "field"]
    search_fields = ["expert__name", "expert__ref", "new_value"]
    list_select_related = ["expert"]
    # Decisions go through experts.services.profile_change_decide (it applies the value).
    readonly_fields = [field.name for field in ProfileChange._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Society)
class SocietyAdmin(TabularAdminMixin, ImportExportMixin, admin.ModelAdmin):
    resource_classes = [SocietyResource]
    list_display = ["ref", "name", "level", "region", "contact_name"]
    list_filter = ["level"]
    search_fields = ["ref", "name", "description"]
    autocomplete_fields = ["region", "admins", "members", "disciplines"]


@admin.register(SocietyEvent)
class SocietyEventAdmin(admin.ModelAdmin):
    list_display = ["society", "action", "expert", "actor", "created_at"]
    list_filter = ["action"]
    list_select_related = ["society", "expert", "actor"]
    readonly_fields = [field.name for field in SocietyEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
