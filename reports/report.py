"""The report as data: every heading, generated sentence and table cell of the self-evaluation report, built once
from the evaluation and rendered by the same templates for the web page, the portal snapshot and the PDF.

Stored prose (duties, theme bodies, problems …) is printed as stored. Everything else — heading numbers, the
staffing, basic-spending and project-spending sentences, the tables — is generated here from the figures in
``budgets.figures`` and ``achievements.figures``, so the wording follows the data: an increase is worded as an
increase, a third source of funds makes "分三部分组成", and amounts are 万元 with two decimals everywhere.

The data are loaded with a fixed number of queries, whatever the number of items (see :func:`load_report_data`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import translation

from achievements.figures import completion_rate, indicator_score
from achievements.models import Indicator
from budgets.figures import (
    BasicSpendingFigures,
    Change,
    ExecutionFigures,
    ProjectSpendingFigures,
    basic_spending_figures,
    execution_figures,
    project_spending_figures,
)
from budgets.models import BasicSpending, BudgetExecution
from evaluations.models import Evaluation
from evaluations.money import (
    format_percent,
    format_percent_signed,
    format_quantity,
    format_wan,
    format_wan_signed,
    quantize_half_up,
    ratio,
)


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
    ]


RATIO_LABELS = {
    BasicSpending.Category.PERSONNEL: "人员支出比率",
    BasicSpending.Category.OPERATING: "公用支出比率",
}

NO_CONTENT = "本单位本年度未填报此项内容。"

_DIGITS = "零一二三四五六七八九"
_TRAILING_PUNCTUATION = "。；;，,、：: \u3000"


# ---------------------------------------------------------------------------
# Numbering: 一、 → （一） → 1. → （1）, as GB/T 9704-2012 prescribes
# ---------------------------------------------------------------------------
def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 16 → 十六, 21 → 二十一, 101 → 一百零一, 110 → 一百一十 (up to 9999)."""
    if not 1 <= n <= 9999:
        raise ValueError(f"No Chinese numeral for {n}")
    text, pending_zero = "", False
    for value, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit == 0:
            pending_zero = bool(text)
            continue
        if pending_zero:
            text += "零"
            pending_zero = False
        text += _DIGITS[digit] + name
    # 十一, not 一十一, below twenty.
    return text[1:] if 10 <= n < 20 else text


def heading_number(level: int, n: int) -> str:
    """The number of the n-th heading at a level: 一、 / （一） / 1. / （1）. Only the first level takes 、."""
    if level == 1:
        return f"{chinese_numeral(n)}、"
    if level == 2:
        return f"（{chinese_numeral(n)}）"
    if level == 3:
        return f"{n}."
    if level == 4:
        return f"（{n}）"
    raise ValueError(f"No heading level {level}")


# ---------------------------------------------------------------------------
# The tree
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Paragraph:
    text: str
    # A run-in heading or label printed before the text, e.g. "1.工业运行稳中有进。" or "人员配置情况：".
    lead: str = ""
    # "heading" leads are third-level headings (仿宋 bold); "label" leads are plain text.
    lead_kind: str = "heading"
    # A list number printed before the text, e.g. "（一）" for the duties.
    number: str = ""
    # "note" marks a sentence that stands in for missing data.
    variant: str = ""
    kind: str = "paragraph"


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = False
    # The column's share of the table width in percent; tables are laid out with fixed widths (faster in
    # WeasyPrint, and a long cell cannot squeeze its neighbours). The stylesheets define a class per value used.
    width: int = 0


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool = False
    colspan: int = 1


@dataclass(frozen=True)
class Row:
    cells: list[Cell]
    # "group" for a source-of-funds subtotal, "total" for the last line, "" for an ordinary row.
    variant: str = ""


@dataclass(frozen=True)
class Table:
    caption: str
    columns: list[Column]
    rows: list[Row]
    unit_note: str = ""
    # "wide" tables get the smaller print size in the PDF.
    variant: str = ""
    kind: str = "table"

    @property
    def keep_together(self) -> bool:
        """A short table is not split across pages; a long one breaks between rows, its header repeated."""
        return len(self.rows) <= 8


Block = Paragraph | Table


@dataclass
class Section:
    level: int
    number: str
    title: str
    anchor: str
    blocks: list[Block] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return f"{self.number}{self.title}"


@dataclass(frozen=True)
class TocEntry:
    level: int
    heading: str
    anchor: str


