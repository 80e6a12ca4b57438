"""What an evaluation is scored on: the measures the app knows, gathered in one place.

:func:`scoring_inputs` turns an evaluation's data into the engine's :class:`~evaluations.scoring_rules.ScoringInputs`
(plain values; the engine runs no queries): the common indicators computed from budget data (预算执行率, 预算调整率,
结转结余率, 在职人员控制率 …, ``budgets.selectors.common_indicators_of``) with the reason for an execution rate under
90%, the unit's own indicators (``achievements.figures.as_unit_indicator``) and the unit's judgement of the scheme's
leaves (``evaluations.LeafAssessment``: tiers of the qualitative leaves, leaves marked 不适用). A measure whose inputs
nobody entered is None, so the score sheet reports it missing and never scores it 0.

The editor's live figures score what is typed before it is saved: they hand the typed indicators or judgements in
place of the saved ones, and everything else is read as saved.

:func:`scheme_of` is the one place that says which scheme an evaluation is scored with: a published evaluation keeps
the scheme its publication froze (``Publication.scheme_data``), so a later edit of the scheme, or a different
scheme chosen for its region, never changes a published score.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import prefetch_related_objects

from achievements.figures import as_unit_indicator
from budgets.figures import CommonMeasures, budget_execution_rate, execution_figures
from budgets.selectors import common_indicators_for, common_indicators_of
from evaluations.leaf_assessments import LeafJudgement, judgement_of, scoring_judgements
from evaluations.models import Evaluation, Publication
from evaluations.schemes import BUILTIN
from evaluations.scoring import InvalidScheme, SchemeSpec, ScoreSheet, score_evaluation
from evaluations.scoring_rules import EXECUTION_RATE, ScoringInputs, UnitIndicator
from evaluations.scoring_schemes import DEFAULT, chosen_schemes, scheme_for, scheme_spec


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
    common: CommonMeasures | None = None,
) -> GatheredInputs:
    """:func:`scoring_inputs` with the common indicators beside them. ``indicators`` and ``judgements``, when given,
    stand for the saved ones (the editor's typed values) and are not read; ``common``, when given, is the common
    indicators read already (:func:`budgets.selectors.common_indicators_for`)."""
    common = common_indicators_of(evaluation) if common is None else common
    measures: dict[str, Decimal | None] = dict(common.measures)
    if measures.get(EXECUTION_RATE) is None:
        # The funds block's 年度资金总额 rate, when the common figures do not give one.
        measures[EXECUTION_RATE] = execution_figures(evaluation.budget_execution.all()).total.rate
    if measures.get(EXECUTION_RATE) is None:
        # A unit that states only its totals (预算安排, 实际支出合计), as the plain outline's reports do: the rate its
        # report prints from them. Read only then, so a unit with a funds block pays no query for it.
        summary = getattr(evaluation, "spending_summary", None)
        if summary is not None:
            measures[EXECUTION_RATE] = budget_execution_rate(summary.total_budget, summary.total_spending)
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
    """An evaluation's score sheet under the scheme that applies to it, for the pages that show it. ``inputs`` are
    what it was scored on (submission checks the unit's indicator weights against the scheme from them); ``common``:
    the common indicators the sheet read, with what each lacks (the editor links each to where it is entered)."""

    scheme: SchemeSpec
    sheet: ScoreSheet
    inputs: ScoringInputs | None = None
    common: CommonMeasures | None = None


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


def schemes_of(evaluations: Sequence[Evaluation]) -> dict[int, SchemeSpec | InvalidScheme]:
    """:func:`scheme_of` of many evaluations (with their units loaded), by primary key, in five queries at most
    whatever their number; a scheme whose stored data cannot be read is given as its :class:`InvalidScheme`."""
    found: dict[int, SchemeSpec | InvalidScheme] = {}
    published = [evaluation.pk for evaluation in evaluations if evaluation.status == Evaluation.Status.PUBLISHED]
    if published:
        newest: dict[int, Any] = {}
        versions = (
            Publication.objects.filter(evaluation_id__in=published)
            .order_by("evaluation_id", "-version")
            .values_list("evaluation_id", "scheme_data")
        )
        for pk, data in versions:
            newest.setdefault(pk, data)
        found.update({pk: _read(SchemeSpec.from_data, data) for pk, data in newest.items() if data})
    current = [evaluation for evaluation in evaluations if evaluation.pk not in found]
    for pk, row in chosen_schemes(current).items():
        found[pk] = BUILTIN[DEFAULT] if row is None else _read(scheme_spec, row)
    return found


def _read(make: Callable[[Any], SchemeSpec], source: Any) -> SchemeSpec | InvalidScheme:
    try:
        return make(source)
    except InvalidScheme as error:
        return error


def scheme_of(evaluation: Evaluation, current: SchemeSpec | None = None) -> SchemeSpec:
    """The scheme ``evaluation`` is scored with: while it is published, the scheme its publication froze; otherwise
    (a draft, or a report reopened for correction) the one that applies to it now (``current`` when the caller has
    read it already, else :func:`evaluations.scoring_schemes.scheme_for`)."""
    if evaluation.status == Evaluation.Status.PUBLISHED:
        frozen = published_scheme(evaluation)
        if frozen is not None:
            return frozen
    return scheme_for(evaluation) if current is None else current


def score_of(
    evaluation: Evaluation,
    scheme: SchemeSpec | None = None,
    *,
    indicators: Iterable[UnitIndicator] | None = None,
    judgements: Iterable[LeafJudgement] | None = None,
    common: CommonMeasures | None = None,
) -> ScoredEvaluation:
    """The evaluation scored from its saved data under :func:`scheme_of` (or ``scheme``, when the caller has read it
    already). ``indicators`` / ``judgements``: typed values scored in place of the saved ones, without saving. A
    missing input leaves the total unknown and is listed; it is never scored as 0. A scheme that does not validate
    raises :class:`evaluations.scoring.InvalidScheme`."""
    scheme = scheme_of(evaluation) if scheme is None else scheme
    gathered = gather_inputs(evaluation, indicators=indicators, judgements=judgements, common=common)
    return ScoredEvaluation(scheme, score_evaluation(scheme, gathered.inputs), gathered.inputs, gathered.common)


# What :func:`scores_for` reads at most, whatever the number of evaluations and rows: the schemes (the newest
# publications' frozen schemes, the campaigns' and the bureau's choices, the rows chosen: :func:`schemes_of`), the
# common indicators' six (budgets.selectors.common_indicators_for), and the common figures, stated totals, execution
# lines, indicators and leaf assessments the engine reads (fewer where the caller prefetched them).
SCORE_QUERIES = 15


def scores_for(evaluations: Sequence[Evaluation]) -> dict[int, ScoredEvaluation | InvalidScheme]:
    """:func:`score_of` of many evaluations (with their units loaded), by primary key, in a fixed number of queries
    (:data:`SCORE_QUERIES` at most) whatever their number. A published evaluation is scored with its frozen scheme.
    An evaluation whose scheme cannot score (its stored data is malformed, or it does not validate) is given as the
    :class:`InvalidScheme` with its problems (and the scheme's name when it was read)."""
    evaluations = list(evaluations)
    if not evaluations:
        return {}
    schemes = schemes_of(evaluations)
    common = common_indicators_for(evaluations)
    # Skipped by Django where the caller prefetched them already.
    prefetch_related_objects(
        evaluations, "common_figures", "spending_summary", "budget_execution", "indicators", "leaf_assessments"
    )
    found: dict[int, ScoredEvaluation | InvalidScheme] = {}
    for evaluation in evaluations:
        scheme = schemes[evaluation.pk]
        if isinstance(scheme, InvalidScheme):
            found[evaluation.pk] = scheme
            continue
        try:
            found[evaluation.pk] = score_of(evaluation, scheme, common=common[evaluation.pk])
        except InvalidScheme as error:
            found[evaluation.pk] = error
    return found
