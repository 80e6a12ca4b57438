"""审校提示: checks of the stored prose (duties, achievement titles and bodies, reasons, problems, measures, the
unit's own wording of the report …) against the fiscal year and house style, for the mistakes the seed report makes
(domain.md §6), and of the figures in the unit's own wording against the data.

These are hints for the people writing and reviewing the report, never blockers: submitting and publishing stay
allowed. Text the app writes itself (headings, the spending paragraphs, amounts) is correct by construction and is
not checked here; :mod:`reports.completeness` checks what is missing. Where the unit replaces a generated paragraph
with its own wording ("para:<block>"), that wording is checked like any prose, and its 万元 / 元 / % figures are
compared with the figures the report would have generated for the block (:func:`check_written_figures`).

:func:`proofread` loads the texts with one query per kind of row (seven), or none for rows the caller has already
prefetched: the report prefetches the same relations, so the review page pays for them once. Only when the unit has
written its own wording of a generated paragraph are the rest of the report's data loaded, to compare the figures.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from achievements.models import Indicator
from budgets.models import BasicSpending
from evaluations.models import Block, Evaluation, Section
from evaluations.money import format_percent, format_wan, quantize_half_up
from evaluations.outlines import FREE_TEXT_PREFIX, REPLACEABLE_BLOCKS, WRITTEN_PARAGRAPH_PREFIX

from .document import Paragraph, Table, chinese_numeral
from .forms import TEXTS_PREFIX, field_name
from .report import generated_blocks

STALE_TIME = "stale_time"
LATE_YEAR = "late_year"
HEADING_YEAR = "heading_year"
STRAY_SPACE = "stray_space"
MONEY_UNIT = "money_unit"
BRACKETS = "brackets"
TYPO = "typo"
HEADING_NUMBER = "heading_number"
FIGURE_MISMATCH = "figure_mismatch"

KIND_LABELS: dict[str, Promise] = {
    STALE_TIME: _("时间表述"),
    LATE_YEAR: _("年份"),
    HEADING_YEAR: _("年份"),
    STRAY_SPACE: _("多余空格"),
    MONEY_UNIT: _("金额单位"),
    BRACKETS: _("括号"),
    TYPO: _("错别字"),
    HEADING_NUMBER: _("手工编号"),
    FIGURE_MISMATCH: _("数字与数据不符"),
}

# Characters of context shown on each side of a match, within its line.
CONTEXT = 12

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_SPACES = " \u00a0\u3000\t"


@dataclass(frozen=True)
class Finding:
    section: str
    location: str
    kind: str
    message: str
    before: str
    match: str
    after: str
    # Where the match starts in its text: findings of one text are listed in reading order.
    position: int = 0
    # The input the text is typed in, less Django's "id_" (as completeness names it), where the page has one.
    field: str = ""

    @property
    def anchor(self) -> str:
        return f"id_{self.field}" if self.field else ""

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])


@dataclass(frozen=True)
class SectionFindings:
    key: str
    title: str
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class Text:
    """One stored text and where the editor shows it."""

    section: str
    location: str
    value: str
    is_title: bool = False
    # Measures plan the coming years: a later year there is expected, not a sign of copied text.
    looks_ahead: bool = False
    # The content block whose generated paragraphs this text replaces (the unit's own wording), else "".
    block: str = ""
    # The input it is typed in (see Finding.field).
    field: str = ""


Check = Callable[[Text, int], Iterator[Finding]]


def _finding(text: Text, start: int, end: int, kind: str, message: str) -> Finding:
    value = text.value
    line_start = value.rfind("\n", 0, start) + 1
    line_end = value.find("\n", end)
    line_end = len(value) if line_end == -1 else line_end
    before_start = max(line_start, start - CONTEXT)
    after_end = min(line_end, end + CONTEXT)
    return Finding(
        section=text.section,
        location=text.location,
        kind=kind,
        message=str(message),
        before=("…" if before_start > line_start else "") + value[before_start:start],
        match=value[start:end],
        after=value[end:after_end] + ("…" if after_end < line_end else ""),
        position=start,
        field=text.field,
    )


# ---------------------------------------------------------------------------
# 1. Time phrases copied from a December work summary
# ---------------------------------------------------------------------------
# The report is written months after the year it covers: "目前" or "今年" no longer says when. Longest phrases
# first, so that "截至目前" is one finding and not also a "目前".
STALE_PHRASES: list[tuple[str, Promise]] = [
    (
        r"截[至止]目前",
        _("“%(phrase)s”是年底工作总结的说法，报告在次年写成：建议改为“截至%(year)s年底”。"),
    ),
    (
        r"预计年底前",
        _("“%(phrase)s”是年底前的预计：请写明截至%(year)s年底是否已经完成。"),
    ),
    (
        r"1\s*[-—–－~～至到]\s*1[01]\s*月份?",
        _("“%(phrase)s”是年底工作总结的口径：年度自评应写%(year)s年全年的数据，请改为“%(year)s年”并核对数字。"),
    ),
    (
        r"目前",
        _("“%(phrase)s”在次年读来不知指何时：建议改为“截至%(year)s年底”，或删去。"),
    ),
    (
        r"今年",
        _("“%(phrase)s”在次年读来指的是下一年：建议改为“%(year)s年”。"),
    ),
    (
        r"本月",
        _("“%(phrase)s”在次年读来不知指哪个月：请写明具体月份，如“%(year)s年12月”。"),
    ),
]
_STALE = re.compile("|".join(f"(?P<p{i}>{pattern})" for i, (pattern, _message) in enumerate(STALE_PHRASES)))


def check_stale_time(text: Text, year: int) -> Iterator[Finding]:
    for match in _STALE.finditer(text.value):
        message = STALE_PHRASES[int(match.lastgroup[1:])][1]
        yield _finding(text, match.start(), match.end(), STALE_TIME, message % {"phrase": match.group(), "year": year})


# ---------------------------------------------------------------------------
# 2. Years later than the fiscal year
# ---------------------------------------------------------------------------
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?=年)")
# A title that names the year of the work it sums up: "2025年工作成效", "2023年度工作情况".
_HEADING_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)年度?(?:工作)?(?:成效|成绩|总结|情况|开展情况|完成情况)")


def check_late_year(text: Text, year: int) -> Iterator[Finding]:
    # The next year is normal almost anywhere (results feed "2025年绩效评价", honours are announced in spring);
    # two or more years ahead is a copied or mistyped year, except where the measures plan ahead.
    if text.looks_ahead:
        return
    for match in _YEAR.finditer(text.value):
        found = int(match.group(1))
        if found > year + 1:
            message = _("%(found)s年晚于评价年度（%(year)s年）一年以上：请核对年份。") % {"found": found, "year": year}
            yield _finding(text, match.start(), match.end() + 1, LATE_YEAR, message)


def check_heading_year(text: Text, year: int) -> Iterator[Finding]:
    if not text.is_title:
        return
    for match in _HEADING_YEAR.finditer(text.value):
        found = int(match.group(1))
        if found != year:
            message = _("标题写的是%(found)s年，本报告评价的是%(year)s年度：建议改为“%(year)s年”或删去年份。") % {
                "found": found,
                "year": year,
            }
            yield _finding(text, match.start(), match.end(), HEADING_YEAR, message)


# ---------------------------------------------------------------------------
# 3. Stray spaces
# ---------------------------------------------------------------------------
# A space after a number before its unit ("12.2 %", "10 余次"), or between two Chinese characters: left over from
# Word's line wrapping or a copied table. Chinese official text has no spaces there.
_STRAY_SPACE = re.compile(rf"(?<=\d)[{_SPACES}]+(?=[%‰％{_CJK}])|(?<=[{_CJK}，。；：、])[{_SPACES}]+(?=[{_CJK}])")

# The words either side of the space, for the suggestion: "12.2" + "%", "10" + "余次".
_STRAY_BEFORE = re.compile(rf"(?:[\d.]+|[{_CJK}，。；：、]{{1,2}})$")
_STRAY_AFTER = re.compile(rf"[%‰％]|[{_CJK}]{{1,2}}")


def check_stray_space(text: Text, year: int) -> Iterator[Finding]:
    for match in _STRAY_SPACE.finditer(text.value):
        # A space at the start of a line is indentation, which the report drops anyway.
        if match.start() == 0 or text.value[match.start() - 1] == "\n":
            continue
        fixed = (
            _STRAY_BEFORE.search(text.value, 0, match.start()).group()
            + _STRAY_AFTER.match(text.value, match.end()).group()
        )
        message = _("多余的空格：数字与单位之间、汉字之间不留空格，建议写作“%(fixed)s”。") % {"fixed": fixed}
        yield _finding(text, match.start(), match.end(), STRAY_SPACE, message)


# ---------------------------------------------------------------------------
# 4. Money without 元
# ---------------------------------------------------------------------------
# 万 and 亿 after a number are money unless a unit of something else follows (people, households, mu, tonnes,
# kilowatts, square metres …). "10万、" and "270.50万。" sit beside "474.50万元" in the seed.
_NOT_MONEY_AFTER = "元人户亩吨千平立公字册份张台套件辆株头只条次个家名位所斤米度多余a-zA-Z"
_MONEY_UNIT = re.compile(rf"(?<![\d.])(\d+(?:\.\d+)?)[{_SPACES}]*([万亿])(?![{_NOT_MONEY_AFTER}])")


def check_money_unit(text: Text, year: int) -> Iterator[Finding]:
    for match in _MONEY_UNIT.finditer(text.value):
        fixed = f"{match.group(1)}{match.group(2)}元"
        message = _("金额缺单位“元”：建议写作“%(fixed)s”，与报告中的“万元”一致。") % {"fixed": fixed}
        yield _finding(text, match.start(), match.end(), MONEY_UNIT, message)


# ---------------------------------------------------------------------------
# 5. Brackets
# ---------------------------------------------------------------------------
_OPENING = {"(": "half", "（": "full"}
_CLOSING = {")": "half", "）": "full"}
_HAS_CJK = re.compile(f"[{_CJK}]")


def check_brackets(text: Text, year: int) -> Iterator[Finding]:
    """A pair of one half- and one full-width bracket ("(境）"), or half-width brackets around Chinese ("(一)")."""
    value = text.value
    stack: list[int] = []
    for index, char in enumerate(value):
        if char in _OPENING:
            stack.append(index)
        elif char in _CLOSING and stack:
            start = stack.pop()
            opening, inside = value[start], value[start + 1 : index]
            if _OPENING[opening] != _CLOSING[char]:
                message = _("括号半角、全角混用：中文中统一用全角括号，建议写作“（%(inside)s）”。")
            elif _OPENING[opening] == "half" and _HAS_CJK.search(inside):
                message = _("中文中的括号用全角：建议写作“（%(inside)s）”。")
            else:
                continue
            yield _finding(text, start, index + 1, BRACKETS, message % {"inside": inside})


# ---------------------------------------------------------------------------
# 6. Known typos
# ---------------------------------------------------------------------------
# Seeded from the seed report's own typos (domain.md §6) and meant to grow as reviewers find more: each entry is
# (pattern, what was typed, what was meant). A pattern, not a plain word, where the wrong form is a prefix of the
# right one (评估诊 is only a typo when 断 does not follow).
TYPOS: list[tuple[str, str, str]] = [
    (r"改遣", "改遣", "改造"),
    (r"战备合作", "战备合作", "战略合作"),
    (r"签定", "签定", "签订"),
    (r"评估诊(?!断)", "评估诊", "评估诊断"),
]
_TYPOS = [(re.compile(pattern), wrong, right) for pattern, wrong, right in TYPOS]


def check_typos(text: Text, year: int) -> Iterator[Finding]:
    for pattern, wrong, right in _TYPOS:
        for match in pattern.finditer(text.value):
            message = _("疑似错别字“%(wrong)s”：应为“%(right)s”。") % {"wrong": wrong, "right": right}
            yield _finding(text, match.start(), match.end(), TYPO, message)


# ---------------------------------------------------------------------------
# 7. Heading numbers typed into the text
# ---------------------------------------------------------------------------
_NUMERAL = "一二三四五六七八九十"
_HEADING_NUMBER = re.compile(
    rf"^[{_SPACES}]*(?:[{_NUMERAL}]+[、.．]|\d{{1,2}}(?:、|[.．](?!\d))|[（(](?:[{_NUMERAL}]+|\d{{1,2}})[）)]、?|[①-⑳])"
)


def check_heading_number(text: Text, year: int) -> Iterator[Finding]:
    """A number typed at the start of a text the report numbers itself (a duty, a title, a section's prose).

    A text whose paragraphs are numbered one after the other is the writer's own list, which the report keeps
    as typed: only a lone number at the start is a duplicate of the report's numbering."""
    paragraphs = [line for line in text.value.splitlines() if line.strip()]
    if sum(1 for line in paragraphs if _HEADING_NUMBER.match(line)) > 1:
        return
    match = _HEADING_NUMBER.match(text.value)
    if match:
        number = match.group().strip(_SPACES)
        start = match.end() - len(number)
        message = _("开头手工输入了序号“%(number)s”：报告会自动编号，请删去，以免重复编号。") % {"number": number}
        yield _finding(text, start, match.end(), HEADING_NUMBER, message)


CHECKS: list[Check] = [
    check_heading_number,
    check_stale_time,
    check_late_year,
    check_heading_year,
    check_stray_space,
    check_money_unit,
    check_brackets,
    check_typos,
]


# ---------------------------------------------------------------------------
# 8. Figures in the unit's own wording against the data
# ---------------------------------------------------------------------------
# 万元 before 元, so that "474.5万元" is read as 万元. Amounts are compared in 万元, percentages as percentages.
_WRITTEN_FIGURE = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)[ \u3000]*(万元|亿元|元|%|％)")
_CELL_FIGURE = re.compile(r"^[+\-\u2212]?(\d+(?:\.\d+)?)(%?)$")
# A unit's figure in 万元 is exponent 0 here: 元 are four places finer, 亿元 four coarser.
_SCALE = {"万元": 0, "元": -4, "亿元": 4}


