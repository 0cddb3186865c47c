import django_filters
from django import forms
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts.models import Region
from accounts.widgets import SearchableSelect

from .models import (
    Assignment,
    Delegation,
    DeletionRequest,
    Discipline,
    Expert,
    Proposal,
    Society,
)
from .search import experts_matching


class StableOrderingFilter(django_filters.OrderingFilter):
    """Sorting by a column with ties (employer, region) pages unpredictably; the primary key
    breaks the ties."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        return qs.order_by(*qs.query.order_by, "pk") if value else qs


def _region_field() -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        label=_("Region"),
        queryset=Region.objects.all(),
        method="filter_region",
        widget=SearchableSelect(),
    )


def _discipline_field() -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        label=_("Discipline"),
        queryset=Discipline.objects.all(),
        method="filter_discipline",
        widget=SearchableSelect(),
    )


class RegionDisciplineMixin:
    """A region matches itself and everything inside it; a first-level discipline matches its
    second-level children too (GB/T 13745 codes share the parent's prefix). The discipline
    test is an EXISTS, not a join, so rows neither repeat nor need COUNT(DISTINCT)."""

    discipline_through = None  # the M2M's through model
    discipline_owner = ""  # its foreign key to the filtered model

    def filter_region(self, queryset, name, value):
        return queryset.filter(region__code__startswith=value.prefix) if value else queryset

    def filter_discipline(self, queryset, name, value):
        if not value:
            return queryset
        through = self.discipline_through.objects.filter(
            **{self.discipline_owner: OuterRef("pk")}, discipline__code__startswith=value.code
        )
        return queryset.filter(Exists(through))


class ExpertFilter(RegionDisciplineMixin, django_filters.FilterSet):
    discipline_through = Expert.disciplines.through
    discipline_owner = "expert"

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        help_text=_("Words from the name, employer, title or research directions; or a reference."),
    )
    name = django_filters.CharFilter(label=_("Name"), lookup_expr="icontains")
    employer = django_filters.CharFilter(label=_("Employer"), lookup_expr="icontains")
    title = django_filters.CharFilter(label=_("Professional title"), lookup_expr="icontains")
    discipline = _discipline_field()
    region = _region_field()
    accepting = django_filters.BooleanFilter(label=_("Accepting assignments"))
    verified = django_filters.BooleanFilter(label=_("Verified"))
    o = StableOrderingFilter(
        label=_("Sort by"),
        fields=(
            ("name", "name"),
            ("employer", "employer"),
            ("region__code", "region"),
            ("created_at", "registered"),
        ),
        field_labels={
            "name": _("Name"),
            "employer": _("Employer"),
            "region__code": _("Region"),
            "created_at": _("Registered"),
        },
    )

    class Meta:
        model = Expert
        fields = [
            "q",
            "name",
            "employer",
            "title",
            "discipline",
            "region",
            "accepting",
            "verified",
        ]

    def search(self, queryset, name, value):
        """An exact reference, or else free text over the normalised search text (script-,
        width- and segmentation-insensitive, see experts.search). Not one query with OR: an
        OR on another column would keep PostgreSQL from using the search index."""
        ref = value.strip()
        by_ref = queryset.filter(ref__in={ref, ref.upper()})
        if by_ref.exists():
            return by_ref
        return experts_matching(queryset, value)


class SocietyFilter(RegionDisciplineMixin, django_filters.FilterSet):
    discipline_through = Society.disciplines.through
    discipline_owner = "society"

    name = django_filters.CharFilter(label=_("Name"), lookup_expr="icontains")
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Society.Level.choices)
    discipline = _discipline_field()
    region = _region_field()
    o = StableOrderingFilter(
        label=_("Sort by"),
        fields=(("name", "name"), ("level", "level"), ("region__code", "region")),
        field_labels={"name": _("Name"), "level": _("Level"), "region__code": _("Region")},
    )

    class Meta:
        model = Society
        fields = ["name", "level", "discipline", "region"]


# --- the assignment workflow ------------------------------------------------------------------


class AssignmentFilter(django_filters.FilterSet):
    """An expert's own invitations and assignments."""

    status = django_filters.MultipleChoiceFilter(
        # A column of the row itself: no join, so no DISTINCT over whole rows.
        distinct=False,
        label=_("Status"),
        choices=Assignment.Status.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Assignment
        fields = ["status"]


class DelegationFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        # A column of the row itself: no join, so no DISTINCT over whole rows.
        distinct=False,
        label=_("Status"),
        choices=Delegation.Status.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Delegation
        fields = ["status"]


# --- matching and bulk assignment -------------------------------------------------------------


class CandidateFilter(RegionDisciplineMixin, django_filters.FilterSet):
    """Narrows the experts the matching page ranks (the ranking itself is the matcher's)."""

    discipline_through = Expert.disciplines.through
    discipline_owner = "expert"

    region = _region_field()
    discipline = _discipline_field()
    available = django_filters.BooleanFilter(
        label=_("Free capacity"),
        method="filter_available",
        help_text=_("Accepting assignments and below their limit of concurrent ones."),
    )
    title = django_filters.CharFilter(label=_("Professional title"), lookup_expr="icontains")

    class Meta:
        model = Expert
        fields = ["region", "discipline", "available", "title"]

    @property
    def active(self) -> bool:
        """Whether any filter is set (unset, the matcher ranks the whole pool)."""
        return self.is_bound and any(
            self.form.cleaned_data.get(name) not in (None, "") for name in self.filters
        )

    def filter_available(self, queryset, name, value):
        if value is None:
            return queryset
        load = (
            Assignment.objects.filter(expert=OuterRef("pk"), status__in=Assignment.LOAD_STATES)
            .values("expert")
            .annotate(n=Count("pk"))
            .values("n")
        )
        free = Q(accepting=True, max_assignments__gt=Coalesce(Subquery(load), 0))
        return queryset.filter(free) if value else queryset.exclude(free)


class ProposalFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        # A column of the row itself: no join, so no DISTINCT over whole rows.
        distinct=False,
        label=_("Status"),
        choices=Proposal.Status.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    campaign = django_filters.ModelChoiceFilter(label=_("Campaign"), queryset=None)

    class Meta:
        model = Proposal
        fields = ["status", "campaign"]

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["campaign"].queryset = campaigns


class DeletionRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DeletionRequest.Status.choices)
    expert = django_filters.CharFilter(
        label=_("Expert"), field_name="expert__name", lookup_expr="icontains"
    )

    class Meta:
        model = DeletionRequest
        fields = ["status", "expert"]
