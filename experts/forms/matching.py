"""Forms of the matching page and of bulk assignment proposals. They read input; the
services decide (conflicts, capacity, problems ready for matching)."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import ModelIdsField
from accounts.models import Region
from accounts.widgets import SearchableSelect
from problems.forms import DateInput
from problems.models import Campaign

from ..models import Expert, Society
from .pool import ExpertRefField


def in_days(days: int):
    return lambda: timezone.localdate() + datetime.timedelta(days=days)


class IdsField(forms.Field):
    """A set of primary keys from checkboxes the template renders itself (the choices are
    the rows on the page; the services check what they may be)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> set[int]:
        try:
            return {int(pk) for pk in value or ()}
        except (TypeError, ValueError):
            raise ValidationError(_("Invalid selection."), code="invalid") from None


class InviteForm(forms.Form):
    experts = ModelIdsField(
        label=_("Experts to invite"),
        queryset=Expert.objects.order_by("name", "pk"),
        widget=forms.MultipleHiddenInput,
        error_messages={"required": _("Please choose at least one expert.")},
    )
    # Experts whose possible conflicts of interest staff have checked.
    confirm = IdsField(required=False)
    due_date = forms.DateField(label=_("Opinion due"), initial=in_days(14), widget=DateInput)


class DelegateForm(forms.Form):
    society = forms.ModelChoiceField(queryset=Society.objects.all(), widget=forms.HiddenInput)
    experts_wanted = forms.IntegerField(
        label=_("Experts wanted"), min_value=1, max_value=20, initial=3
    )
    due_date = forms.DateField(label=_("Opinions due"), initial=in_days(21), widget=DateInput)
    note = forms.CharField(
        label=_("Note to the society"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ProposalCreateForm(forms.Form):
    """Which problems: every problem ready for matching in the user's scope, narrowed by
    campaign and region."""

    label = forms.CharField(label=_("Label"), max_length=100)
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.none(), required=False
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.filter(level__lte=3),
        required=False,
        widget=SearchableSelect(),
        help_text=_("The problems of this region and the regions inside it."),
    )
    k = forms.IntegerField(label=_("Experts per problem"), min_value=1, max_value=10, initial=3)
    due_date = forms.DateField(label=_("Opinions due"), initial=in_days(21), widget=DateInput)

    def __init__(self, *args, campaigns, scope_prefix: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns
        regions = self.fields["region"].queryset.filter(code__startswith=scope_prefix)
        self.fields["region"].queryset = regions


class ProposalItemAddForm(forms.Form):
    problem = forms.IntegerField(widget=forms.HiddenInput)
    expert = ExpertRefField(
        label=_("Expert reference"),
        queryset=Expert.objects.all(),
        to_field_name="ref",
        widget=forms.TextInput(attrs={"placeholder": "ZJ-2026-00001", "size": 14}),
        error_messages={"invalid_choice": _("No expert has this reference.")},
    )


class ProposalConfirmForm(forms.Form):
    shown = IdsField(required=False)
    confirm = IdsField(required=False)