# At most this many of the data's figures are named in a hint.
SHOWN_FIGURES = 10


@dataclass(frozen=True)
class DataFigures:
    """The figures the report generates for one block, in reading order: amounts in 万元 and percentages, as shown
    (two decimals)."""

    amounts: tuple[Decimal, ...]
    percents: tuple[Decimal, ...]
    # Every figure as the report prints it, in reading order.
    shown: tuple[str, ...] = ()

    def named(self) -> str:
        names = "、".join(self.shown[:SHOWN_FIGURES])
        if len(self.shown) > SHOWN_FIGURES:
            names += str(_("等%(count)s个数") % {"count": len(self.shown)})
        return names or str(_("没有金额或比例"))


def data_figures(blocks: Iterable[Paragraph | Table]) -> DataFigures:
    """Every 万元 amount and percentage in a block's generated paragraphs and tables."""
    amounts: dict[Decimal, None] = {}
    percents: dict[Decimal, None] = {}
    shown: dict[str, None] = {}

    def add(number: str, is_percent: bool) -> None:
        value = Decimal(number.replace(",", ""))
        (percents if is_percent else amounts)[value] = None
        shown[format_percent(value / 100) if is_percent else f"{format_wan(value * 10000)}万元"] = None

    for block in blocks:
        if isinstance(block, Paragraph):
            for match in _WRITTEN_FIGURE.finditer(block.text):
                add(match.group(1), match.group(2) in "%％")
            continue
        in_wan = "万元" in block.unit_note
        for row in block.rows:
            for cell in row.cells:
                match = _CELL_FIGURE.match(cell.text) if cell.numeric else None
                if match and (match.group(2) or in_wan):
                    add(match.group(1), bool(match.group(2)))
    return DataFigures(tuple(amounts), tuple(percents), tuple(shown))


