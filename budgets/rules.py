"""Rules of the budget figures that every path applies alike (the editor's forms, the Excel import, the services):
one function per rule, one message each."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from .models import BudgetExecution

FUND_ANSWER_MISSING = _("填写了金额或说明，请选择“有支出”。")
FUND_NONE_WITH_AMOUNT = _("已选择“本单位无此项支出”，金额请留空。")
FUND_NONE_WITH_NARRATIVE = _("已选择“本单位无此项支出”，报告会写明这一句，说明请留空。")
FUND_SPENDING_OF_ZERO = _("金额为0：没有支出请选择“本单位无此项支出”，有支出请填写实际金额。")


def fund_type_errors(has_spending: bool | None, amount: Decimal | None, narrative: str) -> dict[str, str]:
    """What contradicts itself in one other-budget line, by field: the report prints either “本单位无此项支出” or the
    amount with its narrative, never both, and never figures whose answer nobody gave. Empty when it is coherent."""
    errors: dict[str, str] = {}
    if has_spending is None and (amount is not None or (narrative or "").strip()):
        errors["has_spending"] = str(FUND_ANSWER_MISSING)
    elif has_spending is False:
        if amount is not None:
            errors["amount"] = str(FUND_NONE_WITH_AMOUNT)
        if (narrative or "").strip():
            errors["narrative"] = str(FUND_NONE_WITH_NARRATIVE)
    elif has_spending is True and amount == 0:
        errors["amount"] = str(FUND_SPENDING_OF_ZERO)
    return errors


ASSETS_IN_USE_ABOVE_TOTAL = _("在用固定资产不能大于固定资产总额。")
EXECUTION_REASON_NEEDED = _("预算执行率低于90%%（%(lines)s），请说明原因。")


def common_figures_errors(values: dict[str, Any]) -> dict[str, str]:
    """What contradicts itself in the common-indicator figures, by field. Empty when they are coherent."""
    errors: dict[str, str] = {}
    in_use, total = values.get("fixed_assets_in_use"), values.get("fixed_assets_total")
    if in_use is not None and total is not None and in_use > total:
        errors["fixed_assets_in_use"] = str(ASSETS_IN_USE_ABOVE_TOTAL)
    return errors


def execution_reason_error(below: list[tuple[str, str]], reason: str) -> str | None:
    """An execution rate under 90% needs a reason (domain.md §7): the message naming each line below it, as
    (label, rate shown), when no reason is given; None otherwise."""
    if not below or (reason or "").strip():
        return None
    return str(EXECUTION_REASON_NEEDED) % {"lines": "；".join(f"{label} {shown}" for label, shown in below)}


# The columns behind 预算完成率, 预算调整率 and 结转结余率 are the 基本/项目 lines' only: a source-of-funds line
# (财政拨款, 上年结转资金, 其他资金) carries the national 自评表's 年初预算数, 全年预算数 and 全年执行数.
EXECUTION_ADJUSTMENTS = ("carryover_from_last_year", "additions", "reductions", "year_end_carryover")
ADJUSTMENTS_ON_A_SOURCE = _("资金来源（财政拨款、上年结转资金、其他资金）只填年初预算数、全年预算数和全年执行数。")


def source_line_errors(kind: str, values: dict[str, Any]) -> dict[str, str]:
    """An adjustment column filled in on a source-of-funds line, by field. Empty for the 基本/项目 lines."""
    if kind not in BudgetExecution.SOURCES:
        return {}
    return {name: str(ADJUSTMENTS_ON_A_SOURCE) for name in EXECUTION_ADJUSTMENTS if values.get(name) is not None}
