"""Import/export of bottleneck problems (and export of enterprises): one Resource per model,
used by the admin, the import_problems command and the staff import pages alike."""

import re
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields
from import_export import widgets as ie_widgets

from accounts.tabular import (
    CHUNK,
    CellError,
    ChoiceWidget,
    PendingRow,
    RegionScopeMixin,
    RegionWidget,
    TabularResource,
    TextWidget,
    _lookup_key,
    cell_text,
)

from .models import Category, Enterprise, Industry, Problem, ProblemEvent
from .services import problem_number_allocate


class IndustryWidget(ie_widgets.Widget):
    """GB/T 4754 industries by code (C26, or 26), name (化学原料和化学制品制造业) or both."""

    def __init__(self, *, required: bool = True):
        super().__init__()
        self.required = required
        self._index: dict[str, Industry] | None = None

    def index(self) -> dict[str, Industry]:
        if self._index is None:
            index: dict[str, Industry] = {}
            for industry in Industry.objects.all():
                index[industry.code.upper()] = industry
                if len(industry.code) == 3:
                    index[industry.code[1:]] = industry
                index.setdefault(_lookup_key(industry.name), industry)
            self._index = index
        return self._index

    def clean(self, value, row=None, **kwargs) -> Industry | None:
        text = cell_text(value)
        if not text:
            if self.required:
                raise CellError(_("This column is required."))
            return None
        index = self.index()
        match = re.match(r"^([A-Ta-t]?\d{2}|[A-Ta-t])(?![\dA-Za-z])\s*(.*)$", text)
        industry = index.get(match.group(1).upper()) if match else None
        if industry is None:
            industry = index.get(_lookup_key(text))
        if industry is None:
            raise CellError(
                _("Unknown industry: give a GB/T 4754 code (C26) or name (%(example)s).")
                % {"example": "化学原料和化学制品制造业"}
            )
        return industry

    def render(self, value, obj=None, **kwargs) -> str:
        return f"{value.code} {value.name}" if value else ""


CATEGORY_ALIASES = {
    "关键零部件": Category.COMPONENT,
    "关键材料": Category.MATERIAL,
    "基础软件": Category.SOFTWARE,
    "高端装备": Category.EQUIPMENT,
    "检测仪器": Category.INSTRUMENT,
    "核心工艺": Category.PROCESS,
    "其他": Category.OTHER,
}


