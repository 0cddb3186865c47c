"""The talent search: the indexed text of an expert and the query that matches it."""

from django.db.models import QuerySet

from .models import Expert
from .text import normalize, query_terms


def expert_search_text(expert: Expert) -> str:
    """What free-text search sees: name, employer, title and research directions, each
    normalised (Simplified, half-width, lower case) and separated by newlines."""
    parts = [expert.name, expert.employer, expert.title, *expert.direction_list()]
    return "\n".join(normalize(part) for part in parts if part)


def expert_index(expert: Expert) -> Expert:
    """Refresh the denormalised search text on the instance (the caller saves it)."""
    expert.search_text = expert_search_text(expert)
    return expert


def experts_matching(queryset: QuerySet[Expert], query: str) -> QuerySet[Expert]:
    for term in query_terms(query):
        queryset = queryset.filter(search_text__contains=term)
    return queryset


def reindex_experts(queryset: QuerySet[Expert] | None = None, batch_size: int = 2000) -> int:
    """Recompute the search text of many experts (after a change to normalisation)."""
    queryset = queryset if queryset is not None else Expert.objects.all()
    count, batch = 0, []
    for expert in queryset.only("pk", "name", "employer", "title", "research_directions"):
        batch.append(expert_index(expert))
        if len(batch) >= batch_size:
            count += Expert.objects.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        count += Expert.objects.bulk_update(batch, ["search_text"])
    return count
