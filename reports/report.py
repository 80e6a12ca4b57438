"""The report as data: every heading, generated sentence and table cell of the self-evaluation report, built once
from the evaluation and rendered by the same templates for the web page, the portal snapshot and the PDF.

The report follows its outline (``evaluations.outlines.outline_for``): each heading of the outline becomes a section
numbered in its own style among the siblings that are printed, and is filled by one builder function per content
block (:data:`BLOCK_BUILDERS`). Stored prose (duties, theme bodies, problems …) is printed as stored. Everything else
— heading numbers, the staffing and spending sentences, the tables — is generated here from the figures in
``budgets.figures`` and ``achievements.figures``, so the wording follows the data.

Blank is not zero, and the report never states what nobody entered (issue 9): a figure nobody entered produces no
sentence, an entered 0 produces the sentence for zero, and an optional section with nothing to say is left out (the
numbers close up). Placeholders ("本单位本年度未填报此项内容。", "　　年　　月　　日", "未填报…") appear only in a draft
preview, which the templates mark with a 草稿 watermark; a submitted, approved or published report never shows one.

A unit may replace a block's generated paragraphs with its own wording (``WrittenText`` "para:<block>"); tables stay.

The score (自评得分情况, the 自评表's 分值/得分/总分/等级, the 自评得分表) is the evaluation's score sheet under its
scheme (``reports.scoring.score_of``), worded by ``reports.score_blocks``; while it is incomplete only a draft
mentions it.

The data are loaded with a fixed number of queries, whatever the number of items (see :func:`load_report_data`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import translation

from achievements.figures import completion_rate
from achievements.models import Indicator
from budgets.figures import (
    BasicSpendingFigures,
    Change,
    ExecutionFigures,
    ExecutionLine,
    ProjectSpendingFigures,
    SpendingTotals,
    basic_spending_figures,
    execution_figures,
    project_spending_figures,
    spending_totals,
)
from budgets.models import BasicSpending, BudgetExecution, FundTypeSpending, SpendingSummary
from evaluations.models import Block as OutlineBlock
from evaluations.models import Evaluation, Numbering
from evaluations.money import (
    format_percent,
    format_percent_signed,
    format_quantity,
    format_wan,
    format_wan_signed,
    ratio,
)
from evaluations.outlines import (
    REPLACEABLE_BLOCKS,
    NodeSpec,
    OutlineSpec,
    free_text_key,
    outline_for,
    para_key,
    writing_places,
)
from evaluations.scoring import InvalidScheme, LeafScore, ScoreSheet
from evaluations.scoring_rules import EXECUTION_RATE, IndicatorScore, format_score, format_weight

from .document import (
    NO_DATE,
    Block,
    Cell,
    Column,
    Paragraph,
    Report,
    Row,
    Section,
    Table,
    chinese_numeral,
    clause,
    format_date,
    level_style,
    list_items,
    number_in_style,
    prose_paragraphs,
    reason_clause,
    wan,
)
from .score_blocks import UNSCORABLE, score_paragraphs, score_table
from .scoring import ScoredEvaluation, score_of


# The related rows a report reads: one query each, never one per item. Basic spending and budget execution are
# ordered by their own category here: their models' default ordering goes through the evaluation and would join
# the evaluation and unit tables into the query for nothing.
def _report_prefetches() -> list[str | Prefetch]:
    return [
        "duties",
        "offices",
        "staffing_lines",
        Prefetch("basic_spending", queryset=BasicSpending.objects.order_by("category")),
        "fund_sources",
        "project_items",
        Prefetch("budget_execution", queryset=BudgetExecution.objects.order_by("kind")),
        "themes",
        "indicators",
        "spending_summary",
        Prefetch("fund_type_spending", queryset=FundTypeSpending.objects.order_by("fund_type")),
        "written_texts",
    ]


RATIO_LABELS = {
    BasicSpending.Category.PERSONNEL: "人员支出比率",
    BasicSpending.Category.OPERATING: "公用支出比率",
}

# Placeholders: only ever in a draft preview.
NO_CONTENT = "本单位本年度未填报此项内容。"
NO_EXECUTION = "本年度未填报预算资金执行情况。"
NO_INDICATORS = "本年度未填报绩效指标。"
PLACEHOLDERS = (NO_CONTENT, NO_DATE, NO_EXECUTION, NO_INDICATORS)

# The outline's wording for a budget the unit states it has no spending from.
NO_SUCH_SPENDING = "本单位无此项支出。"
# Offices without a group are internal offices, as the seed's are.
DEFAULT_OFFICE_GROUP = "内设机构"


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------
def load_report_data(evaluation: Evaluation) -> None:
    """Fetch everything the report reads: the unit (unless already joined) and one query per related list.

    Rows already prefetched by the caller are not fetched again, so a view may prefetch in its own query set."""
    if not Evaluation.unit.is_cached(evaluation):
        prefetch_related_objects([evaluation], "unit")
    prefetch_related_objects([evaluation], *_report_prefetches())


def spending_summary(evaluation: Evaluation) -> SpendingSummary | None:
    """The evaluation's entered totals, or None (no query once prefetched)."""
    try:
        return evaluation.spending_summary
    except ObjectDoesNotExist:
        return None


