"""The matcher: ranks experts (and societies) for a problem, over plain records.

Score of an expert for a problem, all parts in [0, 1]:

    text  = BM25F over words (fields weighted by what they say about expertise)
            + BM25 over character bigrams at a lower weight, scaled by the best candidate;
    fit   = discipline affinity: how much of the problem's discipline profile the expert's
            disciplines cover. The profile mixes the industry → discipline table (GB/T 4754
            major category → GB/T 13745), discipline names in the problem's text, and the
            disciplines of the best text matches (pseudo-relevance feedback);
    score = text · (FLOOR + (1 − FLOOR) · fit) + FIT_ONLY · fit + small region bonus.

A false friend (an expert on 反渗透膜 for a 膜下滴灌 problem) has text but no fit, and sinks
below the experts of the right field; an expert of the right field whose directions use other
words still gets FIT_ONLY · fit. BM25 weights are precomputed into a sparse experts × terms
matrix, so a query is a sum of a few dozen sparse columns."""

from array import array
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from .analysis import Analyzer, bigrams

K1, B = 1.2, 0.75
# How much each field of an expert's record says about their expertise.
FIELD_WEIGHTS = {
    "directions": 1.0,
    "disciplines": 0.7,
    "parent_disciplines": 0.3,
    "title": 0.25,
    "societies": 0.25,
    "employer": 0.1,
}
# How much each part of a problem says about what is needed.
QUERY_WEIGHTS = {
    "title": 2.0,
    "bottleneck": 1.0,
    "expected_goal": 0.6,
    "indicators": 0.5,
    "background": 0.4,
    "industry": 0.5,
}
BIGRAM_WEIGHT = 0.35
FLOOR = 0.5
FIT_ONLY = 0.05
REGION_BONUS = 0.02
PRF_DEPTH = 15
# Societies are judged by their members among this many best experts.
SOCIETY_DEPTH = 200
PROFILE_MIX = {"industry": 0.45, "feedback": 0.45, "mentioned": 0.1}


@dataclass(frozen=True)
class ExpertRecord:
    id: int
    ref: str
    name: str
    employer: str
    title: str
    directions: str
    disciplines: tuple[str, ...]
    region: str
    societies: tuple[int, ...] = ()


@dataclass(frozen=True)
class SocietyRecord:
    id: int
    ref: str
    name: str
    description: str
    disciplines: tuple[str, ...]
    members: tuple[int, ...]


@dataclass(frozen=True)
class ProblemRecord:
    id: int | None
    ref: str
    fields: dict[str, str]
    industry: str
    region: str


@dataclass
class Taxonomy:
    """Discipline names and parents, and the industry → discipline affinity table."""

    names: dict[str, str]
    parents: dict[str, str | None]
    industry_affinity: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass
class _Scores:
    """Everything one problem's scoring computes, per expert and for the problem."""

    score: np.ndarray
    text: np.ndarray
    fit: np.ndarray
    same_region: np.ndarray
    profile: dict[str, float]
    word_cols: list[int]
    word_weights: np.ndarray


@dataclass
class Ranked:
    index: int
    score: float
    text: float
    fit: float
    terms: list[str]
    disciplines: list[str]
    same_region: bool


