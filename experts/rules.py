"""The talent pool is shared: every staff user may read it; staff edit and verify only the
experts and societies of their region; experts see themselves; society admins their society."""

import rules
from django.db.models import QuerySet

from accounts.models import User
from accounts.rules import is_cast_staff, is_expert, is_platform_admin, is_society_admin

from .models import Expert, Society


def experts_visible_to(user: User) -> QuerySet[Expert]:
    if not user.is_authenticated:
        return Expert.objects.none()
    if user.is_platform_admin or user.is_cast_staff:
        return Expert.objects.all()
    return Expert.objects.filter(user=user)


def societies_visible_to(user: User) -> QuerySet[Society]:
    if not user.is_authenticated:
        return Society.objects.none()
    if user.is_platform_admin or user.is_cast_staff:
        return Society.objects.all()
    return Society.objects.filter(admins=user)


@rules.predicate
def is_self(user, expert) -> bool:
    return expert.user_id is not None and expert.user_id == user.pk


@rules.predicate
def is_region_of(user, obj) -> bool:
    return user.in_scope(obj.region_id)


@rules.predicate
def administers(user, society) -> bool:
    return society.admins.filter(pk=user.pk).exists()


rules.add_perm("experts.view_expert", is_platform_admin | is_cast_staff | (is_expert & is_self))
rules.add_perm("experts.verify_expert", is_platform_admin | (is_cast_staff & is_region_of))
rules.add_perm("experts.list_experts", is_platform_admin | is_cast_staff)
rules.add_perm(
    "experts.view_society", is_platform_admin | is_cast_staff | (is_society_admin & administers)
)
