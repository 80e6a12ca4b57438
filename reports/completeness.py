"""How complete each section of an evaluation is, what is missing, and what stops it from being submitted: the
overview, the start page, the review page and the workflow's guards all read it from here.

What is missing follows the evaluation's outline (:func:`evaluations.outlines.outline_for`): each heading's content
block has one rule, which names what the block needs to say anything (a *need*) and what is worth finishing (a
*gap*: a change without its reason, a headcount left blank). A need of a required heading stops submission; an
optional heading nobody has started asks for nothing, and one that has been started shows its needs as hints. Blank
is unknown, never missing for its own sake: a unit with totals only is complete without a split, and staff movements
nobody entered are simply not reported. The cross-checks of the budget figures (:mod:`budgets.checks`) stop
submission too, and so does the score (:func:`reports.scoring.score_of`): every input the scheme needs, a scheme
that validates, the unit's indicator weights adding up to the scheme's, and the reasons the scheme asks for. The
score's problems are listed under 自评评分, each linked to the page where its input is entered.

Each problem names the editor section (:class:`evaluations.models.Section`) and the field where it is fixed, so
pages can link straight to the input.

:func:`completeness_for` works on many evaluations at once in a fixed number of queries (one per kind of row, and
three at most for the outlines), so a list of evaluations costs the same whether it shows one or a hundred.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.utils.translation import gettext_lazy as _

from achievements.figures import is_shortfall
from achievements.models import Indicator, Theme
from budgets.checks import CheckFailure, KnownTotals, cross_checks, known_totals
from budgets.models import (
    BasicSpending,
    BudgetExecution,
    FundSource,
    FundTypeSpending,
    ProjectItem,
    SpendingSummary,
)
from evaluations.models import Block, Duty, Evaluation, Office, Section, StaffingLine, WrittenText
from evaluations.outlines import NodeSpec, OutlineSpec, outlines_for, required_nodes
from evaluations.scoring import InvalidScheme, unit_weight_problems
from evaluations.scoring_rules import EXECUTION_RATE, Qualitative, UnitIndicators

# SCORE_QUERIES: the score's queries at most, listed with completeness_for's (its home is reports.scoring).
from .scoring import SCORE_QUERIES as SCORE_QUERIES
from .scoring import ScoredEvaluation, scores_for

EMPTY = "empty"
INCOMPLETE = "incomplete"
COMPLETE = "complete"
# Nothing entered and nothing asked for: every heading the section fills is optional and nobody has started it.
OPTIONAL = "optional"
STATUS_LABELS = {EMPTY: _("未填写"), INCOMPLETE: _("未完成"), COMPLETE: _("已完成"), OPTIONAL: _("选填")}
DONE = {COMPLETE, OPTIONAL}

# The editor section that edits each block's data. A block drawing on two sections (the self-evaluation table: the
# indicators and the funds block) names both; its problems link to whichever holds the field.
BLOCK_SECTIONS: dict[str, tuple[str, ...]] = {
    Block.UNIT_INTRO: (Section.PROFILE,),
    Block.OFFICES: (Section.PROFILE,),
    Block.STAFFING: (Section.PROFILE,),
    Block.DUTIES: (Section.PROFILE,),
    Block.GOALS: (Section.NARRATIVE,),
    Block.TOTAL_SPENDING: (Section.TOTALS,),
    Block.BASIC_SPENDING: (Section.BASIC,),
    Block.PROJECT_SPENDING: (Section.PROJECT,),
    Block.GOVERNMENT_FUND: (Section.TOTALS,),
    Block.STATE_CAPITAL: (Section.TOTALS,),
    Block.SOCIAL_INSURANCE: (Section.TOTALS,),
    # Typed on the narrative page as of commit 78cca37; if the editor moves it beside the other budgets, change it here.
    Block.NO_SPENDING_NOTE: (Section.NARRATIVE,),
    Block.EXECUTION: (Section.EXECUTION,),
    Block.ACHIEVEMENTS: (Section.ACHIEVEMENTS,),
    Block.SELF_EVALUATION_TABLE: (Section.ACHIEVEMENTS, Section.EXECUTION),
    Block.PROBLEMS: (Section.NARRATIVE,),
    Block.MEASURES: (Section.NARRATIVE,),
    Block.RESULTS_USE: (Section.NARRATIVE,),
    Block.FREE_TEXT: (Section.TEXTS,),
}

MANDATE = _("主管职能概述")
DUTY_NEEDED = _("主要职能（至少一条）")
OFFICE_NEEDED = _("内设机构（至少一个）")
STAFFING_NEEDED = _("人员编制情况（编制、在编人数或人员变动，至少一项）")
HEADCOUNT = _("“%(type)s”的实有人数")
GOAL = _("年度总体目标")
TOTAL_NEEDED = _("实际支出合计（或基本支出和项目支出）")
BASIC_NEEDED = _("基本支出合计（或人员经费和日常公用经费）")
BASIC_AMOUNT = _("%(label)s本年决算数")
BASIC_REASON = _("%(label)s增减原因")
PROJECT_NEEDED = _("项目支出合计（或项目明细）")
SOURCE_WITHOUT_ITEMS = _("资金来源“%(name)s”下没有项目")
ITEM_AMOUNT = _("项目“%(name)s”的决算数")
FUND_TYPE_STATED = _("%(label)s：是否有此项支出")
FUND_TYPE_AMOUNT = _("%(label)s支出金额")
BUDGET_NEEDED = _("预算执行：全年预算数（或预算安排）")
EXECUTED_NEEDED = _("预算执行：全年执行数（或实际支出合计）")
EXECUTION_FIGURE = _("%(kind)s%(figure)s")
THEME_NEEDED = _("工作成效（至少一项）")
THEME_BODY = _("工作成效“%(title)s”的正文")
INDICATOR_NEEDED = _("绩效指标（至少一项）")
INDICATOR_TARGET = _("指标“%(name)s”的年度指标值")
INDICATOR_ACTUAL = _("指标“%(name)s”的实际完成值")
INDICATOR_REASON = _("指标“%(name)s”未达到年度指标值，缺偏差原因")
FREE_TEXT_NEEDED = _("“%(title)s”的内容")
SIGNATURE_DATE = _("落款日期")
NARRATIVE_TEXTS = {
    Block.PROBLEMS: ("problems", _("存在的问题及原因分析")),
    Block.MEASURES: ("measures", _("下一步改进措施")),
    Block.RESULTS_USE: ("results_use", _("绩效自评结果拟应用和公开情况")),
}
EXECUTION_FIELDS = {
    "initial_budget": _("年初预算数"),
    "full_year_budget": _("全年预算数"),
    "executed": _("全年执行数"),
}
SCORE_INPUT = _("评分指标“%(name)s”无法计算，缺少%(what)s")
SCORE_SCHEME = _("评分方案“%(name)s”有误，无法评分（请财政局修改评分方案）：%(problem)s")
# Where each common indicator's first input is typed (the execution page's funds lines and common figures); a leaf of
# a bureau's own scheme not listed here links to the page without a field.
LEAF_FIELDS: dict[str, tuple[str, str]] = {
    "staff_control_rate": (Section.PROFILE, "staffing-0-approved"),
    EXECUTION_RATE: (Section.EXECUTION, "execution-basic-full_year_budget"),
    "budget_completion_rate": (Section.EXECUTION, "execution-basic-carryover_from_last_year"),
    "budget_adjustment_rate": (Section.EXECUTION, "execution-basic-additions"),
    "carryover_rate": (Section.EXECUTION, "execution-basic-year_end_carryover"),
    "three_public_change_rate": (Section.EXECUTION, "common-abroad_previous_actual"),
    "three_public_control_rate": (Section.EXECUTION, "common-abroad_budget"),
    "key_spending_rate": (Section.EXECUTION, "common-key_project_spending"),
    "payment_progress_rate": (Section.EXECUTION, "common-payment_progress_actual"),
    "public_funds_control_rate": (Section.EXECUTION, "common-public_funds_budget"),
    "procurement_execution_rate": (Section.EXECUTION, "common-procurement_budget"),
    "fixed_asset_use_rate": (Section.EXECUTION, "common-fixed_assets_in_use"),
    "management_rules": (Section.EXECUTION, "common-rules_met"),
    "funds_compliance": (Section.EXECUTION, "common-violations"),
}
STAFFING_FIGURES = [
    "staff_on_roll",
    "staff_transferred_in",
    "staff_transferred_out",
    "staff_retired",
    "retirees_deceased",
]


@dataclass(frozen=True)
class Problem:
    """Something missing or contradictory, and where it is fixed: the editor section and the input's id less
    Django's "id_" (``narrative-signature_date`` → ``#id_narrative-signature_date``)."""

    text: str
    section: str
    field: str = ""
    # True when it stops submission and publication: a need of a required heading, or a failed cross-check.
    blocking: bool = False
    # The section it is listed under, when not the one it is fixed in: basic spending needs a total or a split,
    # and is listed under 基本支出 though the total is typed among the totals.
    listed_under: str = ""

    @property
    def group(self) -> str:
        return self.listed_under or self.section

    def __str__(self) -> str:
        return self.text

    @property
    def anchor(self) -> str:
        return f"id_{self.field}" if self.field else ""


