"""How complete each section of an evaluation is, and what is missing: the editor's overview and the start page's
list both read it from here.

:func:`completeness_for` works on many evaluations at once in a fixed number of queries (one per kind of row), so a
list of evaluations costs the same whether it shows one or a hundred.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.utils.translation import gettext_lazy as _

from achievements.figures import is_shortfall
from achievements.models import Indicator, Theme
from budgets.models import BasicSpending, BudgetExecution, FundSource, ProjectItem
from evaluations.models import Duty, Evaluation, Office, Section, StaffingLine

EMPTY = "empty"
INCOMPLETE = "incomplete"
COMPLETE = "complete"
STATUS_LABELS = {EMPTY: _("未填写"), INCOMPLETE: _("未完成"), COMPLETE: _("已完成")}


@dataclass(frozen=True)
class SectionCompleteness:
    key: str
    title: str
    status: str
    missing: list[str] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def is_complete(self) -> bool:
        return self.status == COMPLETE


@dataclass(frozen=True)
class Completeness:
    sections: list[SectionCompleteness]

    @property
    def status(self) -> str:
        statuses = {section.status for section in self.sections}
        if statuses == {COMPLETE}:
            return COMPLETE
        if statuses == {EMPTY}:
            return EMPTY
        return INCOMPLETE

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def complete_count(self) -> int:
        return sum(1 for section in self.sections if section.is_complete)

    @property
    def section_count(self) -> int:
        return len(self.sections)

    def section(self, key: str) -> SectionCompleteness:
        return next(section for section in self.sections if section.key == key)


def _section(key: str, missing: list[Any], *, empty: bool) -> SectionCompleteness:
    if empty:
        status = EMPTY
    elif missing:
        status = INCOMPLETE
    else:
        status = COMPLETE
    return SectionCompleteness(key=key, title=str(Section(key).label), status=status, missing=[str(m) for m in missing])


def _has_text(name: str) -> ExpressionWrapper:
    return ExpressionWrapper(~Q(**{name: ""}), output_field=BooleanField())


def _grouped(rows: Iterable[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row["evaluation_id"]].append(row)
    return grouped


def completeness_for(evaluations: Iterable[Evaluation]) -> dict[int, Completeness]:
    """Completeness of each evaluation, by primary key, in nine queries whatever the number of evaluations."""
    evaluations = list(evaluations)
    ids = [evaluation.pk for evaluation in evaluations]
    if not ids:
        return {}

    def counts(model: type[Any]) -> dict[int, int]:
        rows = model.objects.filter(evaluation_id__in=ids).values("evaluation_id").annotate(n=Count("id"))
        return {row["evaluation_id"]: row["n"] for row in rows.order_by()}

    duties, offices = counts(Duty), counts(Office)
    staffing = {
        row["evaluation_id"]: row
        for row in StaffingLine.objects.filter(evaluation_id__in=ids)
        .values("evaluation_id")
        .annotate(n=Count("id"), with_headcount=Count("id", filter=Q(actual__gt=0)))
        .order_by()
    }
    basic = _grouped(
        BasicSpending.objects.filter(evaluation_id__in=ids)
        .annotate(has_reason=_has_text("change_reason"))
        .values("evaluation_id", "category", "amount", "previous_amount", "has_reason")
    )
    sources = _grouped(FundSource.objects.filter(evaluation_id__in=ids).values("evaluation_id", "id", "name"))
    items = _grouped(
        ProjectItem.objects.filter(evaluation_id__in=ids).values("evaluation_id", "source_id", "name", "amount")
    )
    execution = _grouped(
        BudgetExecution.objects.filter(evaluation_id__in=ids).values(
            "evaluation_id", "kind", "initial_budget", "full_year_budget", "executed"
        )
    )
    themes = _grouped(
        Theme.objects.filter(evaluation_id__in=ids)
        .annotate(has_body=_has_text("body"))
        .values("evaluation_id", "title", "has_body")
    )
    indicators = _grouped(
        Indicator.objects.filter(evaluation_id__in=ids)
        .annotate(has_reason=_has_text("deviation_reason"))
        .values("evaluation_id", "name", "direction", "target", "actual", "target_text", "actual_text", "has_reason")
    )

    result = {}
    for evaluation in evaluations:
        pk = evaluation.pk
        result[pk] = Completeness(
            sections=[
                _profile(evaluation, duties.get(pk, 0), offices.get(pk, 0), staffing.get(pk)),
                _basic(basic.get(pk, [])),
                _project(sources.get(pk, []), items.get(pk, [])),
                _execution(execution.get(pk, [])),
                _achievements(themes.get(pk, []), indicators.get(pk, [])),
                _narrative(evaluation),
            ]
        )
    return result


def completeness_of(evaluation: Evaluation) -> Completeness:
    return completeness_for([evaluation])[evaluation.pk]


# ---------------------------------------------------------------------------
# The rules, one function per section
# ---------------------------------------------------------------------------


def _profile(evaluation: Evaluation, duties: int, offices: int, staffing: dict[str, Any] | None) -> SectionCompleteness:
    missing = []
    if not evaluation.mandate.strip():
        missing.append(_("主管职能概述"))
    if not duties:
        missing.append(_("主要职能（至少一条）"))
    if not offices:
        missing.append(_("内设机构（至少一个）"))
    if not staffing:
        missing.append(_("人员编制（至少一类）"))
    elif not staffing["with_headcount"]:
        missing.append(_("年末实有人数"))
    empty = not evaluation.mandate.strip() and not duties and not offices and not staffing
    return _section(Section.PROFILE, missing, empty=empty)


def _basic(rows: list[dict[str, Any]]) -> SectionCompleteness:
    by_category = {row["category"]: row for row in rows}
    missing = []
    for category, label in BasicSpending.Category.choices:
        row = by_category.get(category)
        if row is None or not row["amount"]:
            missing.append(_("%(label)s本年决算数") % {"label": label})
        if row is None or not row["previous_amount"]:
            missing.append(_("%(label)s上年决算数") % {"label": label})
        if row is not None and row["amount"] != row["previous_amount"] and not row["has_reason"]:
            missing.append(_("%(label)s增减原因") % {"label": label})
    empty = not any(row["amount"] or row["previous_amount"] or row["has_reason"] for row in rows)
    return _section(Section.BASIC, missing, empty=empty)


def _project(sources: list[dict[str, Any]], items: list[dict[str, Any]]) -> SectionCompleteness:
    missing: list[Any] = []
    if not items:
        missing.append(_("项目支出（至少一个项目）"))
    used = {item["source_id"] for item in items}
    missing.extend(
        _("资金来源“%(name)s”下没有项目") % {"name": source["name"]} for source in sources if source["id"] not in used
    )
    missing.extend(_("项目“%(name)s”的决算数") % {"name": item["name"]} for item in items if not item["amount"])
    return _section(Section.PROJECT, missing, empty=not items)


def _execution(rows: list[dict[str, Any]]) -> SectionCompleteness:
    by_kind = {row["kind"]: row for row in rows}
    labels = {
        "initial_budget": _("年初预算数"),
        "full_year_budget": _("全年预算数"),
        "executed": _("全年执行数"),
    }
    missing = []
    for kind, kind_label in BudgetExecution.Kind.choices:
        row = by_kind.get(kind, {})
        for name, label in labels.items():
            if row.get(name) is None:
                missing.append(_("%(kind)s%(figure)s") % {"kind": kind_label, "figure": label})
    empty = all(row.get(name) is None for row in rows for name in labels)
    return _section(Section.EXECUTION, missing, empty=empty)


def _achievements(themes: list[dict[str, Any]], indicators: list[dict[str, Any]]) -> SectionCompleteness:
    missing: list[Any] = []
    if not themes:
        missing.append(_("工作成效（至少一项）"))
    missing.extend(_("工作成效“%(title)s”的正文") % {"title": t["title"]} for t in themes if not t["has_body"])
    if not indicators:
        missing.append(_("绩效指标（至少一项）"))
    for row in indicators:
        name = row["name"]
        if row["direction"] == Indicator.Direction.QUALITATIVE:
            if not row["target_text"]:
                missing.append(_("指标“%(name)s”的年度指标值") % {"name": name})
            if not row["actual_text"]:
                missing.append(_("指标“%(name)s”的实际完成值") % {"name": name})
            continue
        if row["target"] is None:
            missing.append(_("指标“%(name)s”的年度指标值") % {"name": name})
        if row["actual"] is None:
            missing.append(_("指标“%(name)s”的实际完成值") % {"name": name})
        probe = Indicator(direction=row["direction"], target=row["target"], actual=row["actual"])
        if is_shortfall(probe) and not row["has_reason"]:
            missing.append(_("指标“%(name)s”未达到年度指标值，缺偏差原因") % {"name": name})
    return _section(Section.ACHIEVEMENTS, missing, empty=not themes and not indicators)


def _narrative(evaluation: Evaluation) -> SectionCompleteness:
    required = {
        "problems": _("存在的问题及原因分析"),
        "measures": _("下一步改进措施"),
        "results_use": _("绩效自评结果拟应用和公开情况"),
    }
    missing: list[Any] = [label for name, label in required.items() if not getattr(evaluation, name).strip()]
    if evaluation.signature_date is None:
        missing.append(_("落款日期"))
    texts = [*required, "overall_goal", "overall_goal_result", "no_spending_note"]
    empty = evaluation.signature_date is None and not any(getattr(evaluation, name).strip() for name in texts)
    return _section(Section.NARRATIVE, missing, empty=empty)
