"""Rules across an indicator's fields, each in one place, used by every path that writes an indicator: the editor's
rows and the admin (achievements.forms), the spreadsheet import (reports.excel.importer), and the service that guards
them all (achievements.services.save_achievements)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from evaluations.money import format_quantity
from evaluations.scoring_rules import Assessment, Tiers

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


NOT_APPLICABLE_WITHOUT_REASON = _("不适用的指标请在评分理由中说明不适用的原因。")
SCORE_WITHOUT_WEIGHT = _("请先填写分值，自评得分须在所选档次的范围内。")
JUDGEMENT_ON_QUANTITATIVE = _("定量指标按实际完成值计分，评价档次和自评得分只用于定性指标。")


def assessment_error(
    *,
    direction: str | None,
    weight: Decimal | None,
    not_applicable: bool,
    tier: str | None,
    score: Decimal | None,
    reason: str | None,
    tiers: Tiers,
) -> tuple[str, ValidationError] | None:
    """The unit's own judgement of an indicator, checked: ``(field, error)`` naming the field the error belongs
    beside, or ``None`` when the judgement holds. Blank stays blank: an indicator with no tier and no score is not
    judged yet. The range, score and reason rules are the engine's (:meth:`evaluations.scoring_rules.Tiers.check`)
    with ``tiers``: the evaluation's scheme's (``evaluations.scoring_schemes.scheme_for(evaluation).tiers``), the
    ones the score sheet scores the indicator with, so a bureau's copy with other ranges is checked by its own."""
    reason = reason or ""
    if not_applicable:
        if not reason.strip():
            return "score_reason", ValidationError(NOT_APPLICABLE_WITHOUT_REASON, code="not_applicable")
        return None
    if not tier and score is None:
        return None
    if direction != Indicator.Direction.QUALITATIVE:
        return ("qualitative_tier" if tier else "self_score"), ValidationError(
            JUDGEMENT_ON_QUANTITATIVE, code="quantitative"
        )
    if weight is None and tier and score is not None:
        return "weight", ValidationError(SCORE_WITHOUT_WEIGHT, code="weight")
    try:
        # Here a missing weight means a tier or a score is missing too: the engine refuses that before any range.
        tiers.check(weight if weight is not None else Decimal(0), Assessment(tier or "", score, reason))
    except ValidationError as error:
        return _CHECK_FIELDS.get(error.code, "self_score"), error
    return None


# Which field each of the engine's refusals belongs beside.
_CHECK_FIELDS = {
    "tier": "qualitative_tier",
    "score": "self_score",
    "out_of_range": "self_score",
    "reason": "score_reason",
}
