import pytest

from accounts.privacy import mask_email, mask_mobile


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13811221122", "138****1122"),
        ("+8613811221122", "+86****1122"),
        (" 13811221122 ", "138****1122"),
        ("0901-6221", "*******21"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_mobile(value, masked):
    assert mask_mobile(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("zhang.san@xju.edu.cn", "z***@xju.edu.cn"),
        ("李@例子.中国", "李***@例子.中国"),
        ("no-at-sign", "***"),
        ("@example.cn", "***"),
        ("", ""),
    ],
)
def test_mask_email(value, masked):
    assert mask_email(value) == masked
