import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Region

from .models import Expert


class ExpertFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    verified = django_filters.BooleanFilter(label=_("Verified"))
    region = django_filters.ModelChoiceFilter(
        label=_("Region"),
        queryset=Region.objects.all(),
        method="filter_region",
        widget=forms.Select(attrs={"data-searchable": "1"}),
    )
    o = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("name", "name"), ("employer", "employer"), ("created_at", "registered")),
        field_labels={"name": _("Name"), "employer": _("Employer"), "created_at": _("Registered")},
    )

    class Meta:
        model = Expert
        fields = ["q", "verified", "region"]

    def search(self, queryset, name, value):
        for term in value.split():
            queryset = queryset.filter(
                Q(name__icontains=term)
                | Q(employer__icontains=term)
                | Q(research_directions__icontains=term)
                | Q(ref__icontains=term)
            )
        return queryset

    def filter_region(self, queryset, name, value):
        return queryset.filter(region__code__startswith=value.prefix) if value else queryset
