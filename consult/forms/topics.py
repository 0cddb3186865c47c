"""Forms of the research topic pages. They read input; the services decide (one lead, dates
in order, open topics only, file types)."""

from django import forms
from django.conf import settings
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.forms import ModelIdsField, RegionChoiceField, bounded_text
from accounts.models import Region, User
from accounts.widgets import SearchableSelect, SearchableSelectMultiple
from experts.forms import ExpertRefField
from experts.models import Discipline, Expert, Society
from problems.forms import DateInput
from problems.models import Problem
from problems.rules import problems_visible_to
from problems.services import ALLOWED_EXTENSIONS, attachment_validate

from ..models import Milestone, Topic, TopicDocument
from ..services.topics import PROBLEM_STATES


class ProblemIdsField(ModelIdsField):
    def label_from_instance(self, obj: Problem) -> str:
        return f"{obj.number or '—'} {obj.title}"


def expert_ref_field(label, **kwargs) -> ExpertRefField:
    return ExpertRefField(
        label=label,
        queryset=Expert.objects.all(),
        to_field_name="ref",
        widget=forms.TextInput(attrs={"placeholder": "ZJ-2026-00001"}),
        error_messages={"invalid_choice": _("No expert has this reference.")},
        help_text=_("The expert's reference (编号); look it up in the expert pool."),
        **kwargs,
    )


def topic_problem_choices(user: User, topic: Topic | None = None):
    """The problems a topic may take up: the user's, accepted into the pool or further along,
    plus those the topic already has (which may lie outside the user's scope)."""
    eligible = problems_visible_to(user).filter(status__in=PROBLEM_STATES)
    if topic is not None and topic.pk:
        current = Problem.objects.filter(topics=topic).values("pk")
        return Problem.objects.filter(Q(pk__in=eligible.values("pk")) | Q(pk__in=current))
    return eligible


def scope_regions(user: User):
    """The regions the user may give a topic: their own scope (the province for root staff
    and platform admins)."""
    prefix = user.scope_prefix() or settings.ROOT_REGION_CODE[:2]
    return Region.objects.select_related("parent__parent").filter(code__startswith=prefix)


class TopicForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    summary = forms.CharField(
        label=_("Research content"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    problems = ProblemIdsField(
        label=_("Problems"),
        queryset=Problem.objects.none(),
        required=False,
        widget=SearchableSelectMultiple(),
        help_text=_(
            "Similar problems merge into one topic; their enterprises are told. Leave empty "
            "for a stand-alone topic."
        ),
    )
    lead_expert = expert_ref_field(_("Lead expert"), required=False)
    lead_society = forms.ModelChoiceField(
        label=_("…or lead society"),
        queryset=Society.objects.order_by("name"),
        required=False,
        widget=SearchableSelect(),
        help_text=_("A topic has one lead: an expert or a learned society, not both."),
    )
    region = RegionChoiceField(
        label=_("Region"),
        queryset=Region.objects.none(),
        widget=SearchableSelect(),
        help_text=_("The CAST whose staff manage the topic."),
    )
    discipline = forms.ModelChoiceField(
        label=_("Discipline"),
        queryset=Discipline.objects.all(),
        required=False,
        widget=SearchableSelect(),
    )
    budget = forms.DecimalField(
        label=_("Budget (10,000 yuan)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
    )
    start_date = forms.DateField(label=_("Start date"), required=False, widget=DateInput)
    end_date = forms.DateField(label=_("End date"), required=False, widget=DateInput)

    def __init__(self, *args, user: User, topic: Topic | None = None, **kwargs):
        if topic is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": topic.title,
                "summary": topic.summary,
                "problems": list(topic.problems.values_list("pk", flat=True)),
                "lead_expert": topic.lead_expert.ref if topic.lead_expert_id else "",
                "lead_society": topic.lead_society_id,
                "region": topic.region_id,
                "discipline": topic.discipline_id,
                "budget": topic.budget,
                "start_date": topic.start_date,
                "end_date": topic.end_date,
            }
        super().__init__(*args, **kwargs)
        self.fields["problems"].queryset = topic_problem_choices(user, topic).order_by(
            "number", "pk"
        )
        self.fields["region"].queryset = scope_regions(user)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("lead_expert") and cleaned.get("lead_society"):
            self.add_error(
                "lead_society",
                _("A topic has one lead: an expert or a learned society, not both."),
            )
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date must not be before the start date."))
        return cleaned


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=Topic.Status.choices)
    reason = forms.CharField(required=False, max_length=2000)


class MemberForm(forms.Form):
    expert = expert_ref_field(_("Expert reference"))
    role = forms.CharField(label=_("Role in the team"), required=False, max_length=50)
    outside = forms.BooleanField(label=_("Outside expert (柔性智库)"), required=False)
    affiliation_note = forms.CharField(
        label=_("From"),
        required=False,
        max_length=100,
        help_text=_("E.g. the partner province or programme."),
    )


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        formfield_callback = bounded_text
        fields = ["title", "due_date", "done_on", "note"]
        widgets = {
            "due_date": DateInput(),
            "done_on": DateInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }


class ProgressForm(forms.Form):
    text = forms.CharField(
        label=_("What was done"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)


def _document_help() -> str:
    # Translated when shown: a gettext_lazy(...) % ... would be fixed at import.
    return gettext("PDF, Word, Excel, PowerPoint or images (%(types)s), up to %(max)s.") % {
        "types": " ".join(ALLOWED_EXTENSIONS),
        "max": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
    }


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TopicDocument.Kind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=lazy(_document_help, str)(),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        attachment_validate(upload)
        return upload
