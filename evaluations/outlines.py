"""Report outlines: the three that ship with the app, and which outline an evaluation follows.

An outline is data (:class:`evaluations.models.ReportOutline` and its :class:`~evaluations.models.OutlineNode`
tree). The shipped ones are defined here as plain data, written to the database by a migration and by ``loaddemo``
(:func:`ensure_builtin_outlines`), and used from here directly when the database has none, so a report can always be
built. A bureau adds its own outline by copying one in the admin or its outline pages and editing the wording.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from .models import Block, Evaluation, Numbering, OutlineAssignment, OutlineNode, ReportOutline

SEED = "seed"
HUNAN = "hunan"
PLAIN = "plain"
DEFAULT = SEED


@dataclass(frozen=True)
class NodeSpec:
    """One heading of an outline, as the report builder reads it."""

    key: str
    title: str
    block: str = Block.HEADING_ONLY
    numbering: str = Numbering.CHINESE
    required: bool = False
    item_numbering: str = Numbering.CHINESE_PAREN
    items_inline: bool = False
    children: tuple[NodeSpec, ...] = ()


@dataclass(frozen=True)
class OutlineSpec:
    key: str
    name: str
    description: str
    nodes: tuple[NodeSpec, ...] = field(default_factory=tuple)

    def walk(self) -> list[NodeSpec]:
        found: list[NodeSpec] = []

        def visit(nodes: tuple[NodeSpec, ...]) -> None:
            for node in nodes:
                found.append(node)
                visit(node.children)

        visit(self.nodes)
        return found

    @property
    def blocks(self) -> set[str]:
        return {node.block for node in self.walk() if node.block}


def _top(key: str, title: str, block: str = Block.HEADING_ONLY, **kwargs) -> NodeSpec:
    return NodeSpec(key, title, block, Numbering.CHINESE, **kwargs)


def _sub(key: str, title: str, block: str = Block.HEADING_ONLY, **kwargs) -> NodeSpec:
    return NodeSpec(key, title, block, Numbering.CHINESE_PAREN, **kwargs)


BUILTIN: dict[str, OutlineSpec] = {
    SEED: OutlineSpec(
        SEED,
        "湖南县级通用提纲（六部分）",
        "渌口区科工信局2024年报告所用的提纲：单位基本情况、一般公共预算支出、整体支出绩效、问题、措施、结果应用和公开。",
        (
            _top(
                "unit",
                "预算单位基本情况",
                Block.UNIT_INTRO,
                required=True,
                children=(NodeSpec("staffing", "人员配置情况", Block.STAFFING, Numbering.NONE),),
            ),
            _top(
                "general",
                "一般公共预算支出情况",
                Block.NO_SPENDING_NOTE,
                required=True,
                children=(
                    _sub("basic", "基本支出情况", Block.BASIC_SPENDING, required=True),
                    _sub("project", "项目支出情况", Block.PROJECT_SPENDING, required=True),
                ),
            ),
            _top(
                "performance",
                "部门整体支出绩效情况",
                required=True,
                children=(
                    _sub("results", "工作成效", Block.ACHIEVEMENTS, required=True),
                    _sub("table", "部门整体支出绩效自评表", Block.SELF_EVALUATION_TABLE),
                ),
            ),
            _top("problems", "存在的问题及原因分析", Block.PROBLEMS, required=True),
            _top("measures", "下一步改进措施", Block.MEASURES, required=True),
            _top("use", "绩效自评结果拟应用和公开情况", Block.RESULTS_USE, required=True),
        ),
    ),
    HUNAN: OutlineSpec(
        HUNAN,
        "湖南部门整体支出绩效自评提纲（九部分）",
        "湖南县区近年通知中的完整提纲：单位基本情况分机构、人员、职能、目标四项，四类预算支出分列，另有其他说明。",
        (
            _top(
                "unit",
                "部门、单位基本情况",
                Block.UNIT_INTRO,
                required=True,
                children=(
                    _sub("offices", "机构设置情况", Block.OFFICES, required=True),
                    _sub("staffing", "人员编制情况", Block.STAFFING, required=True),
                    _sub("duties", "主要职能职责", Block.DUTIES, required=True),
                    _sub("goals", "绩效目标设定情况", Block.GOALS),
                ),
            ),
            _top(
                "general",
                "一般公共预算支出情况",
                Block.TOTAL_SPENDING,
                required=True,
                children=(
                    _sub("basic", "基本支出情况", Block.BASIC_SPENDING, required=True),
                    _sub("project", "项目支出情况", Block.PROJECT_SPENDING, required=True),
                ),
            ),
            _top("government_fund", "政府性基金预算支出情况", Block.GOVERNMENT_FUND, required=True),
            _top("state_capital", "国有资本经营预算支出情况", Block.STATE_CAPITAL, required=True),
            _top("social_insurance", "社会保险基金预算支出情况", Block.SOCIAL_INSURANCE, required=True),
            _top(
                "performance",
                "部门整体支出绩效情况",
                Block.EXECUTION,
                required=True,
                children=(
                    _sub("results", "工作成效", Block.ACHIEVEMENTS),
                    _sub("table", "部门整体支出绩效自评表", Block.SELF_EVALUATION_TABLE),
                ),
            ),
            _top("problems", "存在的问题及原因分析", Block.PROBLEMS, required=True),
            _top("measures", "下一步改进措施", Block.MEASURES, required=True),
            _top("use", "部门整体支出绩效自评结果拟应用和公开情况", Block.RESULTS_USE, required=True),
            _top("other", "其他需要说明的情况", Block.FREE_TEXT),
        ),
    ),
    PLAIN: OutlineSpec(
        PLAIN,
        "简明提纲（数据较少的单位）",
        "只有总数、没有明细的单位：基本情况、支出总体情况、绩效情况、问题和措施、结果应用和公开。",
        (
            _top("unit", "基本情况", Block.UNIT_INTRO, required=True, item_numbering=Numbering.ARABIC_COMMA),
            _top("spending", "支出情况", Block.TOTAL_SPENDING, required=True),
            _top("performance", "绩效情况", Block.ACHIEVEMENTS),
            _top("problems", "存在的问题及改进措施", Block.PROBLEMS, required=True),
            _top("measures", "下一步工作", Block.MEASURES),
            _top("use", "自评结果应用和公开情况", Block.RESULTS_USE, required=True),
        ),
    ),
}


# ---------------------------------------------------------------------------
# The database side
# ---------------------------------------------------------------------------
def ensure_builtin_outlines() -> dict[str, ReportOutline]:
    """Write the shipped outlines to the database if they are not there yet; an outline a bureau has edited is left
    as it is. Returns them by key."""
    found = {outline.builtin: outline for outline in ReportOutline.objects.exclude(builtin="")}
    with transaction.atomic():
        for key, spec in BUILTIN.items():
            if key in found:
                continue
            outline = ReportOutline.objects.create(name=spec.name, description=spec.description, builtin=key)
            _write_nodes(outline, spec.nodes, parent=None)
            found[key] = outline
    return found


def _write_nodes(outline: ReportOutline, nodes: tuple[NodeSpec, ...], parent: OutlineNode | None) -> None:
    for order, spec in enumerate(nodes, start=1):
        node = OutlineNode.objects.create(
            outline=outline,
            parent=parent,
            order=order,
            key=spec.key,
            title=spec.title,
            numbering=spec.numbering,
            block=spec.block,
            required=spec.required,
            item_numbering=spec.item_numbering,
            items_inline=spec.items_inline,
        )
        _write_nodes(outline, spec.children, node)


def outline_spec(outline: ReportOutline) -> OutlineSpec:
    """An outline from the database as the builder reads it (one query for its headings)."""
    nodes = list(outline.nodes.order_by("order", "id"))
    children: dict[int | None, list[OutlineNode]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)

    def build(parent_id: int | None) -> tuple[NodeSpec, ...]:
        return tuple(
            NodeSpec(
                key=node.key,
                title=node.title,
                block=node.block,
                numbering=node.numbering,
                required=node.required,
                item_numbering=node.item_numbering,
                items_inline=node.items_inline,
                children=build(node.pk),
            )
            for node in children.get(parent_id, [])
        )

    return OutlineSpec(outline.builtin or f"outline-{outline.pk}", outline.name, outline.description, build(None))


def chosen_outline(evaluation: Evaluation) -> ReportOutline | None:
    """The outline in the database an evaluation follows: its unit's own, else the bureau's choice for the unit's
    region and year (region and year, region, year, every region and year, in that order), else none."""
    unit = evaluation.unit
    if unit.outline_id is not None:
        return unit.outline
    candidates = OutlineAssignment.objects.filter(
        Q(region=unit.region) | Q(region=""), Q(year=evaluation.year) | Q(year__isnull=True)
    ).select_related("outline")
    ranked = sorted(candidates, key=lambda a: (a.region == unit.region and bool(a.region), a.year is not None))
    return ranked[-1].outline if ranked else None


def outline_for(evaluation: Evaluation) -> OutlineSpec:
    """The outline the evaluation's report follows (two queries at most); the default shipped outline when the
    database holds no choice."""
    chosen = chosen_outline(evaluation)
    return outline_spec(chosen) if chosen is not None else BUILTIN[DEFAULT]