@dataclass(frozen=True)
class SectionCompleteness:
    key: str
    title: str
    status: str
    missing: list[Problem] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def is_complete(self) -> bool:
        return self.status in DONE

    @property
    def hints(self) -> list[Problem]:
        """What is missing here without stopping submission: worth finishing, the report is true without it."""
        return [problem for problem in self.missing if not problem.blocking]


@dataclass(frozen=True)
class Completeness:
    sections: list[SectionCompleteness]
    checks: list[CheckFailure] = field(default_factory=list)
    outline: OutlineSpec | None = None

    @property
    def status(self) -> str:
        statuses = {section.status for section in self.sections}
        if statuses <= DONE and not self.checks:
            return COMPLETE
        if statuses <= {EMPTY, OPTIONAL}:
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

    @property
    def has_hints(self) -> bool:
        return any(section.hints for section in self.sections)

    @property
    def blockers(self) -> list[Problem]:
        """What stops submission and publication, in the report's order: the needs of required headings and the
        signature date, then every failed cross-check with both figures."""
        missing = [problem for section in self.sections for problem in section.missing if problem.blocking]
        return missing + [Problem(check.message, check.section, check.field, blocking=True) for check in self.checks]


# ---------------------------------------------------------------------------
# The data of one evaluation, fetched for many at once
# ---------------------------------------------------------------------------
@dataclass
class _Data:
    evaluation: Evaluation
    duties: int = 0
    offices: int = 0
    staffing: list[dict[str, Any]] = field(default_factory=list)
    basic: list[BasicSpending] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    items: list[ProjectItem] = field(default_factory=list)
    execution: list[BudgetExecution] = field(default_factory=list)
    themes: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)
    summary: SpendingSummary | None = None
    fund_types: dict[str, FundTypeSpending] = field(default_factory=dict)
    texts: set[str] = field(default_factory=set)
    totals: KnownTotals | None = None
    # The score under the evaluation's scheme, or the scheme's problems when it cannot score at all.
    score: ScoredEvaluation | None = None
    scheme_name: str = ""
    scheme_problems: tuple[str, ...] = ()

    def own_wording(self, block: str) -> bool:
        """The unit wrote its own paragraph for this block ("para:<block>"): what the block needs is said there."""
        return f"para:{block}" in self.texts

    def execution_figures(self) -> list[Any]:
        return [getattr(row, name) for row in self.execution for name in EXECUTION_FIELDS]


