"""Import/export of the talent pool and the learned societies: one Resource per model, used by
the admin, the import_* commands and the staff import pages alike."""

import csv
import re
from pathlib import Path

import rules
from django.utils.translation import gettext as _
from import_export import fields
from import_export import widgets as ie_widgets

from accounts.privacy import mask_email, mask_mobile
from accounts.tabular import (
    BooleanWidget,
    CellError,
    ChoiceWidget,
    EmailWidget,
    LinesWidget,
    MobileWidget,
    PendingRow,
    RegionScopeMixin,
    RegionWidget,
    TabularResource,
    TextWidget,
    _lookup_key,
    cell_text,
    comma_names,
    split_values,
)

from .models import Discipline, Expert, Society
from .search import expert_index
from .text import normalize

ALIASES_CSV = Path(__file__).resolve().parent / "data" / "discipline_aliases.csv"


def discipline_aliases() -> dict[str, str]:
    """Names people use that are not in GB/T 13745, mostly the first-level disciplines of the
    Ministry of Education's catalogue (材料科学与工程), mapped to the closest GB/T 13745 entry."""
    with ALIASES_CSV.open(encoding="utf-8", newline="") as fh:
        return {row["alias"]: row["code"] for row in csv.DictReader(fh)}


class DisciplinesWidget(ie_widgets.Widget):
    """GB/T 13745 disciplines by code (530), name (化学工程), both (530 化学工程), a former
    name or a common alias (experts/data/discipline_aliases.csv), several to a cell."""

    def __init__(self):
        super().__init__()
        self._index: dict[str, Discipline] | None = None
        self._names: list[str] = []
        self._comma_names: list[str] = []
        self._unique: set[str] = set()
        self._cleaned: dict[str, list[Discipline]] = {}

    def index(self) -> dict[str, Discipline]:
        if self._index is None:
            index: dict[str, Discipline] = {}
            counts: dict[str, int] = {}
            names: list[str] = []
            disciplines = list(Discipline.objects.all())
            for discipline in disciplines:
                index[discipline.code] = discipline
                key = _lookup_key(discipline.name)
                counts[key] = counts.get(key, 0) + 1
            for discipline in disciplines:
                for name in [discipline.name, *discipline.former_name_list()]:
                    names.append(name)
                    # A current name wins over another entry's former name.
                    index.setdefault(_lookup_key(name), discipline)
            for alias, code in discipline_aliases().items():
                if code in index:
                    names.append(alias)
                    index.setdefault(_lookup_key(alias), index[code])
            self._index, self._names = index, names
            self._comma_names = comma_names(names)
            self._unique = {key for key, count in counts.items() if count == 1}
        return self._index

    def find(self, token: str) -> Discipline | None:
        index = self.index()
        match = re.match(r"^(\d{3}(?:\d{2})?)(?!\d)", token)  # "530" or "530 化学工程"
        if match:
            return index.get(match.group(1))
        return index.get(_lookup_key(token))

    def clean(self, value, row=None, **kwargs) -> list[Discipline]:
        text = cell_text(value)
        if not text:
            return []
        if text in self._cleaned:  # a pool repeats the same few hundred cells
            return self._cleaned[text]
        self.index()
        found, unknown = [], []
        # Split the Simplified form, so 石油、天然氣… finds the name that contains 、.
        for token in split_values(normalize(text), self._comma_names):
            discipline = self.find(token)
            if discipline is None:
                unknown.append(token)
            elif discipline not in found:
                found.append(discipline)
        if unknown:
            raise CellError(
                _("Unknown discipline %(names)s: use a GB/T 13745 code (530) or name (化学工程).")
                % {"names": "、".join(f"“{name}”" for name in unknown)}
            )
        self._cleaned[text] = found
        return found

    def render(self, value, obj=None, **kwargs) -> str:
        if value is None:
            return ""
        self.index()
        return "；".join(
            d.name if _lookup_key(d.name) in self._unique else f"{d.code} {d.name}"
            for d in value.all()
        )


