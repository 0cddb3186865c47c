"""Role predicates shared by every app's rules."""

import rules

from .models import User


@rules.predicate
def is_platform_admin(user) -> bool:
    return user.is_authenticated and user.is_platform_admin


@rules.predicate
def is_cast_staff(user) -> bool:
    return user.is_authenticated and user.is_cast_staff


@rules.predicate
def is_enterprise_member(user) -> bool:
    return user.is_authenticated and user.role == User.Role.ENTERPRISE and bool(user.enterprise_id)


@rules.predicate
def is_expert(user) -> bool:
    return user.is_authenticated and user.role == User.Role.EXPERT


@rules.predicate
def is_society_admin(user) -> bool:
    return user.is_authenticated and user.role == User.Role.SOCIETY_ADMIN


@rules.predicate
def is_official(user) -> bool:
    return user.is_authenticated and user.role == User.Role.OFFICIAL


is_staff_or_admin = is_cast_staff | is_platform_admin
