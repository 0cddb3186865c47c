from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.forms import bounded_text, region_field
from accounts.widgets import SearchableSelect

from .models import Campaign, Category, Industry, Problem
from .services import ALLOWED_EXTENSIONS, attachment_validate


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = [super(MultipleFileField, self).clean(item, initial) for item in files]
        for upload in cleaned:
            attachment_validate(upload)
        return cleaned


def _attachment_help() -> str:
    return gettext("PDF, Word, Excel, PowerPoint or images (%(types)s), up to 20 MB each.") % {
        "types": " ".join(ALLOWED_EXTENSIONS)
    }


def attachments_field() -> MultipleFileField:
    """The upload field of problems and opinions. Its help is translated when shown (a
    `gettext_lazy(...) % ...` would be fixed in the language active at import)."""
    return MultipleFileField(
        label=_("Attachments"), required=False, help_text=lazy(_attachment_help, str)()
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


# The problem form's fields, in the groups and order the page shows them.
PROBLEM_SECTIONS = (
    (_("The problem"), ("campaign", "title", "category", "industry", "region")),
    (
        _("Technical details"),
        (
            "background",
            "bottleneck",
            "indicators",
            "import_source",
            "import_share",
            "attempts",
            "expected_goal",
        ),
    ),
    (
        _("Cooperation"),
        ("cooperation_modes", "budget_range", "desired_completion", "confidentiality"),
    ),
    (_("Contact and attachments"), ("contact_name", "contact_phone", "new_attachments")),
)
PROBLEM_UPLOAD_FIELD = "new_attachments"


class ProblemForm(forms.ModelForm):
    cooperation_modes = forms.MultipleChoiceField(
        label=_("Cooperation modes"),
        choices=Problem.CooperationMode.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    industry = forms.ModelChoiceField(
        label=_("Industry"),
        queryset=Industry.objects.filter(parent__isnull=False),
        widget=SearchableSelect(),
    )
    region = region_field(label=_("Region"))
    new_attachments = attachments_field()

    class Meta:
        model = Problem
        formfield_callback = bounded_text
        fields = [
            name
            for _title, names in PROBLEM_SECTIONS
            for name in names
            if name != PROBLEM_UPLOAD_FIELD
        ]
        widgets = {
            "background": forms.Textarea(attrs={"rows": 3}),
            "bottleneck": forms.Textarea(attrs={"rows": 5}),
            "indicators": forms.Textarea(attrs={"rows": 3}),
            "attempts": forms.Textarea(attrs={"rows": 3}),
            "expected_goal": forms.Textarea(attrs={"rows": 3}),
            "desired_completion": DateInput(),
            "confidentiality": forms.RadioSelect,
        }
        help_texts = {
            "bottleneck": _(
                "Where the technology stands today and what exactly blocks you (imports, "
                "withheld technology, missing capability)."
            ),
            "confidentiality": _(
                "Classified (涉密) information must never be entered here; internal problems are "
                "shown only to CAST staff and assigned experts."
            ),
        }

    def __init__(self, *args, campaigns=(), **kwargs):
        super().__init__(*args, **kwargs)
        ids = [c.pk for c in campaigns]
        if self.instance.campaign_id:
            ids.append(self.instance.campaign_id)
        self.fields["campaign"].queryset = Campaign.objects.filter(pk__in=ids)
        self.fields["campaign"].empty_label = _("(no campaign: standing submission)")
        self.fields["import_share"].widget.attrs.update(min=0, max=100)
        for name in ("expected_goal", "contact_name"):
            self.fields[name].required = True

    def sections(self) -> list[tuple[str, list]]:
        """The form's fields in the order and groups the page shows them."""
        return [(title, [self[name] for name in names]) for title, names in PROBLEM_SECTIONS]

    def clean_confidentiality(self):
        value = self.cleaned_data["confidentiality"]
        if value == Problem.Confidentiality.CLASSIFIED:
            raise forms.ValidationError(
                _(
                    "Problems containing classified (涉密) information must not be submitted "
                    "through this platform. Remove the classified details, or report through your "
                    "organisation's confidential channel, then choose public or internal."
                )
            )
        return value

    def clean_import_share(self):
        share = self.cleaned_data["import_share"]
        if share is not None and share > 100:
            raise forms.ValidationError(_("The import share is a percentage from 0 to 100."))
        return share


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=Problem.Status.choices)
    reason = forms.CharField(
        label=_("Reason / comment (the enterprise sees it)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    internal_note = forms.CharField(
        label=_("Internal note (staff only)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Internal note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CampaignForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label=_("Categories"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave empty to accept every category."),
    )

    class Meta:
        model = Campaign
        formfield_callback = bounded_text
        fields = [
            "title",
            "description",
            "region",
            "opens_on",
            "closes_on",
            "categories",
            "cap_per_unit",
        ]
        widgets = {
            "opens_on": DateInput(),
            "closes_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.models import Region

        regions = Region.objects.select_related("parent")
        prefix = user.scope_prefix()
        if prefix:
            regions = regions.filter(code__startswith=prefix)
        else:
            # Root staff and platform admins issue campaigns for the deployment's province.
            regions = regions.filter(code__startswith=settings.ROOT_REGION_CODE[:2])
        self.fields["region"].queryset = regions
        self.fields["region"].widget.attrs["data-searchable"] = "1"
        self.fields["cap_per_unit"].widget.attrs.update(min=1, max=50)

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The closing date must not be before the opening date."))
        return cleaned


class EnterpriseStatusForm(forms.Form):
    to = forms.ChoiceField(choices=[("verified", "verified"), ("rejected", "rejected")])
    reason = forms.CharField(required=False, max_length=1000)
