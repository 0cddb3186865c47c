"""Forms for the feedback on an issued report: a leader's instruction (批示) and an adoption
(采纳), entered online by an official of the body or by staff from a paper original."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import GovernmentBody
from problems.forms import DateInput
from problems.services import attachment_validate

from ..models import Instruction, Report

SCAN_TYPES = {"application/pdf", "image/png", "image/jpeg"}


class FeedbackForm(forms.Form):
    """The date and, for staff recording a paper original, the body the feedback came from
    (one of the bodies the report was addressed or copied to)."""

    body = forms.ModelChoiceField(
        label=_("Government body"),
        queryset=GovernmentBody.objects.none(),
        help_text=_("The body whose leader or office sent the paper original."),
    )

    def __init__(self, *args, report: Report, paper: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        self.initial.setdefault("date", timezone.localdate())
        if paper:
            named = Q(pk__in=report.addressees.values("pk")) | Q(pk__in=report.copies.values("pk"))
            self.fields["body"].queryset = GovernmentBody.objects.filter(named)
        else:
            del self.fields["body"]

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        if self.report.issued_on and value < self.report.issued_on:
            raise ValidationError(
                _("The date cannot be before the report was issued (%(date)s).")
                % {"date": self.report.issued_on.isoformat()}
            )
        return value


class InstructionForm(FeedbackForm):
    leader_name = forms.CharField(label=_("Leader"), max_length=50)
    level = forms.ChoiceField(
        label=_("Level"), choices=[("", "---------"), *Instruction.Level.choices]
    )
    date = forms.DateField(label=_("Date of instruction"), widget=DateInput)
    text = forms.CharField(
        label=_("Instruction"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The leader's words as written on the report."),
    )
    scan = forms.FileField(
        label=_("Scanned copy"),
        required=False,
        help_text=_("Optional: a PDF, PNG or JPEG scan of the page bearing the instruction."),
    )

    field_order = ["body", "leader_name", "level", "date", "text", "scan"]

    def clean_scan(self):
        upload = self.cleaned_data.get("scan")
        if not upload:
            return None
        _name, content_type = attachment_validate(upload)
        if content_type not in SCAN_TYPES:
            raise ValidationError(_("The scan must be a PDF, PNG or JPEG file."))
        return upload


class AdoptionForm(FeedbackForm):
    document = forms.CharField(
        label=_("Adopted into"),
        max_length=200,
        help_text=_("The policy, plan or document that took up the report's advice."),
    )
    date = forms.DateField(label=_("Date of adoption"), widget=DateInput)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    field_order = ["body", "document", "date", "note"]