@dataclass(frozen=True)
class ReportData:
    """The evaluation with its figures, computed once for every block."""

    evaluation: Evaluation
    basic: BasicSpendingFigures
    project: ProjectSpendingFigures
    execution: ExecutionFigures
    totals: SpendingTotals
    fund_types: dict[str, FundTypeSpending]
    written: dict[str, str]

    @property
    def year(self) -> int:
        return self.evaluation.year

    @cached_property
    def score(self) -> ScoredEvaluation | None:
        """The evaluation's score under its scheme (:func:`reports.scoring.score_of`), computed once, when a block
        first needs it: the scheme's and the common figures' queries, a fixed number; the lists it reads are the
        ones loaded here. ``None`` when the scheme cannot score (a bureau's copy that does not validate)."""
        try:
            return score_of(self.evaluation)
        except InvalidScheme:
            return None


def report_data(evaluation: Evaluation) -> ReportData:
    """Load (see :func:`load_report_data`) and compute the figures every block reads."""
    load_report_data(evaluation)
    summary = spending_summary(evaluation)
    basic = basic_spending_figures(
        evaluation.basic_spending.all(), given_total=summary.basic_total if summary else None
    )
    project = project_spending_figures(evaluation.fund_sources.all(), evaluation.project_items.all())
    return ReportData(
        evaluation=evaluation,
        basic=basic,
        project=project,
        execution=execution_figures(evaluation.budget_execution.all()),
        totals=spending_totals(summary, basic, project),
        fund_types={row.fund_type: row for row in evaluation.fund_type_spending.all()},
        written={text.key: text.text for text in evaluation.written_texts.all()},
    )


@dataclass(frozen=True)
class _Context:
    data: ReportData
    draft: bool
    # The content blocks of the whole outline: a block prints what no other block of the outline prints (the duties
    # go with the introduction unless the outline has a duties section, the offices with the staffing).
    outline_blocks: frozenset[str]
    use_written: bool = True

    @property
    def evaluation(self) -> Evaluation:
        return self.data.evaluation

    @property
    def year(self) -> int:
        return self.data.year

    @property
    def sheet(self) -> ScoreSheet | None:
        return self.data.score.sheet if self.data.score is not None else None


BlockBuilder = Callable[[_Context, NodeSpec, int], list[Block]]


# ---------------------------------------------------------------------------
# Blocks: the unit
# ---------------------------------------------------------------------------
def _duty_texts(evaluation: Evaluation) -> list[str]:
    return [duty.text.strip() for duty in evaluation.duties.all() if duty.text.strip()]


def unit_intro_sentence(evaluation: Evaluation) -> str:
    """株洲市渌口区科技和工业信息化局是主管全区科技、工业和信息化的正科级行政单位。 Only what was entered: without a
    level, "…的单位"; without a mandate, "X是正科级行政单位。"; with neither, nothing."""
    unit = evaluation.unit
    mandate, level = evaluation.mandate.strip(), unit.level.strip()
    if mandate:
        return f"{unit.name}是{mandate}的{level or '单位'}。"
    if level:
        return f"{unit.name}是{level}。"
    return ""


def _unit_intro(ctx: _Context, node: NodeSpec, level: int) -> list[Block]:
    evaluation = ctx.evaluation
    intro = unit_intro_sentence(evaluation)
    duties = [] if OutlineBlock.DUTIES in ctx.outline_blocks else _duty_texts(evaluation)
    if duties:
        intro = f"{intro}主要职能有：" if intro else f"{evaluation.unit.name}的主要职能有："
    blocks: list[Block] = [Paragraph(intro, key=para_key(OutlineBlock.UNIT_INTRO))] if intro else []
    # Duties are stored prose: the unit's own wording of the introduction leaves them in place.
    return blocks + list_items(duties, node)


def _duties(ctx: _Context, node: NodeSpec, level: int) -> list[Block]:
    return list(list_items(_duty_texts(ctx.evaluation), node))


def office_group(office) -> str:
    # Office.group (内设机构 / 下属事业单位 / 二级机构 / any text) may be blank: an internal office, as in the seed.
    return office.group.strip() or DEFAULT_OFFICE_GROUP


def office_groups(evaluation: Evaluation) -> list[tuple[str, list[str]]]:
    """The offices by group, groups in the order of their first office."""
    groups: dict[str, list[str]] = {}
    for office in evaluation.offices.all():
        if office.name.strip():
            groups.setdefault(office_group(office), []).append(office.name.strip())
    return list(groups.items())


def offices_sentence(evaluation: Evaluation) -> str:
    """我局内设6个机构：办公室、政策法规股…；下属事业单位2个：…。 Counts are generated from the list."""
    groups = office_groups(evaluation)
    if not groups:
        return ""
    me = evaluation.unit.self_reference or "本单位"
    parts = [
        f"内设{len(names)}个机构：{'、'.join(names)}"
        if group == DEFAULT_OFFICE_GROUP
        else f"{group}{len(names)}个：{'、'.join(names)}"
        for group, names in groups
    ]
    return f"{me}{'；'.join(parts)}。"


def _offices(ctx: _Context, node: NodeSpec, level: int) -> list[Block]:
    text = offices_sentence(ctx.evaluation)
    return [Paragraph(text, key=para_key(OutlineBlock.OFFICES))] if text else []


