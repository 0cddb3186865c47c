"""The research topic list's filters: staff narrow their scope's topics by state, year,
region, lead, discipline and text; the topics' own people only by state."""

import django_filters
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Region, User
from accounts.widgets import SearchableSelect
from experts.filters import StableOrderingFilter
from experts.models import Discipline
from problems.filters import region_prefix_filter, words_q

from ..models import Topic

FIRST_YEAR = 2020


def year_choices() -> list[tuple[int, int]]:
    """The years topics can have been created in, newest first."""
    return [(year, year) for year in range(timezone.localdate().year, FIRST_YEAR - 1, -1)]


class MyTopicFilter(django_filters.FilterSet):
    """The topics an expert or a society's admin works on."""

    status = django_filters.MultipleChoiceFilter(
        # A column of the row itself: no join, so no DISTINCT over whole rows.
        distinct=False,
        label=_("Status"),
        choices=Topic.Status.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Topic
        fields = ["status"]


class TopicFilter(MyTopicFilter):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        help_text=_("Words from the number or the title."),
    )
    year = django_filters.TypedChoiceFilter(
        label=_("Year"),
        choices=year_choices,
        coerce=int,
        field_name="created_at",
        lookup_expr="year",
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Region"),
        queryset=Region.objects.none(),
        method="filter_region",
        widget=SearchableSelect(),
    )
    lead = django_filters.CharFilter(
        label=_("Lead"),
        method="filter_lead",
        help_text=_("Part of the lead expert's or lead society's name."),
    )
    discipline = django_filters.ModelChoiceFilter(
        label=_("Discipline"),
        queryset=Discipline.objects.all(),
        method="filter_discipline",
        widget=SearchableSelect(),
    )
    o = StableOrderingFilter(
        label=_("Sort by"),
        fields=(
            ("created_at", "created"),
            ("number", "number"),
            ("title", "title"),
            ("status", "status"),
            ("end_date", "end"),
        ),
        field_labels={
            "created_at": _("Creation date"),
            "number": _("Number"),
            "title": _("Title"),
            "status": _("Status"),
            "end_date": _("End date"),
        },
    )

    class Meta:
        model = Topic
        fields = ["q", "status", "year", "region", "lead", "discipline"]

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the regions of the user's scope (the province for root staff and admins).
        prefix = user.scope_prefix() or settings.ROOT_REGION_CODE[:2]
        self.filters["region"].queryset = Region.objects.filter(
            code__startswith=prefix, level__lte=Region.Level.COUNTY
        )

    def search(self, queryset, name, value):
        return queryset.filter(words_q(value, ("number", "title")))

    def filter_region(self, queryset, name, value):
        return region_prefix_filter(queryset, "region__code", value)

    def filter_lead(self, queryset, name, value):
        return queryset.filter(words_q(value, ("lead_expert__name", "lead_society__name")))

    def filter_discipline(self, queryset, name, value):
        """A first-level discipline matches its second-level children too (GB/T 13745 codes
        share the parent's prefix)."""
        return queryset.filter(discipline__code__startswith=value.code) if value else queryset