class ExpertRefsWidget(ie_widgets.Widget):
    """Members of a society by their 编号 in the talent pool."""

    def clean(self, value, row=None, **kwargs) -> list[Expert]:
        refs = split_values(cell_text(value))
        if not refs:
            return []
        experts = {e.ref: e for e in Expert.objects.filter(ref__in=refs).only("pk", "ref")}
        unknown = [ref for ref in refs if ref not in experts]
        if unknown:
            raise CellError(
                _("No expert with 编号 %(refs)s in the talent pool.") % {"refs": "、".join(unknown)}
            )
        return list({ref: experts[ref] for ref in refs}.values())

    def render(self, value, obj=None, **kwargs) -> str:
        return "" if value is None else "；".join(expert.ref for expert in value.all())


GENDER_ALIASES = {
    "男": Expert.Gender.MALE,
    "女": Expert.Gender.FEMALE,
    "男性": Expert.Gender.MALE,
    "女性": Expert.Gender.FEMALE,
}
# Exports render a choice by its first alias, so they read the same in every UI language.


class ExpertResource(RegionScopeMixin, TabularResource):
    kind = "experts"
    ref = fields.Field("ref", "编号", widget=TextWidget(max_length=50, required=True))
    name = fields.Field("name", "姓名", widget=TextWidget(max_length=50, required=True))
    gender = fields.Field(
        "gender", "性别", widget=ChoiceWidget(Expert.Gender.choices, aliases=GENDER_ALIASES)
    )
    employer = fields.Field(
        "employer", "工作单位", widget=TextWidget(max_length=100, required=True)
    )
    title = fields.Field("title", "职称", widget=TextWidget(max_length=50))
    disciplines = fields.Field("disciplines", "学科领域", widget=DisciplinesWidget())
    research_directions = fields.Field("research_directions", "研究方向", widget=LinesWidget())
    region = fields.Field("region", "所在地区", widget=RegionWidget())
    email = fields.Field("email", "邮箱", widget=EmailWidget(max_length=254))
    mobile = fields.Field("mobile", "手机", widget=MobileWidget(max_length=20))
    accepting = fields.Field("accepting", "接受指派", widget=BooleanWidget(default=True))
    verified = fields.Field("verified", "已核实", widget=BooleanWidget(), readonly=True)

    template_example = [
        "ZJ-2026-00001",
        "王建国",
        "男",
        "新疆大学化学学院",
        "教授",
        "530 化学工程；150 化学",
        "煤化工；精细化工；催化材料",
        "乌鲁木齐市",
        "wangjg@xju.edu.cn",
        "13899912345",
        "是",
    ]

    class Meta:
        model = Expert
        fields = (
            "ref",
            "name",
            "gender",
            "employer",
            "title",
            "disciplines",
            "research_directions",
            "region",
            "email",
            "mobile",
            "accepting",
            "verified",
        )
        export_order = fields

    # As on the expert's page (experts.view_contacts): in full for the staff of the expert's
    # region, masked for other staff. Without a user (the command line, the admin's
    # superusers) in full.
    MASKED = {"email": mask_email, "mobile": mask_mobile}

    def export_value(self, field, instance, **kwargs):
        value = super().export_value(field, instance, **kwargs)
        mask = self.MASKED.get(field.attribute)
        if mask is None or self.user is None:
            return value
        in_full = rules.has_perm("experts.view_contacts", self.user, instance)
        return value if in_full else mask(value)

    def template_notes(self) -> list[tuple[str, str]]:
        return [
            (
                "编号",
                _("Required. The expert's number in your system; re-importing updates by it."),
            ),
            ("姓名", _("Required.")),
            ("性别", _("男 or 女; may be empty.")),
            ("工作单位", _("Required.")),
            ("学科领域", _("GB/T 13745 codes or names, several separated by ；")),
            ("研究方向", _("Several separated by ；")),
            ("所在地区", _("GB/T 2260 code or name, e.g. 654000 or 伊犁哈萨克自治州 or 伊犁州.")),
            ("邮箱", _("Optional; stored in lower case.")),
            ("手机", _("Optional; 11-digit mainland mobile number.")),
            ("接受指派", _("Optional: 是 or 否 (default 是).")),
        ]

    def get_queryset(self):
        return Expert.objects.select_related("region").prefetch_related("disciplines")

    def prepare_instance(self, instance: Expert, pending: PendingRow) -> None:
        expert_index(instance)

    def denormalised_fields(self) -> list[str]:
        return ["search_text"]


