from django.contrib import admin

from .models import Expert, Society


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ["ref", "name", "employer", "title", "region", "verified", "accepting"]
    list_filter = ["verified", "accepting", "gender"]
    search_fields = ["ref", "name", "employer", "research_directions", "email", "mobile"]
    autocomplete_fields = ["region", "user"]
    list_select_related = ["region"]


@admin.register(Society)
class SocietyAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "region", "contact_name"]
    list_filter = ["level"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["region", "admins", "members"]
