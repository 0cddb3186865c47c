from .reports import (
    Adoption,
    Download,
    Instruction,
    Report,
    ReportEvent,
    ReportImage,
    ReportRevision,
    Series,
)
from .topics import Milestone, Topic, TopicDocument, TopicEvent, TopicMember, TopicUpdate

__all__ = [
    "Adoption",
    "Download",
    "Instruction",
    "Milestone",
    "Report",
    "ReportEvent",
    "ReportImage",
    "ReportRevision",
    "Series",
    "Topic",
    "TopicDocument",
    "TopicEvent",
    "TopicMember",
    "TopicUpdate",
]
