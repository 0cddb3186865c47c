from django.contrib import admin
from import_export.admin import ImportExportMixin

from accounts.tabular import TabularAdminMixin

from .models import (
    Assignment,
    AssignmentEvent,
    DeclaredConflict,
    Delegation,
    DelegationEvent,
    Discipline,
    Expert,
    ProblemBrief,
    ProblemConflict,
    ProfileChange,
    Proposal,
    ProposalEvent,
    ProposalItem,
    Reminder,
    Review,
    ReviewAttachment,
    Society,
    SocietyEvent,
)
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


# --- the assignment workflow ------------------------------------------------------------------
# Read-mostly: states change through experts.services (events, notifications), not here.


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    """A workflow row's history, read-only."""

    extra = 0
    can_delete = False
    readonly_fields = ["actor", "from_status", "to_status", "reason", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


class AssignmentEventInline(EventInline):
    model = AssignmentEvent


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["problem", "expert", "status", "due_date", "invited_by", "invited_at"]
    list_filter = ["status", "decline_reason"]
    search_fields = ["expert__name", "expert__ref", "problem__number", "problem__title"]
    list_select_related = ["problem", "expert", "invited_by"]
    inlines = [AssignmentEventInline]


@admin.register(AssignmentEvent)
class AssignmentEventAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "from_status", "to_status", "actor", "created_at"]
    list_filter = ["to_status"]
    list_select_related = ["assignment", "actor"]


class DelegationEventInline(EventInline):
    model = DelegationEvent


@admin.register(Delegation)
class DelegationAdmin(ReadOnlyAdmin):
    list_display = ["problem", "society", "status", "experts_wanted", "due_date", "created_at"]
    list_filter = ["status"]
    search_fields = ["society__name", "problem__number", "problem__title"]
    list_select_related = ["problem", "society"]
    inlines = [DelegationEventInline]


@admin.register(ProblemBrief)
class ProblemBriefAdmin(admin.ModelAdmin):
    list_display = ["problem", "title", "updated_by", "updated_at"]
    search_fields = ["title", "problem__number", "problem__title"]
    list_select_related = ["problem", "updated_by"]
    raw_id_fields = ["problem"]
    filter_horizontal = ["released_attachments"]
    readonly_fields = ["updated_by", "updated_at"]


@admin.register(ProblemConflict)
class ProblemConflictAdmin(admin.ModelAdmin):
    list_display = ["expert", "problem", "recorded_by", "created_at"]
    search_fields = ["expert__name", "expert__ref", "problem__number"]
    list_select_related = ["expert", "problem", "recorded_by"]
    raw_id_fields = ["expert", "problem"]
    readonly_fields = ["recorded_by", "created_at"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "kind", "sent_at"]
    list_filter = ["kind"]
    list_select_related = ["assignment"]


class ReviewAttachmentInline(admin.TabularInline):
    model = ReviewAttachment
    extra = 0
    can_delete = False
    readonly_fields = ["file", "original_name", "content_type", "size", "uploaded_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "status", "submitted_at", "released_at", "released_named"]
    list_filter = ["status", "route", "recommend_topic", "released_named"]
    search_fields = ["assignment__expert__name", "assignment__problem__number", "opinion"]
    list_select_related = ["assignment"]
    inlines = [ReviewAttachmentInline]


class ProposalEventInline(EventInline):
    model = ProposalEvent


class ProposalItemInline(admin.TabularInline):
    model = ProposalItem
    extra = 0
    can_delete = False
    readonly_fields = ["problem", "expert", "score", "flags", "flags_confirmed", "added_by_staff"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    """Bulk assignment proposals: computed, edited and published on the staff pages."""

    list_display = [
        "label",
        "status",
        "experts_per_problem",
        "due_date",
        "created_by",
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["label"]
    list_select_related = ["created_by"]
    exclude = ["problems"]
    inlines = [ProposalItemInline, ProposalEventInline]