@dataclass
class Report:
    title: str
    unit_name: str
    year: int
    sections: list[Section]
    signature_name: str
    signature_date: str

    @property
    def toc(self) -> list[TocEntry]:
        entries = []
        for section in self.sections:
            entries.append(TocEntry(1, section.heading, section.anchor))
            entries.extend(TocEntry(2, sub.heading, sub.anchor) for sub in section.subsections)
        return entries

    @property
    def paragraphs(self) -> list[Paragraph]:
        """Every paragraph in reading order (tables excluded): what a reader of the PDF's text sees."""
        found: list[Paragraph] = []

        def walk(section: Section) -> None:
            found.extend(block for block in section.blocks if isinstance(block, Paragraph))
            for sub in section.subsections:
                walk(sub)

        for section in self.sections:
            walk(section)
        return found


class _Outline:
    """Numbers sections as they are added, so the numbering is always consecutive whatever is left out."""

    def __init__(self) -> None:
        self.sections: list[Section] = []

    def section(self, title: str) -> Section:
        n = len(self.sections) + 1
        section = Section(level=1, number=heading_number(1, n), title=title, anchor=f"s{n}")
        self.sections.append(section)
        return section

    @staticmethod
    def subsection(parent: Section, title: str) -> Section:
        n = len(parent.subsections) + 1
        sub = Section(level=2, number=heading_number(2, n), title=title, anchor=f"{parent.anchor}-{n}")
        parent.subsections.append(sub)
        return sub


# ---------------------------------------------------------------------------
# Small wording helpers
# ---------------------------------------------------------------------------
def wan(amount: Decimal) -> str:
    return f"{format_wan(amount)}万元"


def prose_paragraphs(text: str) -> list[str]:
    """Stored prose split into paragraphs at line breaks; blank lines and surrounding spaces dropped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _clause(text: str) -> str:
    """A stored phrase ready to be embedded in a generated sentence: without its closing punctuation."""
    return text.strip().rstrip(_TRAILING_PUNCTUATION)


def _reason(text: str) -> str:
    reason = _clause(text)
    # The generated sentence supplies "主要是"; preparers often type it as well.
    for prefix in ("主要是", "主要原因是"):
        if reason.startswith(prefix):
            reason = reason[len(prefix) :]
    return reason


def format_date(value: datetime.date | None) -> str:
    """2025-05-22 → 2025年5月22日 (Arabic numerals without leading zeros, as GB/T 9704 prescribes)."""
    if value is None:
        return "　　年　　月　　日"
    return f"{value.year}年{value.month}月{value.day}日"


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------
def load_report_data(evaluation: Evaluation) -> None:
    """Fetch everything the report reads: the unit (unless already joined) and one query per related list.

    Rows already prefetched by the caller are not fetched again, so a view may prefetch in its own query set."""
    if not Evaluation.unit.is_cached(evaluation):
        prefetch_related_objects([evaluation], "unit")
    prefetch_related_objects([evaluation], *_report_prefetches())


# ---------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------
# The report is an official Chinese document whatever language the interface is shown in: choice labels (人员经费,
# 定性 …) must come out in Chinese. Templates that render a Report wrap it in this language too.
REPORT_LANGUAGE = "zh-hans"


def build_report(evaluation: Evaluation) -> Report:
    """The report of an evaluation, from its data, in the seed's order (domain.md §1)."""
    with translation.override(REPORT_LANGUAGE):
        return _build_report(evaluation)


def _build_report(evaluation: Evaluation) -> Report:
    load_report_data(evaluation)
    basic = basic_spending_figures(evaluation.basic_spending.all())
    project = project_spending_figures(evaluation.fund_sources.all(), evaluation.project_items.all())
    execution = execution_figures(evaluation.budget_execution.all())

    outline = _Outline()
    _unit_section(outline, evaluation)
    _spending_section(outline, evaluation, basic, project)
    _performance_section(outline, evaluation, execution)
    for title, text in (
        ("存在的问题及原因分析", evaluation.problems),
        ("下一步改进措施", evaluation.measures),
        ("绩效自评结果拟应用和公开情况", evaluation.results_use),
    ):
        section = outline.section(title)
        section.blocks.extend(_prose_or_note(text))

    return Report(
        title=evaluation.title,
        unit_name=evaluation.unit.name,
        year=evaluation.year,
        sections=outline.sections,
        signature_name=evaluation.unit.name,
        signature_date=format_date(evaluation.signature_date),
    )


def _prose_or_note(text: str) -> list[Paragraph]:
    paragraphs = prose_paragraphs(text)
    if not paragraphs:
        return [Paragraph(NO_CONTENT, variant="note")]
    return [Paragraph(p) for p in paragraphs]