class _Bm25Matrix:
    """Experts × terms BM25 weights for one feature space, filled one expert at a time into
    compact arrays (a pool of 100,000 has millions of entries: no Python list per entry)."""

    def __init__(self):
        self.vocab: dict[str, int] = {}
        self._rows, self._cols, self._tfs = array("i"), array("i"), array("f")
        self._lengths = array("f")

    def add(self, doc: dict[str, float]) -> None:
        row = len(self._lengths)
        vocab = self.vocab
        for term, tf in doc.items():
            self._rows.append(row)
            self._cols.append(vocab.setdefault(term, len(vocab)))
            self._tfs.append(tf)
        self._lengths.append(sum(doc.values()))

    def finish(self) -> None:
        n = len(self._lengths)
        self.terms = list(self.vocab)  # column → term
        rows = np.frombuffer(self._rows, dtype=np.int32)
        cols = np.frombuffer(self._cols, dtype=np.int32)
        tf = np.frombuffer(self._tfs, dtype=np.float32)
        lengths = np.frombuffer(self._lengths, dtype=np.float32)
        df = np.bincount(cols, minlength=len(self.vocab)).astype(np.float32)
        idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
        avg = float(lengths.mean()) if n else 1.0
        norm = (K1 * (1 - B + B * lengths / (avg or 1.0))).astype(np.float32)
        weights = idf[cols] * tf * (K1 + 1) / (tf + norm[rows])
        self.matrix = sparse.csc_matrix(
            (weights, (rows, cols)), shape=(n, max(len(self.vocab), 1)), dtype=np.float32
        )
        del self._rows, self._cols, self._tfs, self._lengths

    def scores(self, query: dict[str, float]) -> tuple[np.ndarray, list[int], np.ndarray]:
        cols = [self.vocab[t] for t in query if t in self.vocab]
        n = self.matrix.shape[0]
        if not cols:
            return np.zeros(n, dtype=np.float32), [], np.zeros(0, dtype=np.float32)
        weights = np.asarray([query[t] for t in query if t in self.vocab], dtype=np.float32)
        return self.matrix[:, cols] @ weights, cols, weights


