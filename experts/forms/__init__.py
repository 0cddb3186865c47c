from .pool import (
    ChangeDecisionForm,
    ConflictForm,
    ExpertProfileForm,
    ExpertRefField,
    MemberAddForm,
    SocietyForm,
)

__all__ = [
    "ChangeDecisionForm",
    "ConflictForm",
    "ExpertProfileForm",
    "ExpertRefField",
    "MemberAddForm",
    "SocietyForm",
]
