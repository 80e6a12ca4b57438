"""Rules of the budget figures that every path applies alike (the editor's forms, the Excel import, the services):
one function per rule, one message each."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

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
