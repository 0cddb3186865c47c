"""统一社会信用代码 (GB 32100-2015) validation and check-character computation."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUES = {char: index for index, char in enumerate(CHARSET)}


def normalize_credit_code(value: str) -> str:
    """Upper-case, strip surrounding and full-width spaces, fold full-width letters/digits."""
    value = (value or "").strip().replace("\u3000", "")
    folded = "".join(
        chr(ord(char) - 0xFEE0) if "\uff01" <= char <= "\uff5e" else char for char in value
    )
    return folded.upper()


def credit_code_check_char(first17: str) -> str:
    total = sum(_VALUES[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    code = normalize_credit_code(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(length)d.")
            % {"length": len(code)},
            code="length",
        )
    bad = [f"{index + 1}:{char}" for index, char in enumerate(code) if char not in _VALUES]
    if bad:
        raise ValidationError(
            _(
                "The unified social credit code contains characters that are not allowed "
                "(position:character): %(chars)s. I, O, Z, S and V are never used."
            )
            % {"chars": ", ".join(bad)},
            code="charset",
        )
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _(
                "The check character (18th) of the unified social credit code should be "
                "“%(expected)s” but is “%(actual)s”; please check the code."
            )
            % {"expected": expected, "actual": code[17]},
            code="checksum",
        )