class MatchIndex:
    def __init__(
        self,
        experts: list[ExpertRecord],
        taxonomy: Taxonomy,
        analyzer: Analyzer,
        societies: Iterable[SocietyRecord] = (),
    ):
        self.experts = experts
        self.taxonomy = taxonomy
        self.analyzer = analyzer
        self.position = {expert.id: i for i, expert in enumerate(experts)}
        self.societies = list(societies)
        society_text = {s.id: f"{s.name}\n{s.description}" for s in self.societies}
        self.words, self.grams = _Bm25Matrix(), _Bm25Matrix()
        for expert in experts:
            fields = self._expert_fields(expert, society_text)
            words: dict[str, float] = defaultdict(float)
            grams: dict[str, float] = defaultdict(float)
            for name, text in fields.items():
                weight = FIELD_WEIGHTS[name]
                for term, tf in analyzer.terms(text).items():
                    words[term] += weight * tf
                if name in ("directions", "disciplines"):
                    for gram, tf in bigrams(text).items():
                        grams[gram] += weight * tf
            self.words.add(words)
            self.grams.add(grams)
        self.words.finish()
        self.grams.finish()
        self.first_codes, self.second_codes, self.first_m, self.second_m = self._discipline_m()
        self.region_prefixes = np.asarray([region_prefix(e.region) for e in experts], dtype=str)

    def _expert_fields(self, expert: ExpertRecord, society_text: dict[int, str]) -> dict:
        names = self.taxonomy.names
        parents = {self.taxonomy.parents.get(code) for code in expert.disciplines}
        return {
            "directions": expert.directions,
            "disciplines": "\n".join(names.get(code, "") for code in expert.disciplines),
            "parent_disciplines": "\n".join(
                names.get(code, "") for code in parents if code and code not in expert.disciplines
            ),
            "title": expert.title,
            "societies": "\n".join(society_text.get(s, "") for s in expert.societies),
            "employer": expert.employer,
        }

    def _discipline_m(self):
        firsts: dict[str, int] = {}
        seconds: dict[str, int] = {}
        f_rows, f_cols, s_rows, s_cols = [], [], [], []
        for i, expert in enumerate(self.experts):
            for code in {code[:3] for code in expert.disciplines}:
                f_rows.append(i)
                f_cols.append(firsts.setdefault(code, len(firsts)))
            for code in expert.disciplines:
                if len(code) > 3:
                    s_rows.append(i)
                    s_cols.append(seconds.setdefault(code, len(seconds)))
        n = len(self.experts)

        def build(rows, cols, width):
            data = np.ones(len(rows), dtype=np.float32)
            return sparse.csr_matrix((data, (rows, cols)), shape=(n, max(width, 1)))

        return (
            firsts,
            seconds,
            build(f_rows, f_cols, len(firsts)),
            build(s_rows, s_cols, len(seconds)),
        )

    # --- ranking ------------------------------------------------------------------------

    def query_terms(self, problem: ProblemRecord) -> tuple[dict[str, float], dict[str, float]]:
        words: dict[str, float] = defaultdict(float)
        grams: dict[str, float] = defaultdict(float)
        for name, text in problem.fields.items():
            weight = QUERY_WEIGHTS.get(name, 0.5)
            for term, tf in self.analyzer.terms(text).items():
                words[term] += weight * tf * self.analyzer.specificity(term)
            if name != "industry":
                for gram, tf in bigrams(text).items():
                    grams[gram] += weight * tf
        # Repetition in a long description shouldn't outweigh the title.
        cap = lambda q: {t: min(w, 3.0) for t, w in q.items()}  # noqa: E731
        return cap(words), cap(grams)

    def profile(self, problem: ProblemRecord, text: np.ndarray) -> dict[str, float]:
        """The problem's discipline profile: weights over discipline codes, summing to 1."""
        parts: dict[str, dict[str, float]] = {}
        parts["industry"] = dict(self.taxonomy.industry_affinity.get(problem.industry, {}))
        mentioned: dict[str, float] = {}
        body = "".join(problem.fields.values())
        for code, name in self.taxonomy.names.items():
            if len(name) >= 3 and name in body:
                mentioned[code] = 1.0
        parts["mentioned"] = mentioned
        feedback: dict[str, float] = defaultdict(float)
        if text.max(initial=0) > 0:
            top = np.argpartition(-text, min(PRF_DEPTH, len(text) - 1))[:PRF_DEPTH]
            for i in top:
                if text[i] <= 0:
                    continue
                codes = self.experts[i].disciplines
                for code in codes:
                    feedback[code] += float(text[i]) / len(codes)
        parts["feedback"] = feedback
        profile: dict[str, float] = defaultdict(float)
        for name, weights in parts.items():
            total = sum(weights.values())
            if total <= 0:
                continue
            for code, weight in weights.items():
                profile[code] += PROFILE_MIX[name] * weight / total
        total = sum(profile.values())
        return {code: w / total for code, w in profile.items()} if total else {}

    def fit(self, profile: dict[str, float]) -> np.ndarray:
        """Per expert, the share of the profile their disciplines cover: a first-level match
        counts 0.6, a second-level match the other 0.4 (first-level profiles count fully)."""
        n = len(self.experts)
        if not profile:
            return np.zeros(n, dtype=np.float32)
        first = np.zeros(self.first_m.shape[1], dtype=np.float32)
        second = np.zeros(self.second_m.shape[1], dtype=np.float32)
        coarse = 0.0
        for code, weight in profile.items():
            col = self.first_codes.get(code[:3])
            if col is not None:
                first[col] += weight
            if len(code) > 3:
                col = self.second_codes.get(code)
                if col is not None:
                    second[col] += weight
            else:
                coarse += weight
        f = self.first_m @ first
        s = self.second_m @ second
        fit = 0.6 * f + 0.4 * np.minimum(s + coarse * (f > 0), f)
        peak = fit.max(initial=0)
        return (fit / peak).astype(np.float32) if peak > 0 else fit.astype(np.float32)

    def _score(self, problem: ProblemRecord) -> _Scores:
        words, grams = self.query_terms(problem)
        word_scores, word_cols, word_weights = self.words.scores(words)
        gram_scores, _, _ = self.grams.scores(grams)
        text = word_scores + BIGRAM_WEIGHT * gram_scores
        profile = self.profile(problem, text)
        fit = self.fit(profile)
        peak = text.max(initial=0)
        text_n = text / peak if peak > 0 else text
        score = text_n * (FLOOR + (1 - FLOOR) * fit) + FIT_ONLY * fit
        same_region = self._same_region(problem.region)
        score = score + REGION_BONUS * same_region * (score > 0)
        return _Scores(score, text_n, fit, same_region, profile, word_cols, word_weights)

    @staticmethod
    def _best(score: np.ndarray, limit: int) -> np.ndarray:
        """Positions of the `limit` best positive scores, best first; equal scores in pool
        order, so the ranking is repeatable."""
        candidates = np.flatnonzero(score > 0)
        if len(candidates) > limit:
            candidates = candidates[np.argpartition(-score[candidates], limit - 1)[:limit]]
        return candidates[np.lexsort((candidates, -score[candidates]))]

    def rank(
        self,
        problem: ProblemRecord,
        *,
        limit: int,
        allowed: Collection[int] | None = None,
    ) -> list[Ranked]:
        """The `limit` best experts (by position in `experts`), best first."""
        scored = self._score(problem)
        score = scored.score
        if allowed is not None:
            mask = np.zeros(len(score), dtype=bool)
            mask[[self.position[pk] for pk in allowed if pk in self.position]] = True
            score = np.where(mask, score, -1.0)
        order = self._best(score, limit)
        terms = self._terms_of(order, scored.word_cols, scored.word_weights)
        return [
            Ranked(
                index=int(i),
                score=float(score[i]),
                text=float(scored.text[i]),
                fit=float(scored.fit[i]),
                terms=row_terms,
                disciplines=[
                    c for c in self.experts[i].disciplines if self._in_profile(c, scored.profile)
                ],
                same_region=bool(scored.same_region[i]),
            )
            for i, row_terms in zip(order, terms, strict=True)
        ]

    def _terms_of(self, rows: np.ndarray, cols: list[int], weights: np.ndarray) -> list[list]:
        """The query words that count most in each row's score (no word inside another)."""
        if not cols or not len(rows):
            return [[] for _ in rows]
        block = self.words.matrix[:, cols].tocsr()[rows].toarray() * weights
        result = []
        for values in block:
            ranked = sorted(
                ((v, self.words.terms[c]) for v, c in zip(values, cols, strict=True) if v > 0),
                reverse=True,
            )
            kept: list[str] = []
            for _, term in ranked:
                # A lone character (业, 带) scores a little but explains nothing.
                if len(term) > 1 and not any(term in other for other in kept):
                    kept.append(term)
            result.append(kept[:6])
        return result

    def _in_profile(self, code: str, profile: dict[str, float]) -> bool:
        return any(p == code or p[:3] == code[:3] for p in profile if profile[p] >= 0.02)

    def _same_region(self, region: str) -> np.ndarray:
        prefix = region_prefix(region)
        if not prefix:
            return np.zeros(len(self.experts), dtype=np.float32)
        return (self.region_prefixes == prefix).astype(np.float32)

    # --- societies ----------------------------------------------------------------------

    def rank_societies(self, problem: ProblemRecord, *, top: int):
        """Societies by their disciplines' fit with the problem's profile and by the scores
        of their best members among the SOCIETY_DEPTH best experts:
        [(society, score, fitting disciplines, ids of the best members)]."""
        scored = self._score(problem)
        expert_scores = {
            self.experts[i].id: float(scored.score[i])
            for i in self._best(scored.score, SOCIETY_DEPTH)
        }
        profile = scored.profile
        results = []
        for society in self.societies:
            codes = [c for c in society.disciplines if self._in_profile(c, profile)]
            fit = min(1.0, sum(self._code_weight(c, profile) for c in society.disciplines) * 2)
            members = sorted(
                ((expert_scores.get(m, 0.0), m) for m in society.members), reverse=True
            )[:3]
            expertise = sum(score for score, _ in members) / 3
            score = 0.5 * fit + 0.5 * expertise
            if score > 0:
                results.append((society, score, codes, [m for s, m in members if s > 0]))
        results.sort(key=lambda row: -row[1])
        return results[:top]

    def _code_weight(self, code: str, profile: dict[str, float]) -> float:
        return sum(
            w if p == code else 0.5 * w if p[:3] == code[:3] else 0.0 for p, w in profile.items()
        )


def region_prefix(code: str) -> str:
    """The prefecture part of a GB/T 2260 code (652301 → 6523; Corps cities keep 6 digits)."""
    if not code:
        return ""
    if code.startswith("659"):
        return code
    return code[:4]
