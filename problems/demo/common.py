"""Random values every part of the demo world draws the same way."""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone


def random_mobile(rng: random.Random) -> str:
    return "1" + rng.choice("3578") + "".join(rng.choice("0123456789") for _ in range(9))


def random_moment(day: date, rng: random.Random) -> datetime:
    """A moment during office hours on `day`, in the project's time zone."""
    at = time(rng.randint(9, 18), rng.randint(0, 59), rng.randint(0, 59))
    return timezone.make_aware(datetime.combine(day, at))


def random_day(lo: date, hi: date, rng: random.Random) -> date:
    return lo + timedelta(days=rng.randint(0, max(0, (hi - lo).days)))


def pdf_file(objects: list[bytes]) -> bytes:
    """A well-formed PDF of `objects` (numbered from 1; the first is the catalog): header,
    objects, cross-reference table with the right offsets, trailer."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def staff_for(users: dict, region_code: str):
    """The demo staff member who handles a region's work (the prefecture's, else staff_xj)."""
    from .data import PREFECTURE_STAFF

    return users[PREFECTURE_STAFF.get(region_code[:4], "staff_xj")]


def expert_account(expert, password_hash: str):
    """(the expert's user account, whether it was created now): demo experts who are matched,
    lead a topic or serve on one get an account of their own."""
    from accounts.models import User
    from experts.models import Expert

    if expert.user_id:
        return expert.user, False
    user = User.objects.create(
        username=f"zj{expert.pk}",
        password=password_hash,
        email=expert.email,
        role=User.Role.EXPERT,
        display_name=expert.name,
    )
    Expert.objects.filter(pk=expert.pk).update(user=user)
    expert.user = user
    return user, True