def staffing_sentence(evaluation: Evaluation, *, with_offices: bool = True) -> str:
    """截至2024年12月31日，我局年末共有在职人员21人，其中：行政编制10人，… 全年调入在职人员1人，… 下设…。

    Each clause only from what was entered: a headcount per line where given (the total only when every line's is),
    the establishment (编制数) and its approving body, 在编人数, each staff movement that was entered (0 included),
    and, when the outline has no offices section of its own, the offices."""
    me = evaluation.unit.self_reference or "本单位"
    lines = list(evaluation.staffing_lines.all())
    as_of = evaluation.staffing_date
    date = format_date(as_of) if as_of else f"{evaluation.year}年12月31日"
    year_end = as_of is None or (as_of.month, as_of.day) == (12, 31)
    sentences = []

    counted = [line for line in lines if line.actual is not None]
    breakdown = "，".join(f"{line.establishment_type}{line.actual}人" for line in counted)
    if lines and len(counted) == len(lines):
        total = sum(line.actual for line in counted)
        text = f"截至{date}，{me}{'年末' if year_end else ''}共有在职人员{total}人"
        # A single line is the total itself; the seed lists its two.
        sentences.append(f"{text}，其中：{breakdown}。" if breakdown else f"{text}。")
    elif counted:
        sentences.append(f"截至{date}，{me}在职人员中，{breakdown}。")
    if evaluation.staff_on_roll is not None:
        prefix = "" if sentences else f"截至{date}，{me}"
        sentences.append(f"{prefix}在编人数{evaluation.staff_on_roll}人。")

    approved = [line for line in lines if line.approved is not None]
    if approved:
        parts = "，".join(f"{line.establishment_type}{line.approved}人" for line in approved)
        authority = evaluation.staffing_authority.strip()
        if len(approved) == len(lines):
            total_approved = sum(line.approved for line in approved)
            if authority:
                sentences.append(f"经{authority}核定，{me}编制{total_approved}人，其中：{parts}。")
            else:
                sentences.append(f"核定编制{total_approved}人，其中：{parts}。")
        else:
            # Some lines' establishment is unknown: no total.
            sentences.append(f"经{authority}核定，{parts}。" if authority else f"核定编制：{parts}。")

    movements = [
        (label, value)
        for label, value in (
            ("调入在职人员", evaluation.staff_transferred_in),
            ("调出在职人员", evaluation.staff_transferred_out),
            ("办理在职人员退休", evaluation.staff_retired),
            ("退休人员去世", evaluation.retirees_deceased),
        )
        if value is not None
    ]
    if movements:
        sentences.append("全年" + "，".join(f"{label}{value}人" for label, value in movements) + "。")

    if with_offices:
        groups = office_groups(evaluation)
        if len(groups) == 1 and groups[0][0] == DEFAULT_OFFICE_GROUP:
            sentences.append(f"下设{'、'.join(groups[0][1])}。")
        elif groups:
            sentences.append(offices_sentence(evaluation))
    return "".join(sentences)


def _staffing(ctx: _Context, node: NodeSpec, level: int) -> list[Block]:
    text = staffing_sentence(ctx.evaluation, with_offices=OutlineBlock.OFFICES not in ctx.outline_blocks)
    return [Paragraph(text, key=para_key(OutlineBlock.STAFFING))] if text else []


# ---------------------------------------------------------------------------
# Blocks: spending
# ---------------------------------------------------------------------------
def total_spending_sentence(year: int, totals: SpendingTotals) -> str:
    """2024年共支出X万元。其中，基本支出A万元，项目支出B万元。预算安排X万元，实际支出Y万元，预算执行率Z%。"""
    text = ""
    parts = [
        f"{label}{wan(amount)}"
        for label, amount in (("基本支出", totals.basic), ("项目支出", totals.project))
        if amount is not None
    ]
    if totals.total is not None:
        text = f"{year}年共支出{wan(totals.total)}。"
        if parts:
            text += f"其中，{'，'.join(parts)}。"
    elif parts:
        text = f"{year}年{'，'.join(parts)}。"
    if totals.total_budget is not None:
        if totals.total is None:
            text += f"预算安排{wan(totals.total_budget)}。"
        else:
            clause = f"预算安排{wan(totals.total_budget)}，实际支出{wan(totals.total)}"
            if totals.execution_rate is not None:
                clause += f"，预算执行率{format_percent(totals.execution_rate)}"
            text += f"{clause}。"
    return text


def _total_spending(ctx: _Context, node: NodeSpec, level: int) -> list[Block]:
    text = total_spending_sentence(ctx.year, ctx.data.totals)
    return [Paragraph(text, key=para_key(OutlineBlock.TOTAL_SPENDING))] if text else []


def _change_clause(change: Change) -> str:
    """The change against last year; "" when last year is unknown (nothing can be said about it)."""
    if not change.is_known:
        return ""
    if change.amount == 0:
        return "与上年持平"
    if change.previous == 0:
        return "上年无此项支出"
    if change.is_increase:
        return f"比上年增加{wan(change.amount)}，提高{format_percent(change.rate)}"
    return f"比上年减少{wan(-change.amount)}，下降{format_percent(-change.rate)}"