SOCIETY_LEVEL_ALIASES = {
    "自治区学会": Society.Level.REGION,
    "自治区级学会": Society.Level.REGION,
    "地州市级学会": Society.Level.PREFECTURE,
    "省级学会": Society.Level.REGION,
    "地州学会": Society.Level.PREFECTURE,
    "地州市学会": Society.Level.PREFECTURE,
    "高校科协": Society.Level.UNIVERSITY,
    "企业科协": Society.Level.ENTERPRISE,
}


class SocietyResource(RegionScopeMixin, TabularResource):
    kind = "societies"
    ref = fields.Field("ref", "编号", widget=TextWidget(max_length=50, required=True))
    name = fields.Field("name", "名称", widget=TextWidget(max_length=100, required=True))
    level = fields.Field(
        "level",
        "级别",
        widget=ChoiceWidget(Society.Level.choices, aliases=SOCIETY_LEVEL_ALIASES, required=True),
    )
    disciplines = fields.Field("disciplines", "学科领域", widget=DisciplinesWidget())
    region = fields.Field("region", "所在地区", widget=RegionWidget())
    contact_name = fields.Field("contact_name", "联系人", widget=TextWidget(max_length=50))
    contact_phone = fields.Field("contact_phone", "联系电话", widget=TextWidget(max_length=30))
    contact_email = fields.Field("contact_email", "联系邮箱", widget=EmailWidget(max_length=254))
    description = fields.Field("description", "业务专长", widget=TextWidget())
    members = fields.Field("members", "会员专家编号", widget=ExpertRefsWidget())

    template_example = [
        "XH-0001",
        "新疆化学化工学会",
        "自治区学会",
        "530 化学工程；150 化学",
        "650000",
        "李秘书长",
        "0991-1234567",
        "hxhg@xjast.org.cn",
        "煤化工、精细化工、化工安全",
        "ZJ-2026-00001；ZJ-2026-00002",
    ]

    class Meta:
        model = Society
        fields = (
            "ref",
            "name",
            "level",
            "disciplines",
            "region",
            "contact_name",
            "contact_phone",
            "contact_email",
            "description",
            "members",
        )
        export_order = fields

    def template_notes(self) -> list[tuple[str, str]]:
        return [
            ("编号", _("Required. The society's number; re-importing updates by it.")),
            ("名称", _("Required and unique.")),
            ("级别", _("Required: 自治区学会, 地州学会, 高校科协 or 企业科协.")),
            ("学科领域", _("GB/T 13745 codes or names, several separated by ；")),
            ("所在地区", _("Required: GB/T 2260 code or name.")),
            ("会员专家编号", _("编号 of experts already in the talent pool, separated by ；")),
        ]

    def get_queryset(self):
        return Society.objects.select_related("region").prefetch_related("disciplines", "members")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._names: dict[str, str] | None = None  # society name -> ref, loaded on first row
        self._names_in_file: dict[str, str] = {}

    def check_row(self, pending: PendingRow) -> list[tuple[str, str]]:
        faults = super().check_row(pending)
        if self._names is None:
            self._names = dict(Society.objects.values_list("name", "ref"))
        name = pending.values.get("name")
        if name:
            owner = self._names.get(name)
            if owner is not None and owner != pending.key:
                faults.append(
                    ("名称", _("Another society (%(ref)s) already has this name.") % {"ref": owner})
                )
            elif self._names_in_file.setdefault(name, pending.key) != pending.key:
                faults.append(("名称", _("The same name is used twice in this file.")))
        return faults
