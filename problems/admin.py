from django.contrib import admin
from import_export.admin import ExportMixin, ImportExportMixin

from accounts.tabular import TabularAdminMixin

from .models import (
    Attachment,
    Campaign,
    CampaignEvent,
    Enterprise,
    EnterpriseEvent,
    Industry,
    Problem,
    ProblemEvent,
    Sequence,
)
from .resources import EnterpriseResource, ProblemResource


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent"]
    search_fields = ["code", "name"]
    list_filter = ["parent"]


class EnterpriseEventInline(admin.TabularInline):
    model = EnterpriseEvent
    extra = 0
    readonly_fields = ["actor", "from_status", "to_status", "reason", "created_at"]
    can_delete = False


@admin.register(Enterprise)
class EnterpriseAdmin(TabularAdminMixin, ExportMixin, admin.ModelAdmin):
    resource_classes = [EnterpriseResource]
    list_display = ["name", "credit_code", "region", "industry", "status", "created_at"]
    list_filter = ["status", "industry__parent"]
    search_fields = ["name", "credit_code", "contact_name"]
    autocomplete_fields = ["region", "industry"]
    list_select_related = ["region", "industry"]
    readonly_fields = ["status", "verified_at", "verified_by"]
    inlines = [EnterpriseEventInline]


class CampaignEventInline(admin.TabularInline):
    model = CampaignEvent
    extra = 0
    readonly_fields = ["actor", "from_status", "to_status", "created_at"]
    can_delete = False


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "region", "opens_on", "closes_on", "cap_per_unit", "status"]
    list_filter = ["status"]
    search_fields = ["title"]
    autocomplete_fields = ["region"]
    # Status changes go through the service so each has an event row.
    readonly_fields = ["status"]
    inlines = [CampaignEventInline]


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    readonly_fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    fields = readonly_fields


class ProblemEventInline(admin.TabularInline):
    model = ProblemEvent
    extra = 0
    readonly_fields = ["actor", "from_status", "to_status", "reason", "internal_note", "created_at"]
    can_delete = False


@admin.register(Problem)
class ProblemAdmin(TabularAdminMixin, ImportExportMixin, admin.ModelAdmin):
    resource_classes = [ProblemResource]
    list_display = ["number", "title", "enterprise", "category", "region", "status", "submitted_at"]
    list_filter = ["status", "category", "confidentiality", "campaign"]
    search_fields = ["number", "ref", "title", "enterprise__name"]
    autocomplete_fields = ["enterprise", "region", "industry", "campaign"]
    list_select_related = ["enterprise", "region"]
    # State changes go through the workflow service so every change has an event row.
    readonly_fields = ["status", "number", "submitted_at"]
    inlines = [AttachmentInline, ProblemEventInline]


@admin.register(ProblemEvent)
class ProblemEventAdmin(admin.ModelAdmin):
    list_display = ["problem", "from_status", "to_status", "actor", "created_at"]
    list_filter = ["to_status"]
    search_fields = ["problem__number", "problem__title", "reason"]
    list_select_related = ["problem", "actor"]


@admin.register(Sequence)
class SequenceAdmin(admin.ModelAdmin):
    list_display = ["name", "last"]
    search_fields = ["name"]


@admin.register(EnterpriseEvent)
class EnterpriseEventAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "from_status", "to_status", "actor", "created_at"]
    list_filter = ["to_status"]
    search_fields = ["enterprise__name", "reason"]
    list_select_related = ["enterprise", "actor"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "problem", "content_type", "size", "uploaded_at"]
    list_filter = ["content_type"]
    search_fields = ["original_name", "problem__number", "problem__title"]
    list_select_related = ["problem"]
    readonly_fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