def basic_spending_sentence(year: int, basic: BasicSpendingFigures) -> str:
    """2024年决算基本支出474.50万元，其中：人员经费386.44万元，比上年减少84.63万元，下降17.96%，主要是…，
    人员支出比率81.44%；日常公用经费…。 The total is the entered one or the sum of the split; the split, each change
    and each share only where known."""
    lines = basic.known_lines
    total = basic.total
    if total is None and not lines:
        return ""
    if total == 0 and not any(line.amount for line in lines) and not basic.previous_total:
        return f"{year}年无基本支出。"
    clauses = []
    for line in lines:
        parts = [f"{line.label}{wan(line.amount)}"]
        change = _change_clause(line.change)
        if change:
            parts.append(change)
            if line.change.amount != 0 and reason_clause(line.reason):
                parts.append(f"主要是{reason_clause(line.reason)}")
        if line.share is not None:
            parts.append(f"{RATIO_LABELS.get(line.category, '支出比率')}{format_percent(line.share)}")
        clauses.append("，".join(parts))
    if total is None:
        return f"{year}年决算基本支出中，{'；'.join(clauses)}。"
    if not clauses:
        return f"{year}年决算基本支出{wan(total)}。"
    return f"{year}年决算基本支出{wan(total)}，其中：{'；'.join(clauses)}。"


def _basic_spending(ctx: _Context, node: NodeSpec, level: int) -> list[Block]:
    basic = ctx.data.basic
    text = basic_spending_sentence(ctx.year, basic)
    blocks: list[Block] = [Paragraph(text, key=para_key(OutlineBlock.BASIC_SPENDING))] if text else []
    lines = basic.known_lines
    if lines and (any(line.amount for line in lines) or any(line.previous_amount for line in lines)):
        blocks.append(basic_spending_table(basic))
    return blocks


def _dash(text: str) -> str:
    return text or "—"


def basic_spending_table(basic: BasicSpendingFigures) -> Table:
    def row(label: str, change: Change, share: Decimal | None, variant: str = "") -> Row:
        return Row(
            [
                Cell(label),
                Cell(_dash(format_wan(change.current)), numeric=True),
                Cell(_dash(format_wan(change.previous)), numeric=True),
                Cell(_dash(format_wan_signed(change.amount)), numeric=True),
                Cell(format_percent_signed(change.rate), numeric=True),
                Cell(format_percent(share), numeric=True),
            ],
            variant=variant,
        )

    rows = [row(line.label, line.change, line.share) for line in basic.known_lines]
    rows.append(row("合计", basic.change, ratio(basic.total, basic.total), variant="total"))
    return Table(
        caption="基本支出情况表",
        unit_note="单位：万元",
        columns=[
            Column("项目", width=25),
            Column("本年", numeric=True, width=15),
            Column("上年", numeric=True, width=15),
            Column("增减额", numeric=True, width=15),
            Column("增减率", numeric=True, width=15),
            Column("占比", numeric=True, width=15),
        ],
        rows=rows,
    )


def _items(items) -> str:
    return "、".join(f"{clause(item.wording)}{wan(item.amount)}" for item in items)


def project_spending_sentence(year: int, project: ProjectSpendingFigures, total: Decimal | None = None) -> str:
    """The project paragraph, generated: the number of parts follows the number of sources that paid anything
    (the seed says "两部分" but lists three), and every amount is 万元 with two decimals. ``total`` is the stated
    project total (the entered one, else the sum of the items); items without a source are listed plainly."""
    if total is None:
        total = project.items_total
    groups = [group for group in project.groups if group.items]
    unsourced = project.unsourced
    if total is None:
        return ""
    if not groups and not unsourced:
        return f"{year}年无项目支出。" if total == 0 else f"{year}年决算项目支出{wan(total)}。"

    def described(group) -> str:
        description = clause(group.source.description)
        return f"，{description}" if description else ""

    opening = f"{year}年决算项目支出{wan(total)}"
    if not groups:
        return f"{opening}，主要包括：{_items(unsourced)}。"
    others = f"此外，还包括：{_items(unsourced)}。" if unsourced else ""
    if len(groups) == 1:
        group = groups[0]
        if not unsourced:
            return f"{opening}，全部为{group.source.name}{described(group)}，主要包括：{_items(group.items)}。"
        return (
            f"{opening}，其中{group.source.name}支付合计{wan(group.subtotal)}{described(group)}，"
            f"主要包括：{_items(group.items)}。{others}"
        )
    parts = "".join(
        f"第{chinese_numeral(n)}部分为{group.source.name}，支付合计{wan(group.subtotal)}{described(group)}，"
        f"主要包括：{_items(group.items)}。"
        for n, group in enumerate(groups, start=1)
    )
    return f"{opening}，分{chinese_numeral(len(groups))}部分组成：{parts}{others}"


def _project_spending(ctx: _Context, node: NodeSpec, level: int) -> list[Block]:
    project = ctx.data.project
    text = project_spending_sentence(ctx.year, project, ctx.data.totals.project)
    blocks: list[Block] = [Paragraph(text, key=para_key(OutlineBlock.PROJECT_SPENDING))] if text else []
    if project.item_count:
        blocks.append(project_spending_table(project))
    return blocks


UNSOURCED_LABEL = "未列明资金来源的项目"


