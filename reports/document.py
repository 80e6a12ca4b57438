"""The report as a document: heading numbers in the styles an outline chooses, the tree of sections, paragraphs and
tables that the templates render (web page, portal snapshot, PDF), and the small wording helpers every block uses.
:mod:`reports.report` builds this tree from an evaluation."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from evaluations.models import Numbering
from evaluations.money import format_wan
from evaluations.outlines import NodeSpec

_DIGITS = "零一二三四五六七八九"
_TRAILING_PUNCTUATION = "。；;，,、：: \u3000"
# Placeholder of a date nobody entered: only ever in a draft preview.
NO_DATE = "　　年　　月　　日"


# ---------------------------------------------------------------------------
# Numbering: 一、 （一） 1. （1） 1、 (1), as an outline chooses per heading
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


def number_in_style(style: str, n: int) -> str:
    """The n-th number in a numbering style. "（一）" and "（1）" take no trailing 、; "1." uses a full stop."""
    if style == Numbering.CHINESE:
        return f"{chinese_numeral(n)}、"
    if style == Numbering.CHINESE_PAREN:
        return f"（{chinese_numeral(n)}）"
    if style == Numbering.ARABIC_DOT:
        return f"{n}."
    if style == Numbering.ARABIC_PAREN:
        return f"（{n}）"
    if style == Numbering.ARABIC_COMMA:
        return f"{n}、"
    if style == Numbering.ARABIC_HALF_PAREN:
        return f"({n})"
    if style == Numbering.NONE:
        return ""
    raise ValueError(f"No numbering style {style!r}")


# GB/T 9704-2012's sequence of heading levels.
LEVEL_STYLES = (Numbering.CHINESE, Numbering.CHINESE_PAREN, Numbering.ARABIC_DOT, Numbering.ARABIC_PAREN)


def level_style(level: int) -> str:
    """The style GB/T 9704 gives a heading level (below the fourth: (1))."""
    return LEVEL_STYLES[level - 1] if 1 <= level <= len(LEVEL_STYLES) else Numbering.ARABIC_HALF_PAREN


def heading_number(level: int, n: int) -> str:
    """The number of the n-th heading at a level: 一、 / （一） / 1. / （1）. Only the first level takes 、."""
    if not 1 <= level <= len(LEVEL_STYLES):
        raise ValueError(f"No heading level {level}")
    return number_in_style(LEVEL_STYLES[level - 1], n)


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
    # "note" marks a sentence that stands in for missing data (drafts only).
    variant: str = ""
    kind: str = "paragraph"
    # "para:<block>" on a generated paragraph the unit may replace with its own wording; "" on stored prose.
    key: str = ""
    # The unit's own wording in place of the generated paragraph(s) of ``key``.
    written: bool = False


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
    # Lines printed under the table: how its figures are computed (the score's formulas and grade bands).
    notes: list[str] = field(default_factory=list)

    @property
    def keep_together(self) -> bool:
        """A short table is not split across pages; a long one breaks between rows, its header repeated."""
        return len(self.rows) <= 8


Block = Paragraph | Table


@dataclass
class Section:
    # The depth in the outline (1 for 一、…): decides the heading's font (黑体, 楷体, 仿宋 bold, 仿宋).
    level: int
    number: str
    title: str
    anchor: str
    blocks: list[Block] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)
    numbering: str = ""

    @property
    def heading(self) -> str:
        return f"{self.number}{self.title}"

    @property
    def style_level(self) -> int:
        """The heading style's level for the templates: 1 to 4."""
        return min(self.level, 4)


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
    # A draft preview: placeholders may appear, and the templates print a 草稿 watermark.
    draft: bool = False
    outline_name: str = ""

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
        return [block for block in self.blocks if isinstance(block, Paragraph)]

    @property
    def tables(self) -> list[Table]:
        return [block for block in self.blocks if isinstance(block, Table)]

    @property
    def blocks(self) -> list[Block]:
        """Every paragraph and table in reading order."""
        found: list[Block] = []

        def walk(section: Section) -> None:
            found.extend(section.blocks)
            for sub in section.subsections:
                walk(sub)

        for section in self.sections:
            walk(section)
        return found


# ---------------------------------------------------------------------------
# Small wording helpers
# ---------------------------------------------------------------------------
def wan(amount: Decimal) -> str:
    return f"{format_wan(amount)}万元"


def prose_paragraphs(text: str) -> list[str]:
    """Stored prose split into paragraphs at line breaks; blank lines and surrounding spaces dropped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def clause(text: str) -> str:
    """A stored phrase ready to be embedded in a generated sentence: without its closing punctuation."""
    return text.strip().rstrip(_TRAILING_PUNCTUATION)


def reason_clause(text: str) -> str:
    reason = clause(text)
    # The generated sentence supplies "主要是"; preparers often type it as well.
    for prefix in ("主要是", "主要原因是"):
        if reason.startswith(prefix):
            reason = reason[len(prefix) :]
    return reason


def format_date(value: datetime.date | None) -> str:
    """2025-05-22 → 2025年5月22日 (Arabic numerals without leading zeros, as GB/T 9704 prescribes); none as ""."""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def list_items(texts: list[str], node: NodeSpec) -> list[Paragraph]:
    """A list (the duties) in the node's item numbering: one paragraph "(1)…；(2)…。" or one paragraph each."""
    if not texts:
        return []
    if node.items_inline:
        return [
            Paragraph(
                "；".join(f"{number_in_style(node.item_numbering, n)}{clause(text)}" for n, text in enumerate(texts, 1))
                + "。"
            )
        ]
    return [Paragraph(text, number=number_in_style(node.item_numbering, n)) for n, text in enumerate(texts, start=1)]
