import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Region
from accounts.widgets import SearchableSelect

from .forms import DateInput
from .models import Campaign, Category, Enterprise, Industry, Problem


def region_prefix_filter(queryset, name, value):
    """A region matches itself and everything inside it."""
    return queryset.filter(**{f"{name}__startswith": value.prefix}) if value else queryset


def words_q(terms, fields) -> Q:
    """Every term (a string is split at white space) in at least one of the fields."""
    query = Q()
    for term in terms.split() if isinstance(terms, str) else terms:
        term_q = Q()
        for field in fields:
            term_q |= Q(**{f"{field}__icontains": term})
        query &= term_q
    return query


def words_filter(fields):
    """A FilterSet method: every word of the value in at least one of the fields."""

    def method(queryset, name, value):
        return queryset.filter(words_q(value, fields))

    return method


class ProblemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method=words_filter(["title", "number", "ref", "enterprise__name", "bottleneck"]),
    )
    status = django_filters.MultipleChoiceFilter(
        # A column of the row itself: no join, so no DISTINCT over whole rows.
        distinct=False,
        label=_("Status"),
        choices=Problem.Status.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    campaign = django_filters.ModelChoiceFilter(
        label=_("Campaign"), queryset=Campaign.objects.all()
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Region"),
        field_name="region__code",
        queryset=Region.objects.filter(level__lte=3),
        method=region_prefix_filter,
        widget=SearchableSelect(),
    )
    industry = django_filters.ModelChoiceFilter(
        label=_("Industry"),
        queryset=Industry.objects.all(),
        method="filter_industry",
        widget=SearchableSelect(),
    )
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    submitted_after = django_filters.DateFilter(
        label=_("Submitted from"),
        field_name="submitted_at",
        lookup_expr="date__gte",
        widget=DateInput,
    )
    submitted_before = django_filters.DateFilter(
        label=_("Submitted until"),
        field_name="submitted_at",
        lookup_expr="date__lte",
        widget=DateInput,
    )
    o = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("submitted_at", "submitted"),
            ("number", "number"),
            ("title", "title"),
            ("enterprise__name", "enterprise"),
            ("status", "status"),
            ("updated_at", "updated"),
        ),
        field_labels={
            "submitted_at": _("Submission date"),
            "number": _("Number"),
            "title": _("Title"),
            "enterprise__name": _("Enterprise"),
            "status": _("Status"),
            "updated_at": _("Last change"),
        },
    )

    class Meta:
        model = Problem
        fields = ["q", "status", "campaign", "region", "industry", "category"]

    def __init__(self, *args, campaigns=None, with_drafts=True, **kwargs):
        super().__init__(*args, **kwargs)
        if campaigns is not None:
            self.filters["campaign"].queryset = campaigns
        if not with_drafts:
            # Staff never see drafts, so offering the choice would only confuse.
            self.filters["status"].extra["choices"] = [
                choice for choice in Problem.Status.choices if choice[0] != Problem.Status.DRAFT
            ]

    def filter_industry(self, queryset, name, value):
        if not value:
            return queryset
        if value.parent_id is None:
            return queryset.filter(industry__parent=value)
        return queryset.filter(industry=value)


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method=words_filter(["name", "credit_code", "contact_name"])
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Enterprise.Status.choices)
    region = django_filters.ModelChoiceFilter(
        label=_("Region"),
        field_name="region__code",
        queryset=Region.objects.all(),
        method=region_prefix_filter,
        widget=SearchableSelect(),
    )
    industry = django_filters.ModelChoiceFilter(
        label=_("Industry"),
        queryset=Industry.objects.filter(parent__isnull=False),
        widget=SearchableSelect(),
    )
    o = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("name", "name"), ("created_at", "registered"), ("status", "status")),
        field_labels={
            "name": _("Enterprise name"),
            "created_at": _("Registered"),
            "status": _("Status"),
        },
    )

    class Meta:
        model = Enterprise
        fields = ["q", "status", "region", "industry"]


class CampaignFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method=words_filter(["title", "description"]))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Campaign.Status.choices)

    class Meta:
        model = Campaign
        fields = ["q", "status"]
