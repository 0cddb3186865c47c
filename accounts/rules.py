"""Role predicates shared by every app's rules."""

import rules
from django.conf import settings

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


@rules.predicate
def is_root_staff(user) -> bool:
    """CAST staff of the autonomous region itself (ROOT_REGION_CODE)."""
    # region_id is the region's code: no query for the region itself.
    return (
        user.is_authenticated and user.is_cast_staff and user.region_id == settings.ROOT_REGION_CODE
    )


# The audit log and the login lockout: the autonomous region's staff and platform admins.
rules.add_perm("accounts.view_audit_log", is_root_staff | is_platform_admin)
rules.add_perm("accounts.unlock_account", is_root_staff | is_platform_admin)
