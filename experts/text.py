"""Chinese text normalisation shared by the talent search, imports and (later) matching.

Everything that compares text goes through `normalize` first, so that Traditional and
Simplified script, full-width and half-width forms, and letter case compare equal.
"""

import re
import unicodedata
from functools import lru_cache

import opencc

_t2s = opencc.OpenCC("t2s")

# Technical words that Taiwan-sourced Traditional text writes differently, after t2s. Not
# OpenCC's tw2sp: its phrase table also rewrites 哈萨克 as 哈萨克斯坦 (Kazakhstan), which would
# break 伊犁哈萨克自治州 and every 哈萨克族 name here.
TAIWAN_TERMS = {
    "矽": "硅",
    "软体": "软件",
    "硬体": "硬件",
    "韧体": "固件",
    "感测器": "传感器",
    "感测": "传感",
    "资料库": "数据库",
    "网路": "网络",
    "记忆体": "内存",
    "积体电路": "集成电路",
    "晶片": "芯片",
    "伺服器": "服务器",
    "演算法": "算法",
    "程式设计": "程序设计",
    "程式码": "代码",
    "雷射": "激光",
    "奈米": "纳米",
    "数位": "数字",
    "高阶工程师": "高级工程师",
}
_TAIWAN = re.compile("|".join(sorted(TAIWAN_TERMS, key=len, reverse=True)))

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{CJK}])\s+(?=[{CJK}])")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(rf"[{CJK}]+|[a-z0-9]+(?:[.+#-][a-z0-9]+)*")


@lru_cache(maxsize=200_000)
def normalize(text: str) -> str:
    """Simplified script (and mainland technical words for Taiwan ones: 矽 → 硅), half-width
    forms, lower case, single spaces, no space inside Chinese runs (people type 锂电池 正极
    and 锂电池正极 for the same thing)."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _TAIWAN.sub(lambda m: TAIWAN_TERMS[m.group()], _t2s.convert(text)).lower()
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