def _places(number: str) -> int:
    return len(number.partition(".")[2])


def _agrees(value: Decimal, places: int, figures: Iterable[Decimal]) -> bool:
    """A written figure agrees with a figure of the data shown to two decimals when one rounds to the other at the
    precision written: 474.5万元 is 474.50, 480万元 is 479.62 rounded to whole 万元, 3864449元 is 386.44万元."""
    for figure in figures:
        if places >= 2:
            if quantize_half_up(value) == figure:
                return True
        elif quantize_half_up(figure, Decimal(1).scaleb(-places)) == value:
            return True
    return False


def figure_mismatches(text: str, figures: DataFigures) -> Iterator[re.Match]:
    """The 万元 / 元 / 亿元 / % figures of a text that agree with none of the data's figures."""
    for match in _WRITTEN_FIGURE.finditer(text):
        number, unit = match.group(1).replace(",", ""), match.group(2)
        if unit in "%％":
            if not _agrees(Decimal(number), _places(number), figures.percents):
                yield match
            continue
        scale = _SCALE[unit]
        value = Decimal(number).scaleb(scale)
        if not _agrees(value, _places(number) - scale, figures.amounts):
            yield match


def check_written_figures(text: Text, figures: DataFigures) -> Iterator[Finding]:
    """Each 万元 / 元 / % figure of the unit's own wording of a block that matches none of the figures the report
    generates for that block from the data, with those figures."""
    expected = figures.named()
    for match in figure_mismatches(text.value, figures):
        message = _("“%(figure)s”与填报的数据不一致：本段数据为%(expected)s，请核对。") % {
            "figure": match.group(),
            "expected": expected,
        }
        yield _finding(text, match.start(), match.end(), FIGURE_MISMATCH, message)


