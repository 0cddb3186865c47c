"""Text analysis for matching: normalised, segmented, weighted terms and character bigrams.

Text is normalised first (Traditional → Simplified, full-width → half-width, lower case; see
experts.text.normalize), then segmented by jieba with our domain dictionary of technical
terms (experts/data/terms.txt) and the GB/T 13745 discipline names, so that 膜下滴灌 and
反渗透膜 stay whole words and don't meet on 膜. Dictionary sub-words of a long word (电池 in
锂电池) count at a lower weight, single characters lower still, stop words not at all.
Character bigrams are a second, separate feature space for the words jieba splits
differently in two texts."""

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from ..text import CJK, STOP_WORDS, normalize

DATA = Path(__file__).resolve().parent.parent / "data"
TERMS_FILE = DATA / "terms.txt"
STOP_FILE = DATA / "stopwords.txt"

_RUN = re.compile(rf"[{CJK}]+|[a-z][a-z0-9]*(?:[.+#-][a-z0-9]+)*|[0-9]+[a-z][a-z0-9]*")
_CJK_RUN = re.compile(rf"[{CJK}]+")

SUBWORD_WEIGHT = 0.5
SINGLE_CHAR_WEIGHT = 0.3
# A word this frequent in general Chinese (jieba's counts) weighs half in a query.
GENERAL_FREQ_SCALE = 3000


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    extra = []
    if STOP_FILE.exists():
        extra = [
            line.strip()
            for line in STOP_FILE.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        ]
    return STOP_WORDS | frozenset(normalize(word) for word in extra)


class Analyzer:
    """A jieba tokenizer of its own (the talent search keeps the default one) loaded with the
    domain dictionary and any extra words (discipline names)."""

    def __init__(self, extra_words: tuple[str, ...] = ()):
        import jieba

        jieba.setLogLevel(60)
        self.jieba = jieba.Tokenizer()
        self.jieba.initialize()
        # General-language frequency of the words we add, before our dictionary changes it.
        self.base_freq: dict[str, int | None] = {}
        if TERMS_FILE.exists():
            for line in TERMS_FILE.read_text(encoding="utf-8").splitlines():
                parts = line.split()
                if parts and not line.startswith("#"):
                    freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 2000
                    self._add(normalize(parts[0]), freq)
        for word in extra_words:
            word = normalize(word)
            if len(word) >= 2 and word not in self.jieba.FREQ:
                self._add(word, 1000)
        self.stop = stop_words()
        self._cache: dict[str, dict[str, float]] = {}

    def _add(self, word: str, freq: int) -> None:
        self.base_freq.setdefault(word, self.jieba.FREQ.get(word) or None)
        self.jieba.add_word(word, freq)

    def specificity(self, word: str) -> float:
        """How specific a word is, from its frequency in general Chinese (jieba's dictionary):
        稳定, 系统, 农业 say little about the expertise a problem needs; 肉苁蓉, 覆冰, 正极 a lot.
        Words only our technical dictionary knows count fully."""
        freq = self.base_freq[word] if word in self.base_freq else self.jieba.FREQ.get(word)
        if not freq:
            return 1.0
        return 1.0 / (1.0 + (freq / GENERAL_FREQ_SCALE) ** 0.5)

    def terms(self, text: str) -> dict[str, float]:
        """Weighted terms of a text (memoised: the same discipline or society text recurs)."""
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        counts: Counter[str] = Counter()
        freq = self.jieba.FREQ
        for run in _RUN.findall(normalize(text)):
            if not _CJK_RUN.fullmatch(run):
                if len(run) > 1:
                    counts[run] += 1.0
                continue
            for word in self.jieba.cut(run, HMM=False):
                if word in self.stop:
                    continue
                if len(word) == 1:
                    counts[word] += SINGLE_CHAR_WEIGHT
                    continue
                counts[word] += 1.0
                if len(word) >= 3:
                    for size in (2, 3):
                        for i in range(len(word) - size + 1):
                            sub = word[i : i + size]
                            if sub != word and freq.get(sub) and sub not in self.stop:
                                counts[sub] += SUBWORD_WEIGHT
        result = dict(counts)
        if len(self._cache) < 20_000:
            self._cache[text] = result
        return result


def bigrams(text: str) -> dict[str, float]:
    counts: Counter[str] = Counter()
    for run in _CJK_RUN.findall(normalize(text)):
        for i in range(len(run) - 1):
            counts[run[i : i + 2]] += 1.0
    return dict(counts)
