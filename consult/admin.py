"""Topics and reports in the admin: series are configured here; everything else is read-only,
because states, numbers and revisions change only through consult.services."""

from django.contrib import admin

from experts.admin import EventInline, ReadOnlyAdmin

from .models import (
    Adoption,
    Download,
    Instruction,
    Milestone,
    Report,
    ReportEvent,
    ReportRevision,
    Series,
    Topic,
    TopicEvent,
    TopicMember,
)


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "issuing_body", "printing_office", "ordering"]
    search_fields = ["name", "code"]


class TopicEventInline(EventInline):
    model = TopicEvent


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TopicMemberInline(ReadOnlyInline):
    model = TopicMember
    fields = ["expert", "role", "outside", "affiliation_note", "added_at"]


class MilestoneInline(ReadOnlyInline):
    model = Milestone
    fields = ["title", "due_date", "done_on"]


@admin.register(Topic)
class TopicAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "status", "region", "lead_expert", "lead_society"]
    list_filter = ["status", "region"]
    search_fields = ["number", "title", "lead_expert__name", "lead_society__name"]
    list_select_related = ["region", "lead_expert", "lead_society"]
    inlines = [TopicMemberInline, MilestoneInline, TopicEventInline]


class ReportEventInline(EventInline):
    model = ReportEvent


class RevisionInline(ReadOnlyInline):
    model = ReportRevision
    fields = ["number", "title", "author", "created_at", "is_correction", "note"]


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["title", "series", "year", "number", "status", "region", "issued_on"]
    list_filter = ["status", "series", "circulation", "year"]
    search_fields = ["title", "summary"]
    list_select_related = ["series", "region"]
    inlines = [RevisionInline, ReportEventInline]


@admin.register(Download)
class DownloadAdmin(ReadOnlyAdmin):
    list_display = ["code", "report", "user", "body", "created_at", "ip_address"]
    search_fields = ["code", "user__username", "user__display_name", "report__title"]
    list_select_related = ["report", "user", "body"]


@admin.register(Instruction)
class InstructionAdmin(ReadOnlyAdmin):
    list_display = ["report", "leader_name", "level", "date", "body", "recorded_by"]
    list_filter = ["level"]
    list_select_related = ["report", "body", "recorded_by"]


@admin.register(Adoption)
class AdoptionAdmin(ReadOnlyAdmin):
    list_display = ["report", "document", "date", "body", "recorded_by"]
    list_select_related = ["report", "body", "recorded_by"]
