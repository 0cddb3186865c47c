"""Chinese text normalisation shared by the talent search, imports and (later) matching.

Everything that compares text goes through `normalize` first, so that Traditional and
Simplified script, full-width and half-width forms, and letter case compare equal.
"""

import re
import unicodedata
from functools import lru_cache

import opencc

_t2s = opencc.OpenCC("t2s")

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{CJK}])\s+(?=[{CJK}])")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(rf"[{CJK}]+|[a-z0-9]+(?:[.+#-][a-z0-9]+)*")


@lru_cache(maxsize=200_000)
def normalize(text: str) -> str:
    """Simplified script, half-width forms, lower case, single spaces, no space inside
    Chinese runs (people type 锂电池 正极 and 锂电池正极 for the same thing)."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _t2s.convert(text).lower()
    text = _SPACE_BETWEEN_CJK.sub("", text)
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(60)
    return jieba


STOP_WORDS = frozenset(
    [
        "的",
        "与",
        "和",
        "及",
        "或",
        "等",
        "在",
        "对",
        "中",
        "为",
        "了",
        "是",
        "以",
        "其",
        "之",
        "及其",
        "相关",
        "研究",
        "方向",
        "技术",
        "应用",
        "领域",
        "方面",
        "问题",
    ]
)


def query_terms(query: str) -> list[str]:
    """Split a free-text query into the terms that must all occur.

    Whitespace-separated parts are segmented with jieba, so 锂电池正极材料 and 锂电池 正极材料
    ask for the same words; stop words are dropped unless nothing else is left."""
    words: list[str] = []
    for run in _WORD.findall(normalize(query)):
        if run.isascii():
            words.append(run)
            continue
        words.extend(word for word in _jieba().cut(run) if word.strip())
    meaningful = [word for word in words if word not in STOP_WORDS]
    return list(dict.fromkeys(meaningful or words))
