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