# 一、预算单位基本情况 ---------------------------------------------------------
def _unit_section(outline: _Outline, evaluation: Evaluation) -> None:
    section = outline.section("预算单位基本情况")
    unit = evaluation.unit
    duties = [duty for duty in evaluation.duties.all() if duty.text.strip()]
    intro = f"{unit.name}是{evaluation.mandate.strip()}的{unit.level}。" if evaluation.mandate.strip() else ""
    if not intro:
        intro = f"{unit.name}是{unit.level}。"
    if duties:
        intro += "主要职能有："
    section.blocks.append(Paragraph(intro))
    section.blocks.extend(
        # Duties are numbered like second-level headings, without a trailing 、.
        Paragraph(duty.text.strip(), number=heading_number(2, n))
        for n, duty in enumerate(duties, start=1)
    )
    section.blocks.append(Paragraph(staffing_sentence(evaluation), lead="人员配置情况：", lead_kind="label"))


def staffing_sentence(evaluation: Evaluation) -> str:
    """截至2024年12月31日，我局年末共有在职人员21人，其中：行政编制10人，… 全年调入在职人员1人，… 下设…。"""
    me = evaluation.unit.self_reference or "本单位"
    lines = list(evaluation.staffing_lines.all())
    total = sum(line.actual for line in lines)
    text = f"截至{evaluation.year}年12月31日，{me}年末共有在职人员{total}人"
    counted = [line for line in lines if line.actual]
    if counted:
        text += "，其中：" + "，".join(f"{line.establishment_type}{line.actual}人" for line in counted)
    text += "。"
    approved = [line for line in lines if line.approved is not None]
    if approved:
        text += f"核定编制{sum(line.approved for line in approved)}人，其中：" + "，".join(
            f"{line.establishment_type}{line.approved}人" for line in approved
        )
        text += "。"
    text += (
        f"全年调入在职人员{evaluation.staff_transferred_in}人，调出在职人员{evaluation.staff_transferred_out}人，"
        f"办理在职人员退休{evaluation.staff_retired}人，退休人员去世{evaluation.retirees_deceased}人。"
    )
    offices = [office.name.strip() for office in evaluation.offices.all() if office.name.strip()]
    if offices:
        text += f"下设{'、'.join(offices)}。"
    return text


# 二、一般公共预算支出情况 -----------------------------------------------------
def _spending_section(
    outline: _Outline, evaluation: Evaluation, basic: BasicSpendingFigures, project: ProjectSpendingFigures
) -> None:
    section = outline.section("一般公共预算支出情况")

    basic_section = outline.subsection(section, "基本支出情况")
    basic_section.blocks.append(Paragraph(basic_spending_sentence(evaluation.year, basic)))
    if basic.lines and (basic.total or basic.previous_total):
        basic_section.blocks.append(basic_spending_table(basic))

    project_section = outline.subsection(section, "项目支出情况")
    project_section.blocks.append(Paragraph(project_spending_sentence(evaluation.year, project)))
    if project.item_count:
        project_section.blocks.append(project_spending_table(project))

    for text in prose_paragraphs(evaluation.no_spending_note):
        section.blocks.append(Paragraph(text))


def _change_clause(change: Change) -> str:
    if change.amount == 0:
        return "与上年持平"
    if change.previous == 0:
        return "上年无此项支出"
    if change.is_increase:
        return f"比上年增加{wan(change.amount)}，提高{format_percent(change.rate)}"
    return f"比上年减少{wan(-change.amount)}，下降{format_percent(-change.rate)}"


def basic_spending_sentence(year: int, basic: BasicSpendingFigures) -> str:
    """2024年决算基本支出474.50万元，其中：人员经费386.44万元，比上年减少84.63万元，下降17.96%，主要是…，
    人员支出比率81.44%；日常公用经费…。"""
    if not basic.lines or (basic.total == 0 and basic.previous_total == 0):
        return f"{year}年无基本支出。"
    clauses = []
    for line in basic.lines:
        parts = [f"{line.label}{wan(line.amount)}", _change_clause(line.change)]
        if line.change.amount != 0 and _reason(line.reason):
            parts.append(f"主要是{_reason(line.reason)}")
        if line.share is not None:
            parts.append(f"{RATIO_LABELS.get(line.category, '支出比率')}{format_percent(line.share)}")
        clauses.append("，".join(parts))
    return f"{year}年决算基本支出{wan(basic.total)}，其中：{'；'.join(clauses)}。"


def basic_spending_table(basic: BasicSpendingFigures) -> Table:
    def row(label: str, change: Change, share: Decimal | None, variant: str = "") -> Row:
        return Row(
            [
                Cell(label),
                Cell(format_wan(change.current), numeric=True),
                Cell(format_wan(change.previous), numeric=True),
                Cell(format_wan_signed(change.amount), numeric=True),
                Cell(format_percent_signed(change.rate), numeric=True),
                Cell(format_percent(share), numeric=True),
            ],
            variant=variant,
        )

    rows = [row(line.label, line.change, line.share) for line in basic.lines]
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


