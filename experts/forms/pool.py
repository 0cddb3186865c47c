from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from accounts.forms import ExpertContactMixin, bounded_text, region_field
from accounts.widgets import SearchableSelectMultiple
from problems.validators import normalize_credit_code, validate_credit_code

from ..models import DeclaredConflict, Discipline, Expert, Society
from ..validators import normalize_email

MAX_ASSIGNMENTS = 20


def disciplines_field() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=_("Disciplines"),
        queryset=Discipline.objects.all(),
        required=False,
        widget=SearchableSelectMultiple(),
        help_text=_("GB/T 13745 disciplines; type to search by name or code."),
    )


class ExpertProfileForm(ExpertContactMixin, forms.ModelForm):
    """The expert's profile, for the expert themselves and for staff of their region. Which
    name and employer changes apply at once is the service's business, not the form's."""

    region = region_field(label=_("Region"))
    disciplines = disciplines_field()

    class Meta:
        model = Expert
        formfield_callback = bounded_text
        fields = [
            "name",
            "employer",
            "gender",
            "title",
            "disciplines",
            "research_directions",
            "region",
            "email",
            "mobile",
            "accepting",
            "max_assignments",
        ]
        widgets = {"research_directions": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, confirm_identity: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if confirm_identity:
            for name in ("name", "employer"):
                self.fields[name].help_text = _(
                    "A change takes effect once CAST staff of your region confirm it."
                )
        field = self.fields["max_assignments"]
        field.validators += [MinValueValidator(1), MaxValueValidator(MAX_ASSIGNMENTS)]
        field.widget.attrs.update(min=1, max=MAX_ASSIGNMENTS)


class ChangeDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
    reason = forms.CharField(
        label=_("Reason (the expert sees it)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == "approve"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Please give a reason; the expert will see it."))
        return cleaned


class ConflictForm(forms.ModelForm):
    class Meta:
        model = DeclaredConflict
        fields = ["organisation", "kind", "credit_code", "note"]

    def clean_credit_code(self):
        code = normalize_credit_code(self.cleaned_data["credit_code"])
        if code:
            validate_credit_code(code)
        return code


class SocietyForm(forms.ModelForm):
    """A society's record. Its admins edit everything but the name and region."""

    region = region_field(label=_("Region"))
    disciplines = disciplines_field()

    class Meta:
        model = Society
        formfield_callback = bounded_text
        fields = [
            "name",
            "level",
            "region",
            "disciplines",
            "contact_name",
            "contact_phone",
            "contact_email",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, may_rename: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_rename:
            del self.fields["name"], self.fields["region"]

    def clean_contact_email(self):
        return normalize_email(self.cleaned_data["contact_email"])


class ExpertRefField(forms.ModelChoiceField):
    """An expert chosen by typing their reference (编号): the pool is too large for a list."""

    def to_python(self, value):
        return super().to_python(value.strip() if isinstance(value, str) else value)


class MemberAddForm(forms.Form):
    expert = ExpertRefField(
        label=_("Expert reference"),
        queryset=Expert.objects.all(),
        to_field_name="ref",
        widget=forms.TextInput(attrs={"placeholder": "ZJ-2026-00001"}),
        error_messages={"invalid_choice": _("No expert has this reference.")},
    )
