from .matching import (
    DelegateForm,
    InviteForm,
    ProposalConfirmForm,
    ProposalCreateForm,
    ProposalItemAddForm,
)
from .personal import DeletionRequestForm
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
    "DelegateForm",
    "DeletionRequestForm",
    "ExpertProfileForm",
    "ExpertRefField",
    "InviteForm",
    "MemberAddForm",
    "ProposalConfirmForm",
    "ProposalCreateForm",
    "ProposalItemAddForm",
    "SocietyForm",
]