def project_spending_sentence(year: int, project: ProjectSpendingFigures) -> str:
    """The project paragraph, generated: the number of parts follows the number of sources that paid anything
    (the seed says "两部分" but lists three), and every amount is 万元 with two decimals."""
    groups = [group for group in project.groups if group.items]
    if not groups:
        return f"{year}年无项目支出。"

    def items(group) -> str:
        return "、".join(f"{_clause(item.wording)}{wan(item.amount)}" for item in group.items)

    def described(group) -> str:
        description = _clause(group.source.description)
        return f"，{description}" if description else ""

    opening = f"{year}年决算项目支出{wan(project.total)}"
    if len(groups) == 1:
        group = groups[0]
        return f"{opening}，全部为{group.source.name}{described(group)}，主要包括：{items(group)}。"
    parts = "".join(
        f"第{chinese_numeral(n)}部分为{group.source.name}，支付合计{wan(group.subtotal)}{described(group)}，"
        f"主要包括：{items(group)}。"
        for n, group in enumerate(groups, start=1)
    )
    return f"{opening}，分{chinese_numeral(len(groups))}部分组成：{parts}"


def project_spending_table(project: ProjectSpendingFigures) -> Table:
    rows = []
    for n, group in enumerate((g for g in project.groups if g.items), start=1):
        rows.append(
            Row(
                [
                    Cell(chinese_numeral(n)),
                    Cell(f"{group.source.name}小计"),
                    Cell(format_wan(group.subtotal), numeric=True),
                    Cell(format_percent(group.share), numeric=True),
                ],
                variant="group",
            )
        )
        rows.extend(
            Row([Cell(str(i)), Cell(item.name), Cell(format_wan(item.amount), numeric=True), Cell("")])
            for i, item in enumerate(group.items, start=1)
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
        caption="项目支出情况表（按资金来源）",
        unit_note="单位：万元",
        columns=[
            Column("序号", width=8),
            Column("资金来源及项目", width=52),
            Column("决算数", numeric=True, width=20),
            Column("占项目支出比重", numeric=True, width=20),
        ],
        rows=rows,
    )


# 三、部门整体支出绩效情况 -----------------------------------------------------
def _performance_section(outline: _Outline, evaluation: Evaluation, execution: ExecutionFigures) -> None:
    section = outline.section("部门整体支出绩效情况")

    results = outline.subsection(section, "工作成效")
    themes = list(evaluation.themes.all())
    if not themes:
        results.blocks.append(Paragraph(NO_CONTENT, variant="note"))
    for n, theme in enumerate(themes, start=1):
        lead = f"{heading_number(3, n)}{_clause(theme.title)}。"
        paragraphs = prose_paragraphs(theme.body) or [""]
        results.blocks.append(Paragraph(paragraphs[0], lead=lead))
        results.blocks.extend(Paragraph(p) for p in paragraphs[1:])

    indicators = list(evaluation.indicators.all())
    has_goal = bool(evaluation.overall_goal.strip() or evaluation.overall_goal_result.strip())
    if not indicators and execution.is_empty and not has_goal:
        return
    table_section = outline.subsection(section, "部门整体支出绩效自评表")
    if execution.is_empty:
        table_section.blocks.append(Paragraph("本年度未填报预算资金执行情况。", variant="note"))
    else:
        table_section.blocks.append(execution_table(execution))
    if has_goal:
        table_section.blocks.append(goal_table(evaluation))
    if indicators:
        table_section.blocks.append(indicator_table(indicators))
    else:
        table_section.blocks.append(Paragraph("本年度未填报绩效指标。", variant="note"))


def execution_table(execution: ExecutionFigures) -> Table:
    # 分值 and 得分 stay empty until the scoring rules are configured; the columns are there so the table keeps
    # the national format (财预〔2020〕10号).
    def row(line, variant: str = "") -> Row:
        return Row(
            [
                Cell(line.label),
                Cell(format_wan(line.initial_budget) or "—", numeric=True),
                Cell(format_wan(line.full_year_budget) or "—", numeric=True),
                Cell(format_wan(line.executed) or "—", numeric=True),
                Cell("", numeric=True),
                Cell(format_percent(line.rate), numeric=True),
                Cell("", numeric=True),
            ],
            variant=variant,
        )

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
        rows=[row(execution.total, "total"), *(row(line) for line in execution.lines)],
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


def indicator_table(indicators: list[Indicator]) -> Table:
    rows = []
    for indicator in indicators:
        actual = _indicator_value(indicator, indicator.actual, indicator.actual_text, with_direction=False)
        if indicator.ranking.strip():
            actual = f"{actual}（{indicator.ranking.strip()}）" if actual != "—" else indicator.ranking.strip()
        score = indicator_score(indicator)
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
                    Cell(f"{quantize_half_up(score):.2f}" if score is not None else "", numeric=True),
                    Cell(indicator.deviation_reason.strip()),
                ]
            )
        )
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
