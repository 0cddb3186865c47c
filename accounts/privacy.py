"""Personal data shown only to those who need it (个人信息保护法): elsewhere contact details are
masked, keeping enough to recognise them (138****1122, z***@xju.edu.cn)."""


def mask_mobile(value: str) -> str:
    """The first three and the last four digits of a mobile number; shorter numbers keep
    only their last two characters."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) >= 11:
        return f"{value[:3]}****{value[-4:]}"
    return "*" * max(len(value) - 2, 1) + value[-2:]


def mask_email(value: str) -> str:
    """The first character of the mailbox and the whole domain: the domain says where the
    person works, which the profile shows anyway."""
    value = (value or "").strip()
    if not value:
        return ""
    mailbox, at, domain = value.rpartition("@")
    if not at or not mailbox:
        return "***"
    return f"{mailbox[0]}***@{domain}"