class ProblemResource(RegionScopeMixin, TabularResource):
    kind = "problems"
    ref = fields.Field("ref", "编号", widget=TextWidget(max_length=50, required=True))
    enterprise_name = fields.Field(
        "enterprise__name", "企业名称", widget=TextWidget(max_length=100, required=True)
    )
    industry = fields.Field("industry", "所属行业", widget=IndustryWidget())
    title = fields.Field("title", "难题名称", widget=TextWidget(max_length=150, required=True))
    bottleneck = fields.Field(
        "bottleneck", "难题描述", widget=TextWidget(max_length=5000, required=True)
    )
    expected_goal = fields.Field("expected_goal", "期望目标", widget=TextWidget(max_length=5000))
    region = fields.Field("region", "所在地区", widget=RegionWidget())
    category = fields.Field(
        "category",
        "难题类别",
        widget=ChoiceWidget(Category.choices, aliases=CATEGORY_ALIASES, default=Category.OTHER),
    )
    number = fields.Field("number", "受理编号", widget=TextWidget(), readonly=True)
    status = fields.Field("status", "状态", widget=TextWidget(), readonly=True)

    template_example = [
        "HB-2026-001",
        "新疆天业（集团）有限公司",
        "C26 化学原料和化学制品制造业",
        "电石法聚氯乙烯无汞催化剂寿命不足",
        "现有无汞催化剂在工业装置上的寿命不足 4000 小时，更换成本高。",
        "催化剂寿命达到 8000 小时以上，成本不高于现有汞催化剂。",
        "石河子市",
        "关键材料",
    ]

    class Meta:
        model = Problem
        fields = (
            "ref",
            "enterprise_name",
            "industry",
            "title",
            "bottleneck",
            "expected_goal",
            "region",
            "category",
            "number",
            "status",
        )
        export_order = fields

    def template_notes(self) -> list[tuple[str, str]]:
        return [
            ("编号", _("Required. The problem's number in your list; re-importing updates by it.")),
            ("企业名称", _("Required. Found by name, or created (awaiting verification).")),
            ("所属行业", _("Required: GB/T 4754 code (C26), name, or both.")),
            ("难题名称", _("Required, at most 150 characters.")),
            ("难题描述", _("Required.")),
            ("所在地区", _("Required: GB/T 2260 code or name.")),
            ("难题类别", _("Optional; default 其他.")),
            (
                _("Status"),
                _("Imported problems enter the pool as “accepted”, with a history entry."),
            ),
        ]

    def get_queryset(self):
        return Problem.objects.select_related("enterprise", "industry", "region")

    def export_value(self, field, instance, **kwargs):
        if field.column_name == "编号":
            return instance.ref or instance.number or ""
        if field.column_name == "状态":
            return instance.get_status_display()
        return super().export_value(field, instance, **kwargs)

    def existing(self, keys: list[str]) -> dict[str, Problem]:
        found: dict[str, Problem] = {}
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start : start + CHUNK]
            queryset = Problem.objects.filter(Q(ref__in=chunk) | Q(number__in=chunk))
            for problem in queryset.select_related("enterprise"):
                # An exported file carries the 受理编号 of problems that have no 编号 of their
                # own; importing it back must find them, not create copies.
                found[problem.ref if problem.ref in chunk else problem.number] = problem
        return found

    def current(self, instance: Problem, attribute: str) -> Any:
        if attribute == "enterprise__name":
            return instance.enterprise.name
        return super().current(instance, attribute)

    def write(self, creates: list[PendingRow], updates: list[PendingRow]) -> None:
        enterprises = {_lookup_key(e.name): e for e in Enterprise.objects.all()}
        now = timezone.now()
        year = timezone.localdate().year
        reason = _("Imported from %(file)s.") % {"file": self.source or _("a file")}
        events = []
        for pending in creates:
            values = pending.values
            enterprise = self._enterprise(enterprises, values)
            problem = Problem(
                enterprise=enterprise,
                ref=pending.key,
                title=values["title"],
                bottleneck=values["bottleneck"],
                expected_goal=values.get("expected_goal", ""),
                industry=values["industry"],
                region=values["region"],
                category=values.get("category", Category.OTHER),
                status=Problem.Status.ACCEPTED,
                number=problem_number_allocate(year),
                submitted_at=now,
                created_by=self.user,
                created_at=now,
            )
            problem.save()
            pending.instance = problem
            events.append(
                ProblemEvent(
                    problem=problem,
                    actor=self.user,
                    from_status="",
                    to_status=Problem.Status.ACCEPTED,
                    reason=reason,
                    created_at=now,
                )
            )
        for pending in updates:
            problem = pending.instance
            values = pending.values
            for attribute in pending.changed:
                if attribute == "enterprise__name":
                    problem.enterprise = self._enterprise(enterprises, values)
                else:
                    setattr(problem, attribute, values[attribute])
            problem.save()
            columns = [
                f.column_name for f in self.import_columns() if f.attribute in pending.changed
            ]
            events.append(
                ProblemEvent(
                    problem=problem,
                    actor=self.user,
                    from_status=problem.status,
                    to_status=problem.status,
                    reason=_("Updated from %(file)s: %(columns)s.")
                    % {"file": self.source or _("a file"), "columns": "、".join(columns)},
                    created_at=now,
                )
            )
        ProblemEvent.objects.bulk_create(events, batch_size=1000)

    def _enterprise(self, enterprises: dict[str, Enterprise], values: dict) -> Enterprise:
        name = values["enterprise__name"]
        key = _lookup_key(name)
        enterprise = enterprises.get(key)
        if enterprise is None:
            enterprise = Enterprise.objects.create(
                name=name,
                region=values["region"],
                industry=values["industry"],
                status=Enterprise.Status.PENDING,
            )
            enterprises[key] = enterprise
        return enterprise


class EnterpriseResource(TabularResource):
    """Export of the enterprise list (enterprises register themselves; no import)."""

    name = fields.Field("name", "企业名称")
    credit_code = fields.Field("credit_code", "统一社会信用代码")
    region = fields.Field("region", "所在地区", widget=RegionWidget())
    industry = fields.Field("industry", "所属行业", widget=IndustryWidget())
    contact_name = fields.Field("contact_name", "联系人")
    contact_phone = fields.Field("contact_phone", "联系电话")
    status = fields.Field("status", "状态")

    class Meta:
        model = Enterprise
        fields = (
            "name",
            "credit_code",
            "region",
            "industry",
            "contact_name",
            "contact_phone",
            "status",
        )
        export_order = fields

    def get_queryset(self):
        return Enterprise.objects.select_related("region", "industry")

    def export_value(self, field, instance, **kwargs):
        if field.column_name == "状态":
            return instance.get_status_display()
        return super().export_value(field, instance, **kwargs)
