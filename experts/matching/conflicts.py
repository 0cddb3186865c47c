"""Conflicts of interest between an expert and a problem's enterprise, over plain data.

Hard conflicts exclude the expert (never suggested, never assignable): the expert works for
the enterprise, declared it, or declared a conflict on this very problem. Likely conflicts
are flags shown beside the suggestion, which staff must confirm before assigning: the same
e-mail domain (webmail aside), or a shared distinctive stem in the names (same group)."""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from django.utils.translation import gettext as _

from ..text import normalize

WEBMAIL_DOMAINS = frozenset(
    {
        "qq.com",
        "vip.qq.com",
        "163.com",
        "vip.163.com",
        "126.com",
        "139.com",
        "188.com",
        "sina.com",
        "sina.cn",
        "vip.sina.com",
        "sohu.com",
        "yeah.net",
        "foxmail.com",
        "aliyun.com",
        "gmail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "yahoo.com",
        "icloud.com",
        "189.cn",
        "wo.cn",
    }
)

# Second-level labels under which the organisation is the third label (xjtu.edu.cn).
_SHARED_SLDS = frozenset({"com", "net", "org", "edu", "gov", "ac", "mil"})

_PUNCTUATION = re.compile(r"[\s()\[\]{}<>（）【】〔〕「」『』《》〈〉\"'“”‘’·・.,，、;；:：\-—_/]+")


def _words(text: str) -> list[str]:
    return text.split()


# Place names that open Chinese organisation names (then the 字号, the trade, the form).
_PLACES = _words(
    "中华人民共和国 中国 国家 新疆维吾尔自治区 新疆生产建设兵团 新疆 兵团 自治区 "
    "乌鲁木齐 克拉玛依 吐鲁番 哈密 昌吉 博尔塔拉 博州 巴音郭楞 巴州 阿克苏 克孜勒苏 克州 "
    "喀什 和田 伊犁 塔城 阿勒泰 石河子 五家渠 阿拉尔 图木舒克 北屯 铁门关 双河 可克达拉 "
    "昆玉 胡杨河 新星 白杨 库尔勒 奎屯 独山子 北京 上海 天津 重庆 河北 山西 辽宁 吉林 黑龙江 "
    "江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 贵州 云南 陕西 甘肃 青海 "
    "内蒙古 广西 西藏 宁夏 香港 澳门 西北 西部 华北 华东 华南 东北"
)
_PLACE_SUFFIXES = ("维吾尔自治区", "自治区", "自治州", "地区", "省", "市", "州", "县", "区")
_DIVISION = re.compile(r"^第?[一二三四五六七八九十]+师")
# Words that say what an organisation does or is, not who it is.
_GENERIC = frozenset(
    _words(
        "大学 学院 农业 工业 医科 医学 师范 理工 财经 科技 技术 化工 化学 能源 石油 石化 电力 电网 "
        "建设 建筑 交通 水利 水务 畜牧 矿业 有色 电子 电气 机械 生物 医药 纺织 建工 建材 环保 "
        "信息 农垦 林业 煤炭 天然 新能 材料 装备 制造 实业 发展 投资 控股 集团 股份 有限 公司 "
        "研究 科学 工程 设计 检测 环境 食品 药业 种业 国际 现代 中科 人民 职业 技师 高新 开发"
    )
)
_STATE_OWNED_PREFIXES = ("中国", "国家")


def org_key(name: str) -> str:
    """An organisation's name for comparison: Simplified, half-width, lower case, with
    brackets, spaces and punctuation removed — 新疆天业（集团）有限公司 == 新疆天业(集团)有限公司
    == 新疆天業集團有限公司."""
    return _PUNCTUATION.sub("", normalize(name))


def credit_key(code: str) -> str:
    return unicodedata.normalize("NFKC", code or "").strip().upper()