# ---------------------------------------------------------------------------
# Loading the texts
# ---------------------------------------------------------------------------
# The same relations, with the same ordering, as the report's: rows either side prefetches the other reuses.
def _prefetches() -> list[str | Prefetch]:
    return [
        "duties",
        Prefetch("basic_spending", queryset=BasicSpending.objects.order_by("category")),
        "fund_sources",
        "project_items",
        "themes",
        "indicators",
        "written_texts",
    ]


def _field_label(model: type, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def stored_texts(evaluation: Evaluation) -> list[Text]:
    """Every text a person typed, in the report's order, with the label of where the editor shows it."""
    prefetch_related_objects([evaluation], *_prefetches())
    texts = [Text(Section.PROFILE, _field_label(Evaluation, "mandate"), evaluation.mandate)]
    texts += [
        Text(Section.PROFILE, str(_("主要职能（%(number)s）") % {"number": chinese_numeral(n)}), duty.text)
        for n, duty in enumerate(evaluation.duties.all(), start=1)
    ]
    texts += [
        Text(Section.BASIC, str(_("%(label)s增减原因") % {"label": row.get_category_display()}), row.change_reason)
        for row in evaluation.basic_spending.all()
    ]
    texts += [
        Text(Section.PROJECT, str(_("资金来源“%(name)s”的说明") % {"name": source.name}), source.description)
        for source in evaluation.fund_sources.all()
    ]
    for item in evaluation.project_items.all():
        texts.append(Text(Section.PROJECT, str(_("项目“%(name)s”的名称") % {"name": item.name}), item.name))
        texts.append(Text(Section.PROJECT, str(_("项目“%(name)s”的报告表述") % {"name": item.name}), item.description))
    for n, theme in enumerate(evaluation.themes.all(), start=1):
        where = {"number": n, "title": theme.title}
        texts.append(
            Text(Section.ACHIEVEMENTS, str(_("工作成效 %(number)s「%(title)s」标题") % where), theme.title, True)
        )
        texts.append(Text(Section.ACHIEVEMENTS, str(_("工作成效 %(number)s「%(title)s」正文") % where), theme.body))
    for indicator in evaluation.indicators.all():
        for name in ("target_text", "actual_text", "deviation_reason"):
            where = {"name": indicator.name, "field": _field_label(Indicator, name)}
            texts.append(
                Text(Section.ACHIEVEMENTS, str(_("指标“%(name)s”的%(field)s") % where), getattr(indicator, name))
            )
    for name in ("overall_goal", "overall_goal_result", "problems", "measures", "results_use", "no_spending_note"):
        texts.append(
            Text(
                Section.NARRATIVE,
                _field_label(Evaluation, name),
                getattr(evaluation, name),
                looks_ahead=name == "measures",
            )
        )
    texts += [_written_text(written.key, written.text) for written in evaluation.written_texts.all()]
    return [text for text in texts if text.value.strip()]


def _written_text(key: str, value: str) -> Text:
    # The 报告文字 page's input of the place: "para:staffing" → id_texts-para-staffing.
    field = f"{TEXTS_PREFIX}-{field_name(key)}"
    if key.startswith(WRITTEN_PARAGRAPH_PREFIX):
        block = key.removeprefix(WRITTEN_PARAGRAPH_PREFIX)
        label = Block(block).label if block in Block.values else block
        location = str(_("报告文字“%(label)s”") % {"label": label})
        return Text(Section.TEXTS, location, value, block=block if block in REPLACEABLE_BLOCKS else "", field=field)
    place = key.removeprefix(FREE_TEXT_PREFIX)
    return Text(Section.TEXTS, str(_("自撰内容“%(place)s”") % {"place": place}), value, field=field)


# ---------------------------------------------------------------------------
# Running the checks
# ---------------------------------------------------------------------------
def proofread_texts(
    texts: Iterable[Text], year: int, figures_by_block: dict[str, DataFigures] | None = None
) -> list[Finding]:
    """The hints for some texts; ``figures_by_block`` (the data's figures of each block the unit rewrote) adds the
    figure check of the texts that replace a generated paragraph."""
    findings = []
    for text in texts:
        numbered, of_text = False, []
        for check in CHECKS:
            for finding in check(text, year):
                numbered = numbered or finding.kind == HEADING_NUMBER
                # "(一)" at the start is one mistake, a typed number, not also a bracket one.
                if finding.kind == BRACKETS and numbered and text.value.lstrip(_SPACES).startswith(finding.match):
                    continue
                of_text.append(finding)
        if figures_by_block and text.block in figures_by_block:
            of_text += check_written_figures(text, figures_by_block[text.block])
        findings += sorted(of_text, key=lambda finding: finding.position)
    return findings


def proofread(evaluation: Evaluation) -> list[Finding]:
    """The hints for an evaluation's stored prose, in the report's order: seven queries, or none for relations the
    caller has already prefetched; the report's other data only when the unit has written its own wording of a
    generated paragraph (its figures are compared with the data)."""
    texts = stored_texts(evaluation)
    blocks = {text.block for text in texts if text.block}
    generated = generated_blocks(evaluation, blocks) if blocks else {}
    figures = {block: data_figures(content) for block, content in generated.items()}
    return proofread_texts(texts, evaluation.year, figures)


def findings_by_section(findings: Iterable[Finding]) -> list[SectionFindings]:
    """The findings grouped by the editor's sections, in their order; sections without findings left out."""
    grouped: dict[str, list[Finding]] = {}
    for finding in findings:
        grouped.setdefault(finding.section, []).append(finding)
    return [SectionFindings(key, str(title), grouped[key]) for key, title in Section.choices if key in grouped]


def proofreading_context(evaluation: Evaluation) -> dict[str, object]:
    """What templates/evaluations/_proofreading.html reads: the findings by section and their number."""
    findings = proofread(evaluation)
    return {"proofreading": findings_by_section(findings), "proofreading_count": len(findings)}
