"""The advisory report list's search and filters (officials, staff, the topics' people)."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Region
from accounts.widgets import SearchableSelect
from experts.text import normalize
from problems.filters import region_prefix_filter, words_q

from ..models import Report, Series, Topic

SEARCH_FIELDS = ("title", "summary", "body")


class ReportFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    year = django_filters.ChoiceFilter(label=_("Year"), choices=())
    series = django_filters.ModelChoiceFilter(label=_("Series"), queryset=Series.objects.all())
    topic = django_filters.ModelChoiceFilter(
        label=_("Research topic"),
        queryset=Topic.objects.none(),
        widget=SearchableSelect(),
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Region"),
        queryset=Region.objects.filter(level__lte=3),
        method="filter_region",
        widget=SearchableSelect(),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Report.Status.choices)

    class Meta:
        model = Report
        fields = ["q", "year", "series", "topic", "region", "status"]

    def __init__(self, *args, with_status: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        visible = self.queryset
        # The choices come from the reports the user may see: no topic of someone else's
        # restricted report shows up in an official's filter.
        years = (
            visible.filter(year__isnull=False)
            .order_by("-year")
            .values_list("year", flat=True)
            .distinct()
        )
        self.filters["year"].extra["choices"] = [(year, str(year)) for year in years]
        self.filters["topic"].queryset = Topic.objects.filter(
            pk__in=visible.filter(topic__isnull=False).values("topic")
        ).order_by("-created_at", "-pk")
        if not with_status:
            # Officials and the topics' people see issued reports only.
            del self.filters["status"]

    def search(self, queryset: QuerySet[Report], name: str, value: str) -> QuerySet[Report]:
        # 「鋰電池」 finds 「锂电池」: the query is also tried in normalised (Simplified) form.
        raw = value.split()
        normalised = normalize(value).split()
        if not raw:
            return queryset
        return queryset.filter(words_q(raw, SEARCH_FIELDS) | words_q(normalised, SEARCH_FIELDS))

    def filter_region(self, queryset: QuerySet[Report], name: str, value) -> QuerySet[Report]:
        """A region matches the reports of its own CAST and of those inside it."""
        return region_prefix_filter(queryset, "region__code", value)