def email_domain(email: str) -> str:
    """The organisation's part of an e-mail domain: mail.xjtu.edu.cn → xjtu.edu.cn."""
    domain = (email or "").rpartition("@")[2].strip().lower().rstrip(".")
    labels = [label for label in domain.split(".") if label]
    if len(labels) < 2:
        return ""
    keep = 3 if len(labels) >= 3 and labels[-1] == "cn" and labels[-2] in _SHARED_SLDS else 2
    return ".".join(labels[-keep:])


def is_webmail(domain: str) -> bool:
    return domain in WEBMAIL_DOMAINS or any(domain.endswith("." + d) for d in WEBMAIL_DOMAINS)


@lru_cache(maxsize=50_000)
def org_stem(name: str) -> str:
    """The distinctive stem (字号) of an organisation's name, or "" if none can be told:
    新疆天业节水灌溉股份有限公司 → 天业; 中国石油天然气集团 → 中国石油; 新疆大学 → ""."""
    key = org_key(name)
    state_owned = ""
    stripped = True
    while stripped and key:
        stripped = False
        if division := _DIVISION.match(key):
            key, stripped = key[division.end() :], True
            continue
        for place in _PLACES:
            if key.startswith(place):
                if place in _STATE_OWNED_PREFIXES and not state_owned:
                    state_owned = place
                key = key[len(place) :]
                for suffix in _PLACE_SUFFIXES:
                    if key.startswith(suffix):
                        key = key[len(suffix) :]
                        break
                stripped = True
                break
    stem = key[:2]
    if len(stem) < 2 or not all("\u4e00" <= ch <= "\u9fff" for ch in stem):
        return ""
    if stem in _GENERIC:
        # 中国石油, 国家电网: for state-owned groups the trade word is the identity.
        return state_owned + stem if state_owned else ""
    return stem


@dataclass(frozen=True)
class Organisation:
    name: str
    credit_code: str = ""


@dataclass(frozen=True)
class ExpertFacts:
    employer: str
    email: str = ""
    declared: tuple[Organisation, ...] = ()
    conflict_problems: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class ProblemFacts:
    id: int | None
    enterprise: str
    credit_code: str = ""
    emails: tuple[str, ...] = ()


def _same_org(a_name: str, a_code: str, b_name: str, b_code: str) -> bool:
    if a_code and b_code and credit_key(a_code) == credit_key(b_code):
        return True
    a, b = org_key(a_name), org_key(b_name)
    if not a or not b:
        return False
    # A department of the enterprise is the enterprise: …有限公司技术中心.
    return a == b or (len(b) >= 4 and a.startswith(b)) or (len(a) >= 4 and b.startswith(a))


def hard_conflicts(expert: ExpertFacts, problem: ProblemFacts) -> list[str]:
    """Why the expert must not review the problem (empty list: no hard conflict)."""
    reasons = []
    if _same_org(expert.employer, "", problem.enterprise, problem.credit_code):
        reasons.append(_("works for the submitting enterprise (%s)") % expert.employer)
    for org in expert.declared:
        if _same_org(org.name, org.credit_code, problem.enterprise, problem.credit_code):
            reasons.append(_("declared a conflict with %s") % org.name)
            break
    if problem.id is not None and problem.id in expert.conflict_problems:
        reasons.append(_("declared a conflict on this problem"))
    return reasons


def likely_conflicts(expert: ExpertFacts, problem: ProblemFacts) -> list[str]:
    """Reasons to suspect a conflict, for staff to judge (only meaningful without a hard one)."""
    flags = []
    domain = email_domain(expert.email)
    if domain and not is_webmail(domain):
        for email in problem.emails:
            if email_domain(email) == domain:
                flags.append(_("same e-mail domain as the enterprise (%s)") % domain)
                break
    stem = org_stem(expert.employer)
    if stem and stem == org_stem(problem.enterprise):
        flags.append(
            _("employer %(employer)s shares the name %(stem)s with the enterprise")
            % {"employer": expert.employer, "stem": stem}
        )
    return flags
