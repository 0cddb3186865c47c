"""The talent search: the indexed text of an expert and the query that matches it.

`search_text` holds the normalised name, employer, title and directions, one per line, and
a last line of the character bigrams of the Chinese runs (and the Latin words). Matching is
by substring (`LIKE`) for each query term, which makes it exact and blind to segmentation;
on PostgreSQL a GIN index over the bigram tokens (`to_tsvector('simple', search_text)`)
first narrows the rows, so the substring test runs on a few hundred rows, not the pool."""

import re

from django.db import connection
from django.db.models import BooleanField, F, Func, QuerySet, Value

from .models import Expert
from .text import CJK, normalize, query_terms

_CJK_RUN = re.compile(rf"[{CJK}]+")
_LATIN_WORD = re.compile(r"[a-z0-9]+")
GIN_INDEX = "experts_expert_search_gin"


def text_grams(text: str) -> list[str]:
    """Bigrams of each Chinese run and the Latin words, in order, without repeats."""
    grams: list[str] = []
    for run in _CJK_RUN.findall(text):
        grams.extend(run[i : i + 2] for i in range(len(run) - 1))
    grams.extend(_LATIN_WORD.findall(text))
    return list(dict.fromkeys(grams))


def search_text_for(name: str, employer: str, title: str, directions: str) -> str:
    parts = [name, employer, title, *directions.splitlines()]
    body = "\n".join(normalize(part) for part in parts if part and part.strip())
    grams = text_grams(body)
    # The bigram line can't make a substring match that the text itself doesn't: its
    # tokens are two characters apart by a space, and query terms have no spaces.
    return f"{body}\n{' '.join(grams)}" if grams else body


def expert_search_text(expert: Expert) -> str:
    return search_text_for(expert.name, expert.employer, expert.title, expert.research_directions)


def expert_index(expert: Expert) -> Expert:
    """Refresh the denormalised search text on the instance (the caller saves it)."""
    expert.search_text = expert_search_text(expert)
    return expert


class TsMatch(Func):
    """to_tsvector('simple', <text>) @@ to_tsquery('simple', <query>) — the expression the
    GIN index is built on."""

    output_field = BooleanField()
    arity = 2

    def as_sql(self, compiler, connection, **extra_context):
        text, text_params = compiler.compile(self.source_expressions[0])
        query, query_params = compiler.compile(self.source_expressions[1])
        sql = (
            f"to_tsvector('simple'::regconfig, {text}) @@ to_tsquery('simple'::regconfig, {query})"
        )
        return sql, [*text_params, *query_params]


def experts_matching(queryset: QuerySet[Expert], query: str) -> QuerySet[Expert]:
    terms = query_terms(query)
    grams: list[str] = []
    for term in terms:
        queryset = queryset.filter(search_text__contains=term)
        grams.extend(text_grams(term))
    if grams and connection.vendor == "postgresql":
        tsquery = " & ".join(dict.fromkeys(grams))
        queryset = queryset.filter(TsMatch(F("search_text"), Value(tsquery)))
    return queryset
