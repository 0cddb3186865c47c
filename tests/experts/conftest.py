"""The assignment workflow's cast on top of tests/conftest.py: the expert_user's profile, a
second expert with an account, a problem of enterprise A (塔城, so staff_tc's and staff_xj's,
not staff_ks's) that passed 保密审查, and an invitation of the expert to it by staff_tc."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from experts.models import Assignment, Expert
from experts.services.assignments import assignment_accept, assignment_invite
from problems.models import Attachment, Problem
from tests.factories import ExpertFactory, ReadyProblemFactory, UserFactory, png_bytes


def in_days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def invite(problem: Problem, expert: Expert, by, **kwargs) -> Assignment:
    kwargs.setdefault("due_date", in_days(14))
    return assignment_invite(problem=problem, expert=expert, by=by, **kwargs)


@pytest.fixture
def expert(expert_user) -> Expert:
    return Expert.objects.get(user=expert_user)


@pytest.fixture
def other_expert_user(db):
    user = UserFactory(username="expert2", display_name="王研究员", role="expert")
    ExpertFactory(user=user, name="王研究员", ref="ZJ-T-OTHER", employer="石河子大学")
    return user


@pytest.fixture
def other_expert(other_expert_user) -> Expert:
    return Expert.objects.get(user=other_expert_user)


@pytest.fixture
def problem(ent_a, ent_a_user) -> Problem:
    return ReadyProblemFactory(
        enterprise=ent_a,
        title="企业原题：高纯石英砂提纯",
        bottleneck="企业原文：我公司年产值两亿元，杂质含量过高。",
    )


@pytest.fixture
def invitation(problem, expert, staff_tc) -> Assignment:
    return invite(problem, expert, staff_tc)


@pytest.fixture
def accepted(invitation, expert_user) -> Assignment:
    return assignment_accept(invitation, by=expert_user, no_conflict=True)


@pytest.fixture
def attachment(problem):
    """An attachment of the enterprise's problem (staff may release it to the experts)."""
    item = Attachment(problem=problem, original_name="工艺.png", content_type="image/png", size=1)
    item.file.save("工艺.png", ContentFile(png_bytes()), save=False)
    item.size = item.file.size
    item.save()
    return item
