"""What an evaluation is scored on: the measures the app knows, gathered in one place.

:func:`scoring_inputs` turns an evaluation's data into the engine's :class:`~evaluations.scoring_rules.ScoringInputs`
(plain values; the engine runs no queries). Today it knows the budget execution rate (全年执行数 ÷ 全年预算数 of the
funds block, ``budgets.figures``) and the unit's own indicators (``achievements.figures.as_unit_indicator``); every
other measure a scheme reads is absent, so the score sheet reports it missing and never scores it 0. The common
indicators computed from budget data (预算调整率, 结转结余率, 在职人员控制率 …) and the unit's qualitative judgements
are added here when their data exist.
"""

from __future__ import annotations

from decimal import Decimal

from achievements.figures import as_unit_indicator
from budgets.figures import execution_figures
from evaluations.models import Evaluation
from evaluations.scoring_rules import EXECUTION_RATE, ScoringInputs


def scoring_inputs(evaluation: Evaluation) -> ScoringInputs:
    """The evaluation's measures and indicators as the scoring engine reads them. Two queries (the funds block and
    the indicators), none when they are prefetched."""
    execution = execution_figures(evaluation.budget_execution.all())
    measures: dict[str, Decimal | None] = {EXECUTION_RATE: execution.total.rate}
    indicators = tuple(as_unit_indicator(indicator) for indicator in evaluation.indicators.all())
    return ScoringInputs(measures=measures, indicators=indicators)