def project_spending_table(project: ProjectSpendingFigures) -> Table:
    rows = []
    groups = [(group.source.name, group.items, group.subtotal, group.share) for group in project.groups if group.items]
    if project.unsourced:
        share = ratio(project.unsourced_subtotal, project.total)
        groups.append((UNSOURCED_LABEL, project.unsourced, project.unsourced_subtotal, share))
    # Items of which none has a source are a plain list: no group row.
    plain = not any(group.items for group in project.groups)
    for n, (name, items, subtotal, share) in enumerate(groups, start=1):
        if not plain:
            rows.append(
                Row(
                    [
                        Cell(chinese_numeral(n)),
                        Cell(f"{name}小计"),
                        Cell(format_wan(subtotal), numeric=True),
                        Cell(format_percent(share), numeric=True),
                    ],
                    variant="group",
                )
            )
        rows.extend(
            Row([Cell(str(i)), Cell(item.name), Cell(format_wan(item.amount), numeric=True), Cell("")])
            for i, item in enumerate(items, start=1)
        )
    rows.append(
        Row(
            [
                Cell(""),
                Cell("合计"),
                Cell(format_wan(project.total), numeric=True),
                Cell(format_percent(ratio(project.total, project.total)), numeric=True),
            ],
            variant="total",
        )
    )
    return Table(
        caption="项目支出情况表" if plain else "项目支出情况表（按资金来源）",
        unit_note="单位：万元",
        columns=[
            Column("序号", width=8),
            Column("项目名称" if plain else "资金来源及项目", width=52),
            Column("决算数", numeric=True, width=20),
            Column("占项目支出比重", numeric=True, width=20),
        ],
        rows=rows,
    )


def fund_type_paragraphs(year: int, row: FundTypeSpending | None) -> list[Paragraph]:
    """政府性基金预算 / 国有资本经营预算 / 社会保险基金预算: the amount and the unit's narrative when it has such
    spending, the outline's "本单位无此项支出。" when it states it has none, nothing while nobody has said."""
    if row is None or row.has_spending is None:
        return []
    key = para_key(row.fund_type)
    if not row.has_spending:
        return [Paragraph(NO_SUCH_SPENDING, key=key)]
    paragraphs = []
    if row.amount is not None:
        paragraphs.append(Paragraph(f"{year}年{row.get_fund_type_display()}支出{wan(row.amount)}。", key=key))
    paragraphs.extend(Paragraph(text) for text in prose_paragraphs(row.narrative))
    return paragraphs


def _fund_type(fund_type: str) -> BlockBuilder:
    def build(ctx: _Context, node: NodeSpec, level: int) -> list[Block]:
        return list(fund_type_paragraphs(ctx.year, ctx.data.fund_types.get(fund_type)))

    return build


def _no_spending_note(ctx: _Context, node: NodeSpec, level: int) -> list[Block]:
    return [Paragraph(text) for text in prose_paragraphs(ctx.evaluation.no_spending_note)]


def _execution_parts(line: ExecutionLine) -> list[str]:
    parts = [
        f"{label}{wan(amount)}"
        for label, amount in (
            ("年初预算数", line.initial_budget),
            ("全年预算数", line.full_year_budget),
            ("全年执行数", line.executed),
        )
        if amount is not None
    ]
    if line.rate is not None:
        parts.append(f"执行率{format_percent(line.rate)}")
    return parts


def execution_sentence(year: int, execution: ExecutionFigures) -> str:
    """2024年预算资金年初预算数…，全年预算数…，全年执行数…，执行率…。其中，基本支出…；项目支出…。 With the source
    split when some of it is known: …执行率…。其中：财政拨款…；上年结转资金…；其他资金…。按支出类型，基本支出…；
    项目支出…。 Known figures only; a line nobody filled in is not mentioned, and the total of a column only when one
    breakdown of it is complete."""
    total = _execution_parts(execution.total)
    sources = [f"{line.label}{'，'.join(parts)}" for line in execution.sources if (parts := _execution_parts(line))]
    lines = [f"{line.label}{'，'.join(parts)}" for line in execution.lines if (parts := _execution_parts(line))]
    if not lines and not sources:
        return ""
    if not total:
        return f"{year}年{'；'.join([*sources, *lines])}。"
    text = f"{year}年预算资金{'，'.join(total)}。"
    if sources:
        text += f"其中：{'；'.join(sources)}。"
    if lines:
        text += f"{'按支出类型，' if sources else '其中，'}{'；'.join(lines)}。"
    return text


def _execution(ctx: _Context, node: NodeSpec, level: int) -> list[Block]:
    text = execution_sentence(ctx.year, ctx.data.execution)
    return [Paragraph(text, key=para_key(OutlineBlock.EXECUTION))] if text else []


# ---------------------------------------------------------------------------
# Blocks: performance and prose
# ---------------------------------------------------------------------------
def _achievements(ctx: _Context, node: NodeSpec, level: int) -> list[Block]:
    # Themes are run-in headings one level below their section: "1." under （一）工作成效, as the seed numbers them.
    blocks: list[Block] = []
    style = level_style(level + 1)
    for n, theme in enumerate(ctx.evaluation.themes.all(), start=1):
        lead = f"{number_in_style(style, n)}{clause(theme.title)}。"
        paragraphs = prose_paragraphs(theme.body) or [""]
        blocks.append(Paragraph(paragraphs[0], lead=lead))
        blocks.extend(Paragraph(p) for p in paragraphs[1:])
    return blocks


def _score(ctx: _Context, node: NodeSpec, level: int) -> list[Block]:
    """自评得分情况: the total, the grade, each 一级指标's points and the main deductions (reports.score_blocks)."""
    return list(score_paragraphs(ctx.data.score, year=ctx.year, draft=ctx.draft))


