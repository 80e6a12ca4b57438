"""What an evaluation is scored on: the measures the app knows, gathered in one place.

:func:`scoring_inputs` turns an evaluation's data into the engine's :class:`~evaluations.scoring_rules.ScoringInputs`
(plain values; the engine runs no queries): the common indicators computed from budget data (预算执行率, 预算调整率,
结转结余率, 在职人员控制率 …, ``budgets.selectors.common_indicators_of``) with the reason for an execution rate under
90%, and the unit's own indicators (``achievements.figures.as_unit_indicator``). A measure whose inputs nobody
entered is None, so the score sheet reports it missing and never scores it 0. The unit's judgement of the scheme's
leaves (:class:`evaluations.models.LeafAssessment`: a tier, a score and a reason, or 不适用) is read here too.

:func:`scheme_of` is the one place that says which scheme an evaluation is scored with: a published evaluation keeps
the scheme its publication froze (``Publication.scheme_data``), so a later edit of the scheme, or a different
scheme chosen for its region, never changes a published score.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from achievements.figures import as_unit_indicator
from budgets.figures import execution_figures
from budgets.selectors import common_indicators_of
from evaluations.models import Evaluation, Publication
from evaluations.scoring import SchemeSpec, ScoreSheet, score_evaluation
from evaluations.scoring_rules import EXECUTION_RATE, Assessment, ScoringInputs
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
    assessments: dict[str, Assessment] = {}
    not_applicable: set[str] = set()
    for row in evaluation.leaf_assessments.all():
        if row.not_applicable:
            not_applicable.add(row.key)
        elif row.tier:
            assessments[row.key] = Assessment(row.tier, row.score, row.reason)
    return ScoringInputs(
        measures=measures,
        indicators=indicators,
        assessments=assessments,
        not_applicable=frozenset(not_applicable),
        execution_reason=reason,
    )


@dataclass(frozen=True)
class ScoredEvaluation:
    """An evaluation's score sheet under the scheme that applies to it, for the pages that show it. ``inputs`` are
    what it was scored on (submission checks the unit's indicator weights against the scheme from them)."""

    scheme: SchemeSpec
    sheet: ScoreSheet
    inputs: ScoringInputs | None = None


def published_scheme(evaluation: Evaluation) -> SchemeSpec | None:
    """The scheme the newest publication of ``evaluation`` was scored with, as frozen then; ``None`` when it has
    none (nothing published, or published before scores were recorded). One query."""
    data = (
        Publication.objects.filter(evaluation=evaluation)
        .order_by("-version")
        .values_list("scheme_data", flat=True)
        .first()
    )
    return SchemeSpec.from_data(data) if data else None


def scheme_of(evaluation: Evaluation) -> SchemeSpec:
    """The scheme ``evaluation`` is scored with: while it is published, the scheme its publication froze; otherwise
    (a draft, or a report reopened for correction) the one that applies to it now
    (:func:`evaluations.scoring_schemes.scheme_for`)."""
    if evaluation.status == Evaluation.Status.PUBLISHED:
        frozen = published_scheme(evaluation)
        if frozen is not None:
            return frozen
    return scheme_for(evaluation)


def score_of(evaluation: Evaluation, scheme: SchemeSpec | None = None) -> ScoredEvaluation:
    """The evaluation scored from its saved data under :func:`scheme_of` (or ``scheme``, when the caller has
    already read it). A missing input leaves the total unknown and is listed; it is never scored as 0. A scheme that
    does not validate raises :class:`evaluations.scoring.InvalidScheme`."""
    scheme = scheme_of(evaluation) if scheme is None else scheme
    inputs = scoring_inputs(evaluation)
    return ScoredEvaluation(scheme, score_evaluation(scheme, inputs), inputs)