def _has_text(name: str) -> ExpressionWrapper:
    return ExpressionWrapper(~Q(**{name: ""}), output_field=BooleanField())


def _grouped(rows: Iterable[Any], key: Callable[[Any], int]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[key(row)].append(row)
    return grouped


def _by_evaluation(rows: Iterable[Any]) -> dict[int, list[Any]]:
    return _grouped(rows, lambda row: row["evaluation_id"] if isinstance(row, dict) else row.evaluation_id)


def _fetch(evaluations: list[Evaluation]) -> dict[int, _Data]:
    """Twelve queries, one per kind of row, whatever the number of evaluations."""
    ids = [evaluation.pk for evaluation in evaluations]

    def counts(model: type[Any]) -> dict[int, int]:
        rows = model.objects.filter(evaluation_id__in=ids).values("evaluation_id").annotate(n=Count("id"))
        return {row["evaluation_id"]: row["n"] for row in rows.order_by()}

    duties, offices = counts(Duty), counts(Office)
    staffing = _by_evaluation(
        StaffingLine.objects.filter(evaluation_id__in=ids)
        .order_by("order", "id")
        .values("evaluation_id", "establishment_type", "approved", "actual")
    )
    basic = _by_evaluation(BasicSpending.objects.filter(evaluation_id__in=ids).order_by("category"))
    sources = _by_evaluation(
        FundSource.objects.filter(evaluation_id__in=ids).order_by("order", "id").values("evaluation_id", "id", "name")
    )
    # In the editor's order (the model's), so that "items-<n>" is the n-th row of the page.
    items = _by_evaluation(
        ProjectItem.objects.filter(evaluation_id__in=ids).only("evaluation_id", "source_id", "order", "name", "amount")
    )
    execution = _by_evaluation(BudgetExecution.objects.filter(evaluation_id__in=ids).order_by("kind"))
    themes = _by_evaluation(
        Theme.objects.filter(evaluation_id__in=ids)
        .order_by("order", "id")
        .annotate(has_body=_has_text("body"))
        .values("evaluation_id", "title", "has_body")
    )
    indicators = _by_evaluation(
        Indicator.objects.filter(evaluation_id__in=ids)
        .order_by("order", "id")
        .annotate(has_reason=_has_text("deviation_reason"))
        .values("evaluation_id", "name", "direction", "target", "actual", "target_text", "actual_text", "has_reason")
    )
    summaries = {row.evaluation_id: row for row in SpendingSummary.objects.filter(evaluation_id__in=ids)}
    fund_types = _by_evaluation(FundTypeSpending.objects.filter(evaluation_id__in=ids))
    texts = _by_evaluation(
        WrittenText.objects.filter(evaluation_id__in=ids).exclude(text="").values("evaluation_id", "key")
    )

    found = {}
    for evaluation in evaluations:
        pk = evaluation.pk
        data = _Data(
            evaluation=evaluation,
            duties=duties.get(pk, 0),
            offices=offices.get(pk, 0),
            staffing=staffing.get(pk, []),
            basic=basic.get(pk, []),
            sources=sources.get(pk, []),
            items=items.get(pk, []),
            execution=execution.get(pk, []),
            themes=themes.get(pk, []),
            indicators=indicators.get(pk, []),
            summary=summaries.get(pk),
            fund_types={row.fund_type: row for row in fund_types.get(pk, [])},
            texts={row["key"] for row in texts.get(pk, [])},
        )
        data.totals = known_totals(data.summary, data.basic, data.items, data.execution)
        found[pk] = data
    return found


def completeness_for(evaluations: Iterable[Evaluation]) -> dict[int, Completeness]:
    """Completeness of each evaluation (with its unit loaded), by primary key: twelve queries, one per kind of row,
    four at most for the outlines, and :data:`SCORE_QUERIES` at most for their scores, whatever the number of
    evaluations and rows."""
    evaluations = list(evaluations)
    if not evaluations:
        return {}
    outlines = outlines_for(evaluations)
    data = _fetch(evaluations)
    # The score of every evaluation from the same handful of queries (reports.scoring.scores_for).
    scores = scores_for(evaluations)
    for evaluation in evaluations:
        _add_score(data[evaluation.pk], scores[evaluation.pk])
    return {evaluation.pk: _completeness(data[evaluation.pk], outlines[evaluation.pk]) for evaluation in evaluations}


def completeness_of(evaluation: Evaluation) -> Completeness:
    return completeness_for([evaluation])[evaluation.pk]


# ---------------------------------------------------------------------------
# Putting it together: the outline's headings, each block's rule, one entry per editor section
# ---------------------------------------------------------------------------
class _Found:
    """What one block's rule finds: needs (the block says nothing true without them) and gaps (worth finishing)."""

    def __init__(self) -> None:
        self.items: list[tuple[Any, str, str, bool, str]] = []

    def need(self, text: Any, section: str, field_id: str = "", listed_under: str = "") -> None:
        self.items.append((text, section, field_id, True, listed_under))

    def gap(self, text: Any, section: str, field_id: str = "") -> None:
        self.items.append((text, section, field_id, False, ""))


def _completeness(data: _Data, outline: OutlineSpec) -> Completeness:
    blocks = outline.blocks
    problems: dict[tuple[str, str, str], Problem] = {}

    def add(text: Any, section: str, field_id: str, blocking: bool, listed_under: str = "") -> None:
        key = (str(text), section, field_id)
        earlier = problems.get(key)
        # The same input asked for by two headings: once, blocking if either heading requires it.
        blocking = blocking or bool(earlier and earlier.blocking)
        problems[key] = Problem(str(text), section, field_id, blocking, listed_under)

    for node, required in required_nodes(outline):
        rule = RULES.get(node.block)
        if rule is None:
            continue
        found = _Found()
        started = rule(data, node, blocks, found)
        if not required and not started:
            continue
        for text, section, field_id, is_need, listed_under in found.items:
            add(text, section, field_id, required and is_need, listed_under)
    # The signature date is part of every report, whatever its outline.
    if data.evaluation.signature_date is None:
        add(SIGNATURE_DATE, Section.NARRATIVE, "narrative-signature_date", True)
    # Every report is scored, whatever its outline: what the score lacks stops submission, listed under 自评评分.
    for text, section, field_id in _score_problems(data):
        add(text, section, field_id, True, listed_under=Section.SCORING)

    touched = {Section.NARRATIVE, Section.SCORING}
    touched |= {section for block in blocks for section in BLOCK_SECTIONS.get(block, ())}
    touched |= {problem.group for problem in problems.values()}
    sections = []
    for key in Section.values:
        if key not in touched:
            continue
        missing = [problem for problem in problems.values() if problem.group == key]
        if not SECTION_HAS_DATA[key](data):
            status = EMPTY if missing else OPTIONAL
        else:
            status = INCOMPLETE if missing else COMPLETE
        sections.append(SectionCompleteness(key=key, title=str(Section(key).label), status=status, missing=missing))
    checks = cross_checks(data.summary, data.basic, data.items, data.execution)
    return Completeness(sections=sections, checks=checks, outline=outline)


# ---------------------------------------------------------------------------
# Whether anything has been entered on an editor section's page
# ---------------------------------------------------------------------------
def _profile_has_data(data: _Data) -> bool:
    evaluation = data.evaluation
    return bool(
        evaluation.mandate.strip()
        or data.duties
        or data.offices
        or data.staffing
        or evaluation.staffing_authority.strip()
        or any(getattr(evaluation, name) is not None for name in STAFFING_FIGURES)
    )


def _totals_has_data(data: _Data) -> bool:
    summary = data.summary
    stated = summary is not None and any(
        getattr(summary, name) is not None
        for name in ["total_budget", "total_spending", "basic_total", "project_total"]
    )
    return stated or any(
        row.has_spending is not None or row.amount is not None or row.narrative.strip()
        for row in data.fund_types.values()
    )


def _narrative_has_data(data: _Data) -> bool:
    evaluation = data.evaluation
    names = ["overall_goal", "overall_goal_result", "problems", "measures", "results_use", "no_spending_note"]
    return evaluation.signature_date is not None or any(getattr(evaluation, name).strip() for name in names)


def _scoring_has_data(data: _Data) -> bool:
    """Something is scored already: the section is under way, not empty."""
    return data.score is not None and any(leaf.points is not None for leaf in data.score.sheet.leaves())


SECTION_HAS_DATA: dict[str, Callable[[_Data], bool]] = {
    Section.PROFILE: _profile_has_data,
    Section.TOTALS: _totals_has_data,
    Section.BASIC: lambda data: any(
        row.amount is not None or row.previous_amount is not None or row.change_reason.strip() for row in data.basic
    ),
    # Sources are copied from last year into a new one: only items are this year's data.
    Section.PROJECT: lambda data: bool(data.items),
    Section.EXECUTION: lambda data: any(value is not None for value in data.execution_figures()),
    Section.ACHIEVEMENTS: lambda data: bool(data.themes or data.indicators),
    Section.SCORING: _scoring_has_data,
    Section.NARRATIVE: _narrative_has_data,
    Section.TEXTS: lambda data: bool(data.texts),
}


# ---------------------------------------------------------------------------
# The rules, one function per block: each reports what it finds and returns whether the block has been started
# ---------------------------------------------------------------------------
Rule = Callable[[_Data, NodeSpec, set[str], _Found], bool]


def _unit_intro(data: _Data, node: NodeSpec, blocks: set[str], found: _Found) -> bool:
    evaluation = data.evaluation
    own = data.own_wording(node.block)
    if not own:
        if not evaluation.mandate.strip():
            found.need(MANDATE, Section.PROFILE, "profile-mandate")
        # The introduction lists duties and offices itself unless the outline gives them headings of their own.
        if Block.DUTIES not in blocks and not data.duties:
            found.need(DUTY_NEEDED, Section.PROFILE, "duties-0-text")
        if Block.OFFICES not in blocks and not data.offices:
            found.need(OFFICE_NEEDED, Section.PROFILE, "offices-0-name")
    return own or bool(evaluation.mandate.strip() or data.duties or data.offices)


def _offices(data: _Data, node: NodeSpec, blocks: set[str], found: _Found) -> bool:
    own = data.own_wording(node.block)
    if not own and not data.offices:
        found.need(OFFICE_NEEDED, Section.PROFILE, "offices-0-name")
    return own or bool(data.offices)


def _duties(data: _Data, node: NodeSpec, blocks: set[str], found: _Found) -> bool:
    own = data.own_wording(node.block)
    if not own and not data.duties:
        found.need(DUTY_NEEDED, Section.PROFILE, "duties-0-text")
    return own or bool(data.duties)


def _staffing(data: _Data, node: NodeSpec, blocks: set[str], found: _Found) -> bool:
    evaluation = data.evaluation
    figures = any(getattr(evaluation, name) is not None for name in STAFFING_FIGURES)
    own = data.own_wording(node.block)
    # Blank movements are unknown, not missing: only a staffing section with nothing at all in it asks for more.
    if not (own or data.staffing or figures):
        found.need(STAFFING_NEEDED, Section.PROFILE, "staffing-0-establishment_type")
    for n, line in enumerate(data.staffing):
        if line["actual"] is None:
            found.gap(HEADCOUNT % {"type": line["establishment_type"]}, Section.PROFILE, f"staffing-{n}-actual")
    return own or figures or bool(data.staffing or evaluation.staffing_authority.strip())


def _goals(data: _Data, node: NodeSpec, blocks: set[str], found: _Found) -> bool:
    own = data.own_wording(node.block) or bool(data.evaluation.overall_goal.strip())
    if not own:
        found.need(GOAL, Section.NARRATIVE, "narrative-overall_goal")
    return own


def _total_spending(data: _Data, node: NodeSpec, blocks: set[str], found: _Found) -> bool:
    own = data.own_wording(node.block)
    if not own and data.totals.total is None:
        found.need(TOTAL_NEEDED, Section.TOTALS, "totals-total_spending")
    return own or _totals_has_data(data)


def _basic_spending(data: _Data, node: NodeSpec, blocks: set[str], found: _Found) -> bool:
    own = data.own_wording(node.block)
    if not own and data.totals.basic is None:
        if any(row.amount is not None or row.previous_amount is not None for row in data.basic):
            # A split begun, or last year's carried into a new year: what is left is this year's amount of each.
            for category, label in BasicSpending.Category.choices:
                if category not in data.totals.basic_parts:
                    found.need(BASIC_AMOUNT % {"label": label}, Section.BASIC, f"basic-{category}-amount")
        else:
            found.need(BASIC_NEEDED, Section.TOTALS, "totals-basic_total", listed_under=Section.BASIC)
    for row in data.basic:
        changed = row.amount is not None and row.previous_amount is not None and row.amount != row.previous_amount
        if changed and not row.change_reason.strip():
            label = row.get_category_display()
            found.gap(BASIC_REASON % {"label": label}, Section.BASIC, f"basic-{row.category}-change_reason")
    summary_total = data.summary is not None and data.summary.basic_total is not None
    return own or summary_total or SECTION_HAS_DATA[Section.BASIC](data)


def _project_spending(data: _Data, node: NodeSpec, blocks: set[str], found: _Found) -> bool:
    own = data.own_wording(node.block)
    if not own and data.totals.project is None:
        found.need(PROJECT_NEEDED, Section.TOTALS, "totals-project_total", listed_under=Section.PROJECT)
    if data.items:
        used = {item.source_id for item in data.items}
        for n, source in enumerate(data.sources):
            if source["id"] not in used:
                found.gap(SOURCE_WITHOUT_ITEMS % {"name": source["name"]}, Section.PROJECT, f"sources-{n}-name")
    for n, item in enumerate(data.items):
        # The amount cannot be blank in the database; zero is what an item nobody costed holds.
        if not item.amount:
            found.gap(ITEM_AMOUNT % {"name": item.name}, Section.PROJECT, f"items-{n}-amount")
    summary_total = data.summary is not None and data.summary.project_total is not None
    return own or summary_total or bool(data.items)


def _fund_type(data: _Data, node: NodeSpec, blocks: set[str], found: _Found) -> bool:
    fund_type = node.block
    label = FundTypeSpending.FundType(fund_type).label
    row = data.fund_types.get(fund_type)
    own = data.own_wording(node.block)
    if not own:
        # "本单位无此项支出" is a complete answer; spending needs its amount.
        if row is None or row.has_spending is None:
            found.need(FUND_TYPE_STATED % {"label": label}, Section.TOTALS, f"totals-{fund_type}-has_spending")
        elif row.has_spending and row.amount is None:
            found.need(FUND_TYPE_AMOUNT % {"label": label}, Section.TOTALS, f"totals-{fund_type}-amount")
    started = row is not None and (row.has_spending is not None or row.amount is not None or row.narrative.strip())
    return own or bool(started)


def _no_spending_note(data: _Data, node: NodeSpec, blocks: set[str], found: _Found) -> bool:
    # Optional wording: a unit with spending of every kind has nothing to say here.
    return bool(data.evaluation.no_spending_note.strip())


def _execution(data: _Data, node: NodeSpec, blocks: set[str], found: _Found) -> bool:
    summary = data.summary
    own = data.own_wording(node.block)
    budget = (summary is not None and summary.total_budget is not None) or any(
        row.full_year_budget is not None for row in data.execution
    )
    executed = (summary is not None and summary.total_spending is not None) or any(
        row.executed is not None for row in data.execution
    )
    if not own:
        if not budget:
            found.need(BUDGET_NEEDED, Section.EXECUTION, "execution-basic-full_year_budget")
        if not executed:
            found.need(EXECUTED_NEEDED, Section.EXECUTION, "execution-basic-executed")
    # A line begun and left half-way prints a row with blanks in it.
    for row in data.execution:
        values = {name: getattr(row, name) for name in EXECUTION_FIELDS}
        if all(value is None for value in values.values()):
            continue
        for name, figure in EXECUTION_FIELDS.items():
            if values[name] is None:
                text = EXECUTION_FIGURE % {"kind": row.get_kind_display(), "figure": figure}
                found.gap(text, Section.EXECUTION, f"execution-{row.kind}-{name}")
    return own or budget or executed


def _achievements(data: _Data, node: NodeSpec, blocks: set[str], found: _Found) -> bool:
    own = data.own_wording(node.block)
    if not own:
        if not data.themes:
            found.need(THEME_NEEDED, Section.ACHIEVEMENTS, "themes-0-title")
        for n, theme in enumerate(data.themes):
            if not theme["has_body"]:
                found.need(THEME_BODY % {"title": theme["title"]}, Section.ACHIEVEMENTS, f"themes-{n}-body")
    return own or bool(data.themes)


def _self_evaluation_table(data: _Data, node: NodeSpec, blocks: set[str], found: _Found) -> bool:
    """The national 自评表: the funds block (every figure of both lines) and the indicator grid."""
    by_kind = {row.kind: row for row in data.execution}
    for kind, kind_label in ((k, k.label) for k in BudgetExecution.SPENDING_KINDS):
        row = by_kind.get(kind)
        for name, figure in EXECUTION_FIELDS.items():
            if row is None or getattr(row, name) is None:
                text = EXECUTION_FIGURE % {"kind": kind_label, "figure": figure}
                found.need(text, Section.EXECUTION, f"execution-{kind}-{name}")
    if not data.indicators:
        found.need(INDICATOR_NEEDED, Section.ACHIEVEMENTS, "indicators-0-name")
    for n, row in enumerate(data.indicators):
        name = row["name"]
        where = f"indicators-{n}"
        if row["direction"] == Indicator.Direction.QUALITATIVE:
            if not row["target_text"]:
                found.need(INDICATOR_TARGET % {"name": name}, Section.ACHIEVEMENTS, f"{where}-target_text")
            if not row["actual_text"]:
                found.need(INDICATOR_ACTUAL % {"name": name}, Section.ACHIEVEMENTS, f"{where}-actual_text")
            continue
        if row["target"] is None:
            found.need(INDICATOR_TARGET % {"name": name}, Section.ACHIEVEMENTS, f"{where}-target")
        if row["actual"] is None:
            found.need(INDICATOR_ACTUAL % {"name": name}, Section.ACHIEVEMENTS, f"{where}-actual")
        probe = Indicator(direction=row["direction"], target=row["target"], actual=row["actual"])
        if is_shortfall(probe) and not row["has_reason"]:
            found.need(INDICATOR_REASON % {"name": name}, Section.ACHIEVEMENTS, f"{where}-deviation_reason")
    evaluation = data.evaluation
    goals = evaluation.overall_goal.strip() or evaluation.overall_goal_result.strip()
    return bool(data.indicators or goals or SECTION_HAS_DATA[Section.EXECUTION](data))


def _narrative_text(data: _Data, node: NodeSpec, blocks: set[str], found: _Found) -> bool:
    name, label = NARRATIVE_TEXTS[node.block]
    written = bool(getattr(data.evaluation, name).strip())
    if not written:
        found.need(label, Section.NARRATIVE, f"narrative-{name}")
    return written


def _free_text(data: _Data, node: NodeSpec, blocks: set[str], found: _Found) -> bool:
    written = f"node:{node.key}" in data.texts
    if not written:
        found.need(FREE_TEXT_NEEDED % {"title": node.title}, Section.TEXTS, f"texts-node-{node.key}")
    return written


RULES: dict[str, Rule] = {
    Block.UNIT_INTRO: _unit_intro,
    Block.OFFICES: _offices,
    Block.STAFFING: _staffing,
    Block.DUTIES: _duties,
    Block.GOALS: _goals,
    Block.TOTAL_SPENDING: _total_spending,
    Block.BASIC_SPENDING: _basic_spending,
    Block.PROJECT_SPENDING: _project_spending,
    Block.GOVERNMENT_FUND: _fund_type,
    Block.STATE_CAPITAL: _fund_type,
    Block.SOCIAL_INSURANCE: _fund_type,
    Block.NO_SPENDING_NOTE: _no_spending_note,
    Block.EXECUTION: _execution,
    Block.ACHIEVEMENTS: _achievements,
    Block.SELF_EVALUATION_TABLE: _self_evaluation_table,
    Block.PROBLEMS: _narrative_text,
    Block.MEASURES: _narrative_text,
    Block.RESULTS_USE: _narrative_text,
    Block.FREE_TEXT: _free_text,
}


# ---------------------------------------------------------------------------
# The score: what it lacks, and where each input is entered
# ---------------------------------------------------------------------------
def _add_score(data: _Data, score: ScoredEvaluation | InvalidScheme) -> None:
    """The evaluation's score under its scheme; a scheme that cannot score (it does not validate, or its stored data
    is malformed) is kept as its problems instead."""
    if isinstance(score, InvalidScheme):
        data.scheme_name, data.scheme_problems = score.name, tuple(score.problems)
        return
    data.score = score


def _score_problems(data: _Data) -> list[tuple[str, str, str]]:
    """What stops the score from being complete and right, as (text, section, field): the scheme's own problems,
    each input a leaf lacks, the unit's indicator weights that do not add up to the scheme's (or fall under no
    leaf), and each reason the scheme asks for. A leaf the unit judges itself, and 不适用, are entered on the
    自评评分 page; the unit's indicators on the achievements page; 编制数 in the profile; the rest with the budget
    figures."""
    if data.scheme_problems:
        params = {"name": data.scheme_name}
        return [(SCORE_SCHEME % {**params, "problem": p}, Section.SCORING, "") for p in data.scheme_problems]
    if data.score is None:
        return []
    spec, sheet = data.score.scheme, data.score.sheet
    problems = []
    for missing in sheet.missing:
        leaf = spec.leaf(missing.key)
        if leaf is None:
            # Not a leaf: the total (every leaf marked 不适用) or the cap by the execution rate.
            section, field_id = LEAF_FIELDS.get(missing.key, (Section.SCORING, ""))
        elif isinstance(leaf.rule, UnitIndicators):
            section, field_id = Section.ACHIEVEMENTS, ""
        elif isinstance(leaf.rule, Qualitative):
            section, field_id = Section.SCORING, ""
        else:
            section, field_id = LEAF_FIELDS.get(leaf.key, (Section.EXECUTION, ""))
        problems.append((SCORE_INPUT % {"name": missing.name, "what": missing.what}, section, field_id))
    indicators = data.score.inputs.indicators if data.score.inputs else ()
    for problem in unit_weight_problems(spec, indicators):
        problems.append((str(problem), Section.ACHIEVEMENTS, "indicators-0-weight"))
    for reason in sheet.reasons_needed:
        problems.append((reason, Section.EXECUTION, "common-execution_reason"))
    return problems