def _self_evaluation_table(ctx: _Context, node: NodeSpec, level: int) -> list[Block]:
    evaluation, execution = ctx.evaluation, ctx.data.execution
    indicators = list(evaluation.indicators.all())
    has_goal = bool(evaluation.overall_goal.strip() or evaluation.overall_goal_result.strip())
    if not indicators and execution.is_empty and not has_goal:
        return []
    # An outline without a 自评得分情况 heading of its own (the seed's keeps its six headings) has the score
    # paragraph open the table's section.
    blocks: list[Block] = [] if OutlineBlock.SCORE in ctx.outline_blocks else _score(ctx, node, level)
    sheet = ctx.sheet
    if not execution.is_empty:
        funds_leaf = sheet.leaf(EXECUTION_RATE) if sheet is not None else None
        blocks.append(execution_table(execution, funds_score=funds_leaf))
    elif ctx.draft:
        blocks.append(Paragraph(NO_EXECUTION, variant="note"))
    if has_goal:
        blocks.append(goal_table(evaluation))
    if indicators:
        blocks.append(indicator_table(indicators, sheet, draft=ctx.draft))
    elif ctx.draft:
        blocks.append(Paragraph(NO_INDICATORS, variant="note"))
    if (table := score_table(ctx.data.score, draft=ctx.draft)) is not None:
        blocks.append(table)
    return blocks


def _prose(field_name: str) -> BlockBuilder:
    def build(ctx: _Context, node: NodeSpec, level: int) -> list[Block]:
        return [Paragraph(text) for text in prose_paragraphs(getattr(ctx.evaluation, field_name))]

    return build


def _free_text(ctx: _Context, node: NodeSpec, level: int) -> list[Block]:
    return [Paragraph(text) for text in prose_paragraphs(ctx.data.written.get(free_text_key(node.key), ""))]


# One builder per content block. A block the builder does not know (an outline newer than this code) is printed
# as a heading only.
BLOCK_BUILDERS: dict[str, BlockBuilder] = {
    OutlineBlock.UNIT_INTRO: _unit_intro,
    OutlineBlock.OFFICES: _offices,
    OutlineBlock.STAFFING: _staffing,
    OutlineBlock.DUTIES: _duties,
    OutlineBlock.GOALS: _prose("overall_goal"),
    OutlineBlock.TOTAL_SPENDING: _total_spending,
    OutlineBlock.BASIC_SPENDING: _basic_spending,
    OutlineBlock.PROJECT_SPENDING: _project_spending,
    OutlineBlock.GOVERNMENT_FUND: _fund_type(FundTypeSpending.FundType.GOVERNMENT_FUND),
    OutlineBlock.STATE_CAPITAL: _fund_type(FundTypeSpending.FundType.STATE_CAPITAL),
    OutlineBlock.SOCIAL_INSURANCE: _fund_type(FundTypeSpending.FundType.SOCIAL_INSURANCE),
    OutlineBlock.NO_SPENDING_NOTE: _no_spending_note,
    OutlineBlock.EXECUTION: _execution,
    OutlineBlock.SCORE: _score,
    OutlineBlock.ACHIEVEMENTS: _achievements,
    OutlineBlock.SELF_EVALUATION_TABLE: _self_evaluation_table,
    OutlineBlock.PROBLEMS: _prose("problems"),
    OutlineBlock.MEASURES: _prose("measures"),
    OutlineBlock.RESULTS_USE: _prose("results_use"),
    OutlineBlock.FREE_TEXT: _free_text,
}


def _with_written(blocks: list[Block], key: str, text: str) -> list[Block]:
    """The block with the unit's wording in place of its generated paragraphs (at the first one's place); tables
    and stored prose stay."""
    written = [Paragraph(paragraph, key=key, written=True) for paragraph in prose_paragraphs(text)]
    result: list[Block] = []
    for block in blocks:
        if isinstance(block, Paragraph) and block.key == key:
            if written:
                result.extend(written)
                written = []
            continue
        result.append(block)
    return written + result


def _fill(ctx: _Context, node: NodeSpec, level: int) -> list[Block]:
    builder = BLOCK_BUILDERS.get(node.block)
    blocks = builder(ctx, node, level) if builder else []
    if ctx.use_written and node.block in REPLACEABLE_BLOCKS:
        key = para_key(node.block)
        text = ctx.data.written.get(key, "")
        if prose_paragraphs(text):
            blocks = _with_written(blocks, key, text)
    return blocks


# ---------------------------------------------------------------------------
# Walking the outline
# ---------------------------------------------------------------------------
def _run_in(section: Section) -> list[Block]:
    """An unnumbered subheading printed as the label of its first paragraph: "人员配置情况：截至…"."""
    label = f"{section.title}："
    blocks = list(section.blocks)
    first = blocks[0] if blocks else None
    if isinstance(first, Paragraph) and not first.lead and not first.number:
        blocks[0] = dataclasses.replace(first, lead=label, lead_kind="label")
        return blocks
    return [Paragraph("", lead=label, lead_kind="label"), *blocks]


def _build_node(ctx: _Context, node: NodeSpec, level: int, *, run_in: bool = False) -> Section | None:
    """The section of one heading, or None when it is left out: an optional heading with nothing to say and no
    child that prints. A required one with nothing to say gets the placeholder in a draft preview and its heading
    alone otherwise (submission is refused before that can be published)."""
    blocks = _fill(ctx, node, level)
    subsections: list[Section] = []
    for child in node.children:
        if child.numbering == Numbering.NONE:
            built = _build_node(ctx, child, level, run_in=True)
            if built is not None:
                blocks.extend(_run_in(built))
                subsections.extend(built.subsections)
        else:
            built = _build_node(ctx, child, level + 1)
            if built is not None:
                subsections.append(built)
    if not blocks and not subsections:
        if not node.required:
            return None
        if ctx.draft:
            blocks = [Paragraph(NO_CONTENT, variant="note")]
        elif run_in:
            return None
    return Section(
        level=level,
        number="",
        title=node.title,
        anchor="",
        blocks=blocks,
        subsections=subsections,
        numbering=node.numbering,
    )


