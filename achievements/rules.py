"""Rules across an indicator's fields, each in one place, used by every path that writes an indicator: the editor's
rows and the admin (achievements.forms), the spreadsheet import (reports.excel.importer), and the service that guards
them all (achievements.services.save_achievements)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from evaluations.money import format_quantity

from .figures import is_shortfall
from .models import Indicator

# The indicator is named, so that the message reads on its own: in the error summary at the top of the editor, in a
# spreadsheet's list of problems, or from a service call with no page around it.
SHORTFALL_WITHOUT_REASON = _(
    "指标“%(name)s”的实际完成值 %(actual)s 未达到年度指标值 %(target)s（%(direction)s），请填写偏差原因分析及改进措施。"
)


def shortfall_reason_error(
    *, name: str, direction: str | None, target: Decimal | None, actual: Decimal | None, reason: str | None
) -> ValidationError | None:
    """The error when an indicator whose actual falls short of its target, in its direction (≥, ≤, =), has no
    偏差原因 (a reason of only spaces is none); ``None`` when the rule holds."""
    probe = Indicator(direction=direction or Indicator.Direction.AT_LEAST, target=target, actual=actual)
    if not is_shortfall(probe) or (reason or "").strip():
        return None
    return ValidationError(
        SHORTFALL_WITHOUT_REASON,
        code="shortfall",
        params={
            "name": name,
            "actual": format_quantity(actual),
            "target": format_quantity(target),
            "direction": probe.get_direction_display(),
        },
    )
