"""What an evaluation is scored on: the measures the app knows, gathered in one place.

:func:`scoring_inputs` turns an evaluation's data into the engine's :class:`~evaluations.scoring_rules.ScoringInputs`
(plain values; the engine runs no queries): the common indicators computed from budget data (预算执行率, 预算调整率,
结转结余率, 在职人员控制率 …, ``budgets.selectors.common_indicators_of``) with the reason for an execution rate under
90%, and the unit's own indicators (``achievements.figures.as_unit_indicator``). A measure whose inputs nobody
entered is None, so the score sheet reports it missing and never scores it 0. The unit's qualitative judgements are
added here when the editor collects them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from achievements.figures import as_unit_indicator
from budgets.figures import execution_figures
from budgets.selectors import common_indicators_of
from evaluations.models import Evaluation
from evaluations.scoring import SchemeSpec, ScoreSheet, score_evaluation
from evaluations.scoring_rules import EXECUTION_RATE, ScoringInputs
from evaluations.scoring_schemes import scheme_for


def scoring_inputs(evaluation: Evaluation) -> ScoringInputs:
    """The evaluation's measures and indicators as the scoring engine reads them: the common indicators' queries
    (:func:`budgets.selectors.common_indicators_of`), the funds block and the indicators (none when prefetched)."""
    common = common_indicators_of(evaluation)
    measures: dict[str, Decimal | None] = dict(common.measures)
    if measures.get(EXECUTION_RATE) is None:
        # The funds block's 年度资金总额 rate, when the common figures do not give one.
        measures[EXECUTION_RATE] = execution_figures(evaluation.budget_execution.all()).total.rate
    indicators = tuple(as_unit_indicator(indicator) for indicator in evaluation.indicators.all())
    reason = getattr(getattr(evaluation, "common_figures", None), "execution_reason", "") or ""
    return ScoringInputs(measures=measures, indicators=indicators, execution_reason=reason)


@dataclass(frozen=True)
class ScoredEvaluation:
    """An evaluation's score sheet under the scheme that applies to it, for the pages that show it."""

    scheme: SchemeSpec
    sheet: ScoreSheet


def score_of(evaluation: Evaluation) -> ScoredEvaluation:
    """The evaluation scored from its saved data under its scheme (:func:`evaluations.scoring_schemes.scheme_for`).
    A missing input leaves the total unknown and is listed; it is never scored as 0."""
    scheme = scheme_for(evaluation)
    return ScoredEvaluation(scheme, score_evaluation(scheme, scoring_inputs(evaluation)))