def _number(sections: list[Section], anchor_prefix: str) -> None:
    """Numbers consecutive among the printed siblings, each in its own style; anchors s1, s2-1, …"""
    n = 0
    for index, section in enumerate(sections, start=1):
        section.anchor = f"{anchor_prefix}{index}"
        if section.numbering != Numbering.NONE:
            n += 1
            section.number = number_in_style(section.numbering, n)
        _number(section.subsections, f"{section.anchor}-")


# ---------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------
# The report is an official Chinese document whatever language the interface is shown in: choice labels (人员经费,
# 定性 …) must come out in Chinese. Templates that render a Report wrap it in this language too.
REPORT_LANGUAGE = "zh-hans"


def is_draft_preview(evaluation: Evaluation) -> bool:
    """A draft or returned report is a preview: placeholders may show, under a 草稿 watermark."""
    return evaluation.is_editable


def build_report(evaluation: Evaluation, *, draft: bool | None = None, outline: OutlineSpec | None = None) -> Report:
    """The report of an evaluation, from its data, following its outline (or ``outline``, e.g. to preview another).

    ``draft`` defaults to the evaluation's status (drafts and returned reports are previews). Queries: one per
    related list (twelve), the unit unless it came with the evaluation, the outline's (one or two), and, when the
    outline prints the score or the 自评表, the score's (:attr:`ReportData.score`: the scheme's one or two and the
    common figures' six)."""
    with translation.override(REPORT_LANGUAGE):
        return _build_report(
            evaluation, draft=is_draft_preview(evaluation) if draft is None else draft, outline=outline
        )


def _build_report(evaluation: Evaluation, *, draft: bool, outline: OutlineSpec | None) -> Report:
    data = report_data(evaluation)
    spec = outline if outline is not None else outline_for(evaluation)
    ctx = _Context(data=data, draft=draft, outline_blocks=frozenset(spec.blocks))
    sections = [section for node in spec.nodes if (section := _build_node(ctx, node, 1)) is not None]
    _number(sections, "s")
    return Report(
        title=evaluation.title,
        unit_name=evaluation.unit.name,
        year=evaluation.year,
        sections=sections,
        signature_name=evaluation.unit.name,
        signature_date=format_date(evaluation.signature_date) or (NO_DATE if draft else ""),
        draft=draft,
        outline_name=spec.name,
    )


class ReplaceableParagraph(NamedTuple):
    """One place of the report whose generated paragraphs the unit may replace (the editor's 报告文字 page)."""

    key: str
    label: str
    generated: str
    written: str


def replaceable_paragraphs(evaluation: Evaluation, *, outline: OutlineSpec | None = None) -> list[ReplaceableParagraph]:
    """Every block of the evaluation's outline (or ``outline``) with generated paragraphs, in the outline's order:
    its key ("para:<block>"), its heading, the text the report generates from the data ("" when there is none yet)
    and the unit's own wording ("" when none)."""
    with translation.override(REPORT_LANGUAGE):
        data = report_data(evaluation)
        spec = outline if outline is not None else outline_for(evaluation)
        ctx = _Context(data=data, draft=False, outline_blocks=frozenset(spec.blocks), use_written=False)
        found: list[ReplaceableParagraph] = []
        for place in writing_places(spec):
            if place.is_free_text:
                continue
            node = place.node
            generated = [b.text for b in BLOCK_BUILDERS[node.block](ctx, node, 1) if _is_keyed(b, place.key)]
            found.append(
                ReplaceableParagraph(place.key, node.title, "\n".join(generated), data.written.get(place.key, ""))
            )
        return found


def _is_keyed(block: Block, key: str) -> bool:
    return isinstance(block, Paragraph) and block.key == key


def generated_blocks(evaluation: Evaluation, blocks: Iterable[str]) -> dict[str, list[Block]]:
    """What the report generates for each of ``blocks`` (paragraphs and tables), without the unit's own wording:
    the figures the proofreading compares that wording with. No queries once the report's data are loaded; the
    outline is not read (it changes the wording, not the figures)."""
    with translation.override(REPORT_LANGUAGE):
        data = report_data(evaluation)
        ctx = _Context(data=data, draft=False, outline_blocks=frozenset(), use_written=False)
        return {
            block: BLOCK_BUILDERS[block](ctx, NodeSpec(block, "", block), 1) if block in BLOCK_BUILDERS else []
            for block in blocks
        }


