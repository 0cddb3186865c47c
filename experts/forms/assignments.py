"""Forms of the assignment workflow. They read input; the services decide (a decline's
required note, members of the society, scores needed to submit...)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import ModelIdsField, bounded_text
from accounts.widgets import SearchableSelect
from problems.forms import DateInput, attachments_field

from ..models import Assignment, Delegation, Expert, ProblemBrief, Review, Society
from .pool import ExpertRefField


class AcceptForm(forms.Form):
    no_conflict = forms.BooleanField(
        label=_("I declare that I have no conflict of interest with this enterprise or problem."),
        error_messages={
            "required": _("Please declare that you have no conflict of interest, or decline.")
        },
    )


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"), choices=Assignment.DeclineReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the reason is “Other”."),
    )
    suggested_expert = ExpertRefField(
        label=_("Suggest an expert in the pool (reference)"),
        queryset=Expert.objects.all(),
        to_field_name="ref",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "ZJ-2026-00001"}),
        error_messages={"invalid_choice": _("No expert has this reference.")},
    )
    suggested_text = forms.CharField(
        label=_("…or name someone not in the pool"),
        required=False,
        max_length=200,
        help_text=_("Name, employer and how to reach them."),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the expert sees it)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ConfirmFlagsForm(forms.Form):
    confirm_flags = forms.BooleanField(
        label=_("I have checked these possible conflicts of interest; invite anyway."),
        required=False,
    )


class BriefForm(forms.ModelForm):
    released_attachments = ModelIdsField(
        label=_("Attachments released to the experts"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Experts download only the attachments ticked here."),
    )

    class Meta:
        model = ProblemBrief
        formfield_callback = bounded_text
        fields = ["title", "summary", "released_attachments"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 10})}

    def __init__(self, *args, problem, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["released_attachments"]
        field.queryset = problem.attachments.all()
        field.label_from_instance = lambda a: a.original_name


class DelegationForm(forms.ModelForm):
    society = forms.ModelChoiceField(
        label=_("Learned society"),
        queryset=Society.objects.order_by("name"),
        widget=SearchableSelect(),
    )

    class Meta:
        model = Delegation
        formfield_callback = bounded_text
        fields = ["society", "experts_wanted", "due_date", "note"]
        widgets = {"due_date": DateInput, "note": forms.Textarea(attrs={"rows": 3})}


class DelegationStaffForm(ConfirmFlagsForm):
    # Any expert, not only members: the service refuses non-members with a clear message.
    # The page renders the society's members as checkboxes itself (with load and flags).
    experts = ModelIdsField(
        label=_("Members to invite"),
        queryset=Expert.objects.all(),
        error_messages={"required": _("Please choose at least one member.")},
    )


_SCORE_CHOICES = [(n, str(n)) for n in range(1, 6)]


def _score_field(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=_SCORE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "scale"}),
        help_text=_("1 = lowest, 5 = highest"),
    )


class ReviewForm(forms.ModelForm):
    """Every field optional: a draft may be partial. Submitting is checked by review_save."""

    severity = _score_field(_("Bottleneck severity (卡脖子程度)"))
    difficulty = _score_field(_("Technical difficulty (技术难度)"))
    urgency = _score_field(_("Urgency (紧迫性)"))
    feasibility = _score_field(_("Feasibility (可行性)"))
    route = forms.ChoiceField(
        label=_("Recommended route"),
        choices=Review.Route.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    recommend_topic = forms.NullBooleanField(
        label=_("Recommended as a research topic"),
        required=False,
        # Values as str(True)/str(False), so that a saved answer shows as checked again.
        widget=forms.RadioSelect(choices=[(True, _("Yes")), (False, _("No"))]),
    )
    new_attachments = attachments_field()

    class Meta:
        model = Review
        formfield_callback = bounded_text
        fields = [
            "severity",
            "difficulty",
            "urgency",
            "feasibility",
            "route",
            "recommend_topic",
            "opinion",
        ]
        widgets = {"opinion": forms.Textarea(attrs={"rows": 12})}


class ReleaseForm(forms.Form):
    named = forms.TypedChoiceField(
        label=_("Show the expert's name?"),
        choices=[("0", _("Anonymous")), ("1", _("Named"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
