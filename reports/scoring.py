"""What an evaluation is scored on: the measures the app knows, gathered in one place.

:func:`scoring_inputs` turns an evaluation's data into the engine's :class:`~evaluations.scoring_rules.ScoringInputs`
(plain values; the engine runs no queries): the common indicators computed from budget data (预算执行率, 预算调整率,
结转结余率, 在职人员控制率 …, ``budgets.selectors.common_indicators_of``) with the reason for an execution rate under
90%, the unit's own indicators (``achievements.figures.as_unit_indicator``) and the unit's judgement of the scheme's
leaves (``evaluations.LeafAssessment``: tiers of the qualitative leaves, leaves marked 不适用). A measure whose inputs
nobody entered is None, so the score sheet reports it missing and never scores it 0.

The editor's live figures score what is typed before it is saved: they hand the typed indicators or judgements in
place of the saved ones, and everything else is read as saved.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from achievements.figures import as_unit_indicator
from budgets.figures import CommonMeasures, execution_figures
from budgets.selectors import common_indicators_of
from evaluations.leaf_assessments import LeafJudgement, judgement_of, scoring_judgements
from evaluations.models import Evaluation
from evaluations.scoring import SchemeSpec, ScoreSheet, score_evaluation
from evaluations.scoring_rules import EXECUTION_RATE, ScoringInputs, UnitIndicator
from evaluations.scoring_schemes import scheme_for


@dataclass(frozen=True)
class GatheredInputs:
    """The engine's inputs, and the common indicators they were computed from (which inputs each one lacks)."""

    inputs: ScoringInputs
    common: CommonMeasures


def gather_inputs(
    evaluation: Evaluation,
    *,
    indicators: Iterable[UnitIndicator] | None = None,
    judgements: Iterable[LeafJudgement] | None = None,
) -> GatheredInputs:
    """:func:`scoring_inputs` with the common indicators beside them. ``indicators`` and ``judgements``, when given,
    stand for the saved ones (the editor's typed values) and are not read."""
    common = common_indicators_of(evaluation)
    measures: dict[str, Decimal | None] = dict(common.measures)
    if measures.get(EXECUTION_RATE) is None:
        # The funds block's 年度资金总额 rate, when the common figures do not give one.
        measures[EXECUTION_RATE] = execution_figures(evaluation.budget_execution.all()).total.rate
    if indicators is None:
        indicators = (as_unit_indicator(indicator) for indicator in evaluation.indicators.all())
    if judgements is None:
        judgements = (judgement_of(row) for row in evaluation.leaf_assessments.all())
    assessments, not_applicable = scoring_judgements(judgements)
    reason = getattr(getattr(evaluation, "common_figures", None), "execution_reason", "") or ""
    inputs = ScoringInputs(
        measures=measures,
        indicators=tuple(indicators),
        assessments=assessments,
        not_applicable=not_applicable,
        execution_reason=reason,
    )
    return GatheredInputs(inputs, common)


def scoring_inputs(evaluation: Evaluation) -> ScoringInputs:
    """The evaluation's measures, indicators and judgements as the scoring engine reads them: the common indicators'
    queries (:func:`budgets.selectors.common_indicators_of`), the funds block, the indicators and the leaf
    judgements (none for the last two when prefetched)."""
    return gather_inputs(evaluation).inputs


@dataclass(frozen=True)
class ScoredEvaluation:
    """An evaluation's score sheet under the scheme that applies to it, for the pages that show it. ``common``: the
    common indicators the sheet read, with what each lacks (the editor links each to where it is entered)."""

    scheme: SchemeSpec
    sheet: ScoreSheet
    common: CommonMeasures | None = None


def score_of(
    evaluation: Evaluation,
    *,
    scheme: SchemeSpec | None = None,
    indicators: Iterable[UnitIndicator] | None = None,
    judgements: Iterable[LeafJudgement] | None = None,
) -> ScoredEvaluation:
    """The evaluation scored from its saved data under its scheme (:func:`evaluations.scoring_schemes.scheme_for`,
    or ``scheme`` when the caller has read it already). ``indicators`` / ``judgements``: typed values scored in
    place of the saved ones, without saving. A missing input leaves the total unknown and is listed; it is never
    scored as 0."""
    scheme = scheme_for(evaluation) if scheme is None else scheme
    gathered = gather_inputs(evaluation, indicators=indicators, judgements=judgements)
    return ScoredEvaluation(scheme, score_evaluation(scheme, gathered.inputs), gathered.common)