# ---------------------------------------------------------------------------
# The self-evaluation table (部门整体支出绩效自评表)
# ---------------------------------------------------------------------------
def execution_table(execution: ExecutionFigures, *, funds_score: LeafScore | None = None) -> Table:
    """预算资金执行情况 in the national format (财预〔2020〕10号). ``funds_score`` is the scheme's execution-rate leaf:
    its 分值 and 得分 go on the 年度资金总额 row; a scheme without one (Hunan's) leaves both empty, as do the other
    rows, which the national form does not score."""

    def row(line, variant: str = "", score: LeafScore | None = None) -> Row:
        return Row(
            [
                # The execution lines' labels are the choices' lazy strings: made text here, in the report's language.
                Cell(str(line.label)),
                Cell(_dash(format_wan(line.initial_budget)), numeric=True),
                Cell(_dash(format_wan(line.full_year_budget)), numeric=True),
                Cell(_dash(format_wan(line.executed)), numeric=True),
                Cell(format_weight(score.weight) if score else "", numeric=True),
                Cell(format_percent(line.rate), numeric=True),
                Cell(format_score(score.points) if score else "", numeric=True),
            ],
            variant=variant,
        )

    # The national order: 年度资金总额, "其中：" the sources of funds, then 基本支出 and 项目支出. A source nobody
    # filled in is left out (many units do not break their funds down); "其中：" goes with the first one printed.
    source_rows = [
        row(dataclasses.replace(line, label=f"其中：{line.label}") if n == 0 else line)
        for n, line in enumerate(execution.known_sources)
    ]
    return Table(
        caption="预算资金执行情况",
        unit_note="单位：万元",
        columns=[
            Column("资金类别", width=25),
            Column("年初预算数", numeric=True, width=15),
            Column("全年预算数", numeric=True, width=15),
            Column("全年执行数", numeric=True, width=15),
            Column("分值", numeric=True, width=9),
            Column("执行率", numeric=True, width=12),
            Column("得分", numeric=True, width=9),
        ],
        rows=[row(execution.total, "total", funds_score), *source_rows, *(row(line) for line in execution.lines)],
    )


def goal_table(evaluation: Evaluation) -> Table:
    return Table(
        caption="年度总体目标完成情况",
        columns=[Column("预期目标", width=50), Column("实际完成情况", width=50)],
        rows=[
            Row(
                [
                    Cell("\n".join(prose_paragraphs(evaluation.overall_goal)) or "—"),
                    Cell("\n".join(prose_paragraphs(evaluation.overall_goal_result)) or "—"),
                ]
            )
        ],
    )


def _indicator_value(indicator: Indicator, value: Decimal | None, text: str, *, with_direction: bool) -> str:
    if indicator.is_qualitative or value is None:
        return text.strip() or "—"
    prefix = ""
    if with_direction and indicator.direction in (Indicator.Direction.AT_LEAST, Indicator.Direction.AT_MOST):
        prefix = indicator.get_direction_display()
    return f"{prefix}{format_quantity(value)}{indicator.measure_unit}"


def _indicator_points(row: IndicatorScore | None) -> str:
    """An indicator's 得分 on its own 分值, as the score sheet has it: "不适用", or blank while it cannot be computed
    (or no leaf of the scheme takes it), never 0."""
    if row is None:
        return ""
    if row.not_applicable:
        return "不适用"
    return format_score(row.points)


def _grid_totals(sheet: ScoreSheet | None, *, draft: bool) -> list[Row]:
    """总分 and 等级 under the indicator grid: the sheet's, once it is complete; "无法计算" in a draft before."""
    if sheet is None or not (sheet.is_complete or draft):
        return []
    full = sum((level1.weight for level1 in sheet.sections), Decimal(0))
    return [
        Row(
            [
                Cell("总分", colspan=6),
                Cell(format_weight(full), numeric=True),
                Cell(sheet.shown_total or UNSCORABLE, numeric=True),
                Cell(""),
            ],
            variant="total",
        ),
        Row([Cell("等级", colspan=6), Cell(sheet.grade or UNSCORABLE, colspan=2), Cell("")], variant="total"),
    ]


def indicator_table(indicators: list[Indicator], sheet: ScoreSheet | None = None, *, draft: bool = False) -> Table:
    """绩效指标完成情况: each indicator with its 分值 and its 得分 from ``sheet`` (matched by the indicator's pk),
    then the sheet's 总分 and 等级."""
    scored = {row.indicator.ref: row for leaf in sheet.leaves() for row in leaf.indicators} if sheet else {}
    rows = []
    for indicator in indicators:
        actual = _indicator_value(indicator, indicator.actual, indicator.actual_text, with_direction=False)
        if indicator.ranking.strip():
            actual = f"{actual}（{indicator.ranking.strip()}）" if actual != "—" else indicator.ranking.strip()
        rows.append(
            Row(
                [
                    Cell(indicator.level1),
                    Cell(indicator.level2),
                    Cell(indicator.name),
                    Cell(_indicator_value(indicator, indicator.target, indicator.target_text, with_direction=True)),
                    Cell(actual),
                    Cell(format_percent(completion_rate(indicator)), numeric=True),
                    Cell(format_quantity(indicator.weight), numeric=True),
                    Cell(_indicator_points(scored.get(indicator.pk)), numeric=True),
                    Cell(indicator.deviation_reason.strip()),
                ]
            )
        )
    rows += _grid_totals(sheet, draft=draft)
    return Table(
        caption="绩效指标完成情况",
        columns=[
            Column("一级指标", width=11),
            Column("二级指标", width=10),
            Column("三级指标", width=13),
            Column("年度指标值", width=11),
            Column("实际完成值", width=14),
            Column("完成率", numeric=True, width=11),
            Column("分值", numeric=True, width=7),
            Column("得分", numeric=True, width=7),
            Column("偏差原因分析及改进措施", width=16),
        ],
        rows=rows,
        variant="wide",
    )
