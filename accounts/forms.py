from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from experts.models import Expert
from experts.validators import normalize_email, normalize_mobile, validate_mobile
from problems.models import Enterprise, Industry

from . import audit
from .models import Region, User
from .widgets import SearchableSelect

# The longest text a model's TextField takes from a form: room for a detailed opinion or
# problem statement, not for megabytes that would then be stored, shown and printed.
TEXT_MAX_CHARS = 20_000


def bounded_text(model_field, **kwargs):
    """`Meta.formfield_callback` of the ModelForms: a TextField without a max_length gets
    TEXT_MAX_CHARS (longer text is a form error, not a stored 10 MB field)."""
    if isinstance(model_field, models.TextField) and model_field.max_length is None:
        kwargs.setdefault("max_length", TEXT_MAX_CHARS)
    return model_field.formfield(**kwargs)


class ModelIdsField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses an id out of the database's integer range as
    an invalid choice like any other. Django checks the range for `pk=` but not for
    `pk__in=`, where SQLite raises OverflowError and PostgreSQL an error of its own."""

    def _check_values(self, value):
        meta = self.queryset.model._meta
        field = meta.get_field(self.to_field_name) if self.to_field_name else meta.pk
        low, high = connection.ops.integer_field_range(field.get_internal_type())
        for pk in value or ():
            try:
                number = int(pk)
            except (TypeError, ValueError):
                continue  # not a number: the parent reports it
            if (low is not None and number < low) or (high is not None and number > high):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return obj.full_name if obj.level > 1 else obj.name


def region_field(**kwargs) -> RegionChoiceField:
    return RegionChoiceField(
        queryset=Region.objects.select_related("parent__parent"),
        widget=SearchableSelect(),
        **kwargs,
    )


class AccountFieldsMixin(forms.Form):
    username = forms.RegexField(
        label=_("Username"),
        regex=r"^[A-Za-z0-9_.@+-]{3,40}$",
        help_text=_("3–40 letters, digits or _ . @ + -; you log in with it."),
        error_messages={"invalid": _("Use 3–40 letters, digits or _ . @ + -.")},
    )
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken; please choose another."))
        return username

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            try:
                password_validation.validate_password(
                    p1, User(username=cleaned.get("username", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class EnterpriseRegistrationForm(AccountFieldsMixin, forms.ModelForm):
    region = region_field(label=_("Region"))
    industry = forms.ModelChoiceField(
        label=_("Industry"),
        queryset=Industry.objects.filter(parent__isnull=False),
        widget=SearchableSelect(),
    )

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "credit_code",
            "region",
            "industry",
            "address",
            "contact_name",
            "contact_phone",
            "contact_email",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Optional in the model (imported enterprises may lack it), required to register.
        self.fields["credit_code"].required = True

    field_order = [
        "name",
        "credit_code",
        "region",
        "industry",
        "address",
        "contact_name",
        "contact_phone",
        "contact_email",
        "username",
        "password1",
        "password2",
    ]

    def clean_credit_code(self):
        from problems.validators import normalize_credit_code

        code = normalize_credit_code(self.cleaned_data["credit_code"])
        if Enterprise.objects.filter(credit_code=code).exists():
            raise forms.ValidationError(
                _(
                    "An enterprise with this credit code is already registered. Ask a colleague "
                    "who has an account, or the CAST of your region, to add you."
                )
            )
        return code


class ExpertContactMixin:
    """Email in lower case; a mobile number without spaces, dashes or +86, then validated."""

    def clean_email(self):
        return normalize_email(self.cleaned_data["email"])

    def clean_mobile(self):
        mobile = normalize_mobile(self.cleaned_data["mobile"])
        validate_mobile(mobile)
        return mobile


class ExpertRegistrationForm(AccountFieldsMixin, ExpertContactMixin, forms.ModelForm):
    region = region_field(label=_("Region"))

    class Meta:
        model = Expert
        formfield_callback = bounded_text
        fields = [
            "name",
            "gender",
            "employer",
            "title",
            "research_directions",
            "region",
            "email",
            "mobile",
        ]
        widgets = {"research_directions": forms.Textarea(attrs={"rows": 4})}


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"), help_text=_(".xlsx or .csv (UTF-8 or GBK), at most 50 MB.")
    )
    skip_errors = forms.BooleanField(
        label=_("Skip rows with errors"),
        required=False,
        help_text=_("Otherwise the file is imported only when every row is valid."),
    )

    def clean_file(self):
        from pathlib import Path

        from .files import upload_scan
        from .imports import MAX_UPLOAD_BYTES

        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in {".xlsx", ".csv"}:
            raise forms.ValidationError(_("Only .xlsx and .csv files can be imported."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB; split it."))
        # Its content is checked by the reader (accounts.tabular.read_table), which refuses
        # a "workbook" that is not one with the reason shown on the job's page.
        upload_scan(upload, name=Path(upload.name).name)
        return upload


class LockoutMixin:
    """The lockout (accounts.audit) for an AuthenticationForm: after LOGIN_FAILURE_LIMIT
    failed logins for one name, or LOGIN_FAILURE_IP_LIMIT from one address, within
    LOGIN_FAILURE_WINDOW seconds, logins are refused, even with the right password, until the
    window passes or staff unlock the account."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _(
            "Too many failed logins for this account: it is locked for %(minutes)d minutes. "
            "Try again later, or ask the CAST staff to unlock it."
        ),
        "ip_blocked": _(
            "Too many failed logins from your network address. Try again in %(minutes)d minutes."
        ),
    }

    def _refuse(self, code: str) -> ValidationError:
        minutes = max(1, round(settings.LOGIN_FAILURE_WINDOW / 60))
        return ValidationError(self.error_messages[code], code=code, params={"minutes": minutes})

    def clean(self):
        username = self.cleaned_data.get("username")
        ip = audit.client_ip(self.request) if self.request is not None else None
        if username:
            if audit.ip_blocked(ip):
                raise self._refuse("ip_blocked")
            if audit.is_locked(username):
                raise self._refuse("locked")
        try:
            return super().clean()
        except ValidationError as error:
            if username and error.code == "invalid_login":
                locked = audit.lock_if_needed(username, request=self.request)
                blocked = audit.lock_ip_if_needed(ip, request=self.request)
                if locked:
                    raise self._refuse("locked") from None
                if blocked:
                    raise self._refuse("ip_blocked") from None
            raise


class LoginForm(LockoutMixin, AuthenticationForm):
    """The site's login form (accounts/urls.py)."""
