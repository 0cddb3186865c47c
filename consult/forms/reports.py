"""Forms of report authoring. They read input within the user's reach (topics they see, regions
of their scope); the services decide what a save, a correction or a move means."""

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.forms import ModelIdsField, RegionChoiceField
from accounts.models import GovernmentBody, Region, User
from accounts.widgets import SearchableSelect, SearchableSelectMultiple

from ..models import Report, Series, Topic
from ..rules import topics_visible_to

# The longest body the editor accepts (and the preview renders): a long report is ~30,000.
BODY_MAX_CHARS = 200_000


def _label(name: str):
    # The model's (translated, lazy) field name, capitalised as ModelForm labels are.
    return capfirst(Report._meta.get_field(name).verbose_name)


def _bodies_field(name: str) -> ModelIdsField:
    return ModelIdsField(
        label=_label(name),
        queryset=GovernmentBody.objects.all(),
        required=False,
        widget=SearchableSelectMultiple(),
    )


def report_initial(report: Report) -> dict:
    """The form's starting values for an existing report."""
    return {
        "series": report.series_id,
        "topic": report.topic_id,
        "region": report.region_id,
        "circulation": report.circulation,
        "title": report.title,
        "summary": report.summary,
        "body": report.body,
        "authors": report.authors,
        "issuing_body": report.issuing_body,
        "addressees": [body.pk for body in report.addressees.all()],
        "copies": [body.pk for body in report.copies.all()],
    }


class ReportContentForm(forms.Form):
    """What the PDF prints: the fields a revision keeps (and a correction may change)."""

    title = forms.CharField(label=_label("title"), max_length=150)
    authors = forms.CharField(
        label=_label("authors"),
        max_length=200,
        required=False,
        help_text=_("As printed under the title, e.g. 王建国 李明."),
    )
    issuing_body = forms.CharField(label=_label("issuing_body"), max_length=100)
    addressees = _bodies_field("addressees")
    copies = _bodies_field("copies")
    summary = forms.CharField(
        label=_label("summary"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Two or three sentences: the problem and what the report proposes."),
    )
    body = forms.CharField(
        label=_label("body"),
        max_length=BODY_MAX_CHARS,
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 28, "class": "editor-text", "spellcheck": "false"}),
    )

    def meta_fields(self) -> list:
        """The header fields (META_FIELDS of the subclass), shown beside the body editor."""
        return [self[name] for name in self.META_FIELDS]

    def __init__(self, *args, report: Report | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs.update(
            {
                "data-preview-url": reverse("consult:report_preview"),
                "data-report": report.pk if report else "",
            }
        )


class ReportForm(ReportContentForm):
    """A new report, or a draft's edit: content plus series, topic, region and circulation,
    each offered within the user's reach."""

    series = forms.ModelChoiceField(label=_label("series"), queryset=Series.objects.all())
    topic = forms.ModelChoiceField(
        label=_label("topic"),
        queryset=None,
        required=False,
        widget=SearchableSelect(),
        help_text=_("The research topic the report comes from, if any."),
    )
    region = RegionChoiceField(
        label=_label("region"),
        queryset=None,
        widget=SearchableSelect(),
        help_text=_("The CAST whose staff edit and issue the report."),
    )
    circulation = forms.ChoiceField(
        label=_label("circulation"),
        choices=Report.Circulation.choices,
        widget=forms.RadioSelect,
        help_text=_("Restricted reports are seen only by officials of the bodies named."),
    )

    field_order = [
        "title",
        "series",
        "topic",
        "region",
        "circulation",
        "addressees",
        "copies",
        "authors",
        "issuing_body",
        "summary",
        "body",
    ]
    # Shown in the first card; summary and body go beside the preview.
    META_FIELDS = field_order[:9]

    def __init__(self, *args, user: User, report: Report | None = None, **kwargs):
        super().__init__(*args, report=report, **kwargs)
        topics = topics_visible_to(user)
        if report is not None and report.topic_id:
            # Keep a topic someone else linked, even one outside this user's sight.
            topics = topics | Topic.objects.filter(pk=report.topic_id)
        self.fields["topic"].queryset = topics.order_by("-created_at", "-pk")
        self.fields["topic"].empty_label = _("(no topic)")
        prefix = user.scope_prefix() or ""
        self.fields["region"].queryset = Region.objects.select_related("parent__parent").filter(
            code__startswith=prefix
        )
        self.fields["issuing_body"].required = False
        self.fields["issuing_body"].help_text = _("Left empty: the issuing body of the series.")

    def clean(self):
        cleaned = super().clean()
        series = cleaned.get("series")
        if series and not (cleaned.get("issuing_body") or "").strip():
            cleaned["issuing_body"] = series.issuing_body
        return cleaned


def create_initial(user: User, topic=None) -> dict:
    """A new report's starting values: the staff member's own region (the root region for a
    platform admin), or the topic's region and title when written from a topic."""
    initial = {
        "region": user.region_id or settings.ROOT_REGION_CODE,
        "series": Series.objects.values_list("pk", flat=True).first(),
        "circulation": Report.Circulation.RESTRICTED,
    }
    if topic is not None:
        initial.update(topic=topic.pk, region=topic.region_id, title=topic.title[:150])
    return initial


class ReportEditForm(ReportForm):
    note = forms.CharField(
        label=_("Note: what changed"),
        max_length=200,
        required=False,
        help_text=_("Kept with the revision, e.g. “revised section 二 after the review”."),
    )


class ReportCorrectionForm(ReportContentForm):
    """A correction (更正) of an issued report: its content only, with what it changes."""

    note = forms.CharField(
        label=_("What the correction changes"),
        max_length=200,
        help_text=_("Everyone who downloaded the report is told this."),
    )

    field_order = [
        "title",
        "addressees",
        "copies",
        "authors",
        "issuing_body",
        "summary",
        "body",
        "note",
    ]
    META_FIELDS = field_order[:5]


class ReportImageForm(forms.Form):
    file = forms.FileField(
        label=_("New figure"), help_text=_("A PNG or JPEG image of at most 5 MB.")
    )


class ReportTransitionForm(forms.Form):
    to = forms.ChoiceField(choices=Report.Status.choices)
    reason = forms.CharField(max_length=2000, required=False)


class DownloadTraceForm(forms.Form):
    code = forms.CharField(
        label=_("Download code"),
        max_length=40,
        help_text=_("As printed on the leaked copy; case, spaces and dashes do not matter."),
    )
