"""统一社会信用代码 (GB 32100-2015): normalisation, check character and error messages."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from problems.validators import (
    CHARSET,
    credit_code_check_char,
    normalize_credit_code,
    validate_credit_code,
)

# Codes published by their holders (business licences, annual reports) and quoted widely.
REAL_CODES = {
    "91350100M000100Y43": "GB 32100 example quoted in registration guides",
    "91440300708461136T": "腾讯科技（深圳）有限公司",
    "91110108551385082Q": "小米科技有限责任公司",
    "91330100716105852F": "阿里巴巴（中国）网络技术有限公司",
    "91110000802100433B": "北京百度网讯科技有限公司",
    "12100000425006133D": "华东师范大学 (public institution, category 1)",
}


def validation_error(value: str) -> ValidationError:
    with translation.override("en"), pytest.raises(ValidationError) as info:
        validate_credit_code(value)
    return info.value


def test_charset_is_the_31_characters_of_the_standard():
    assert CHARSET == "0123456789ABCDEFGHJKLMNPQRTUWXY"
    assert len(set(CHARSET)) == 31


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_pass(code):
    assert credit_code_check_char(code[:17]) == code[17]
    validate_credit_code(code)


@pytest.mark.parametrize("code", REAL_CODES)
def test_every_single_character_corruption_of_a_real_code_fails(code):
    corruptions = [
        code[:position] + char + code[position + 1 :]
        for position in range(18)
        for char in CHARSET
        if char != code[position]
    ]
    assert len(corruptions) == 18 * 30
    codes = []
    for corrupted in corruptions:
        with pytest.raises(ValidationError) as info:
            validate_credit_code(corrupted)
        codes.append(info.value.code)
    assert set(codes) == {"checksum"}


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("91350100m000100y43", "91350100M000100Y43"),
        ("  91440300708461136t \n", "91440300708461136T"),
        ("\u300091110108551385082Q\u3000", "91110108551385082Q"),
        # Full-width digits and letters typed with a Chinese input method.
        ("９１３３０１００７１６１０５８５２Ｆ", "91330100716105852F"),
    ],
)
def test_lower_case_spaces_and_full_width_are_normalised(raw, normalised):
    assert normalize_credit_code(raw) == normalised
    validate_credit_code(raw)


@pytest.mark.parametrize("value", ["", "9135010", "91350100M000100Y4", "91350100M000100Y431"])
def test_wrong_length_is_reported(value):
    error = validation_error(value)
    assert error.code == "length"
    assert error.messages == [
        f"A unified social credit code has 18 characters; this one has {len(value)}."
    ]


def test_letters_never_used_are_reported_with_their_positions():
    error = validation_error("91350100I000100O4S")
    assert error.code == "charset"
    assert error.messages == [
        "The unified social credit code contains characters that are not allowed "
        "(position:character): 9:I, 16:O, 18:S. I, O, Z, S and V are never used."
    ]


def test_punctuation_inside_the_code_is_a_charset_error():
    error = validation_error("91350100-000100Y43")
    assert error.code == "charset"
    assert "9:-" in error.messages[0]


def test_wrong_check_character_names_the_expected_one():
    error = validation_error("91350100M000100Y44")
    assert error.code == "checksum"
    assert error.messages == [
        "The check character (18th) of the unified social credit code should be "
        "“3” but is “4”; please check the code."
    ]


def test_swapping_two_adjacent_characters_is_caught():
    # The weights differ position to position, so a transposition changes the sum.
    code = "91440300708461136T"
    swapped = code[:9] + code[10] + code[9] + code[11:]
    assert swapped != code
    assert validation_error(swapped).code == "checksum"
