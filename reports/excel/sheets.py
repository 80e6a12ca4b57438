"""The workbook's sheets and their columns. The template writer and the importer both read these, so a header
written by one is the header expected by the other.

Amounts in the data sheets are 元 to the fen (the unit the database holds, so nothing is rounded on the way in or
out); the 自评表 sheet shows 万元 like the national form.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from django.utils import translation

from achievements.models import Indicator
from budgets.models import BasicSpending, BudgetExecution, FundTypeSpending, ProjectItem


class Kind(Enum):
    ID = "id"  # our primary key, hidden; blank for a new row
    TEXT = "text"
    AMOUNT = "amount"  # 元, two decimals
    VALUE = "value"  # an indicator's target or actual, four decimals
    WEIGHT = "weight"  # 分值, two decimals
    CHOICE = "choice"  # a fixed label from a list
    ANSWER = "answer"  # 未填写 / 无 / 有: a yes or no that may still be unknown


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: Kind
    width: int = 14
    required: bool = False
    max_length: int | None = None


def _max_length(model, field: str) -> int | None:
    return model._meta.get_field(field).max_length


# The workbook mirrors the national form and is in Chinese whatever language the interface is shown in: a workbook
# downloaded by one person must import for another, so choice labels never follow the reader's language.
WORKBOOK_LANGUAGE = "zh-hans"

SHEET_GUIDE = "填写说明"
SHEET_SUMMARY = "支出总体情况"
SHEET_BASIC = "基本支出"
SHEET_PROJECTS = "项目支出"
SHEET_FUND_TYPES = "其他预算类型支出"
SHEET_EXECUTION = "预算执行"
SHEET_INDICATORS = "绩效指标"
SHEET_LISTS = "下拉选项"
SHEET_SELF_EVALUATION = "部门整体支出绩效自评表"
SHEET_SCORE = "自评得分表"

ID_HEADER = "ID（系统编号，勿改）"

# One row: the totals a report may state without their parts. Every cell may stay blank (unknown).
SUMMARY_COLUMNS = (
    Column("total_budget", "预算安排（元）", Kind.AMOUNT, width=20),
    Column("total_spending", "实际支出合计（元）", Kind.AMOUNT, width=20),
    Column("basic_total", "基本支出合计（元）", Kind.AMOUNT, width=20),
    Column("project_total", "项目支出合计（元）", Kind.AMOUNT, width=20),
)

# Blank amounts are unknown, not zero: a report may give this year's amount without last year's.
BASIC_COLUMNS = (
    Column("category", "类别", Kind.CHOICE, width=16, required=True),
    Column("amount", "本年决算数（元）", Kind.AMOUNT, width=20),
    Column("previous_amount", "上年决算数（元）", Kind.AMOUNT, width=20),
    Column("change_reason", "增减原因", Kind.TEXT, width=50),
)

PROJECT_COLUMNS = (
    Column("id", ID_HEADER, Kind.ID, width=10),
    # Optional: many reports list their items without saying where the money came from.
    Column("source", "资金来源", Kind.CHOICE, width=26),
    Column("name", "项目名称", Kind.TEXT, width=40, required=True, max_length=_max_length(ProjectItem, "name")),
    Column("description", "报告表述", Kind.TEXT, width=50, max_length=_max_length(ProjectItem, "description")),
    Column("amount", "决算数（元）", Kind.AMOUNT, width=20, required=True),
)

FUND_TYPE_COLUMNS = (
    Column("fund_type", "预算类型", Kind.CHOICE, width=20, required=True),
    Column("has_spending", "是否有此项支出", Kind.ANSWER, width=16),
    Column("amount", "支出金额（元）", Kind.AMOUNT, width=20),
    Column("narrative", "支出情况说明", Kind.TEXT, width=60),
)

EXECUTION_COLUMNS = (
    Column("kind", "支出类型", Kind.CHOICE, width=16, required=True),
    Column("initial_budget", "年初预算数（元）", Kind.AMOUNT, width=20),
    Column("full_year_budget", "全年预算数（元）", Kind.AMOUNT, width=20),
    Column("executed", "全年执行数（元）", Kind.AMOUNT, width=20),
)

INDICATOR_COLUMNS = (
    Column("id", ID_HEADER, Kind.ID, width=10),
    Column("level1", "一级指标", Kind.TEXT, width=14, required=True, max_length=_max_length(Indicator, "level1")),
    Column("level2", "二级指标", Kind.TEXT, width=16, required=True, max_length=_max_length(Indicator, "level2")),
    Column("name", "三级指标", Kind.TEXT, width=32, required=True, max_length=_max_length(Indicator, "name")),
    Column("measure_unit", "度量单位", Kind.TEXT, width=10, max_length=_max_length(Indicator, "measure_unit")),
    Column("direction", "指标性质", Kind.CHOICE, width=10, required=True),
    Column("target", "年度指标值", Kind.VALUE, width=14),
    Column("actual", "实际完成值", Kind.VALUE, width=14),
    Column("target_text", "年度指标值（定性）", Kind.TEXT, width=24, max_length=_max_length(Indicator, "target_text")),
    Column("actual_text", "实际完成值（定性）", Kind.TEXT, width=24, max_length=_max_length(Indicator, "actual_text")),
    Column("weight", "分值", Kind.WEIGHT, width=8),
    Column("deviation_reason", "偏差原因分析及改进措施", Kind.TEXT, width=40),
    Column("ranking", "排名", Kind.TEXT, width=18, max_length=_max_length(Indicator, "ranking")),
)

# In the report's order: the totals, then the general budget's basic and project spending, then the other budgets.
SHEET_COLUMNS = {
    SHEET_SUMMARY: SUMMARY_COLUMNS,
    SHEET_BASIC: BASIC_COLUMNS,
    SHEET_PROJECTS: PROJECT_COLUMNS,
    SHEET_FUND_TYPES: FUND_TYPE_COLUMNS,
    SHEET_EXECUTION: EXECUTION_COLUMNS,
    SHEET_INDICATORS: INDICATOR_COLUMNS,
}
DATA_SHEETS = tuple(SHEET_COLUMNS)


def basic_categories() -> dict[str, str]:
    """Label shown in the sheet → stored value: {"人员经费": "personnel", ...}."""
    with translation.override(WORKBOOK_LANGUAGE):
        return {str(label): value for value, label in BasicSpending.Category.choices}


def fund_types() -> dict[str, str]:
    """{"政府性基金预算": "government_fund", ...}."""
    with translation.override(WORKBOOK_LANGUAGE):
        return {str(label): value for value, label in FundTypeSpending.FundType.choices}


# 是否有此项支出: "未填写" (and a blank cell) is unknown, "无" prints the outline's 本单位无此项支出.
ANSWER_UNKNOWN = "未填写"
ANSWERS: dict[str, bool | None] = {ANSWER_UNKNOWN: None, "无": False, "有": True}


def answer_label(answer: bool | None) -> str:
    return next(label for label, value in ANSWERS.items() if value is answer)


def execution_kinds() -> dict[str, str]:
    """{"基本支出": "basic", "项目支出": "project", "财政拨款": "fiscal", ...}: the two kinds of spending every unit
    fills in, then the three sources of funds (the same money broken down the other way)."""
    with translation.override(WORKBOOK_LANGUAGE):
        return {str(kind.label): kind.value for kind in (*BudgetExecution.SPENDING_KINDS, *BudgetExecution.SOURCES)}


def directions() -> dict[str, str]:
    """{"≥": "ge", "≤": "le", "=": "eq", "定性": "qualitative"}."""
    with translation.override(WORKBOOK_LANGUAGE):
        return {str(label): value for value, label in Indicator.Direction.choices}


# Typed stand-ins people use for ≥ and ≤ when the list is not at hand; accepted on purpose.
DIRECTION_ALIASES = {">=": "ge", "<=": "le", "==": "eq"}

# Limits checked before and while reading an upload. The uncompressed size and the reading time are settings
# (EXCEL_MAX_UNCOMPRESSED_MB, EXCEL_READ_SECONDS); see reports.excel.importer.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# openpyxl reads the whole shared-strings part into memory when it opens the workbook, even in read-only mode: the
# template's is a few kilobytes, so anything near this is not a filled-in template.
MAX_SHARED_STRINGS_BYTES = 5 * 1024 * 1024
MAX_ZIP_ENTRIES = 500
MAX_ROWS_PER_SHEET = 2000
# Blank rows are skipped, but not forever: a stray cell far below the data would make us walk empty rows.
MAX_SHEET_EXTENT = 20000
