"""Business logic of the experts app, split along model lines: the talent pool (experts,
profile changes, declared conflicts, societies) and the assignment workflow (invitations,
delegations to societies, review opinions, bulk proposals, reminders)."""

from .pool import (
    CONFIRMED_FIELDS,
    INDEXED_FIELDS,
    PROFILE_FIELDS,
    conflict_add,
    conflict_remove,
    expert_register,
    expert_update_profile,
    expert_verify,
    profile_change_decide,
    society_member_add,
    society_member_remove,
    society_update,
)

__all__ = [
    "CONFIRMED_FIELDS",
    "INDEXED_FIELDS",
    "PROFILE_FIELDS",
    "conflict_add",
    "conflict_remove",
    "expert_register",
    "expert_update_profile",
    "expert_verify",
    "profile_change_decide",
    "society_member_add",
    "society_member_remove",
    "society_update",
]
