import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE_RE = re.compile(r"1[3-9]\d{9}")


def normalize_mobile(value: str) -> str:
    """Drop the spaces, dashes and +86 prefix that spreadsheets and people add."""
    digits = re.sub(r"[\s\-()（）]", "", str(value or ""))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits


def validate_mobile(value: str) -> None:
    if value and not MOBILE_RE.fullmatch(value):
        raise ValidationError(
            _("Enter a mainland mobile number: 11 digits starting with 13–19."), code="mobile"
        )


def normalize_email(value: str) -> str:
    return (value or "").strip().lower()
