"""The unit's own judgement of its scoring scheme's leaves (自评评分): the rule that checks it and the service that
saves it.

A leaf no figure decides is judged by the unit: a qualitative leaf (rule :class:`~evaluations.scoring_rules.
Qualitative`: 预决算信息公开性, 资产管理安全性) gets a tier, a score inside the tier's range and a reason; any leaf may
be marked 不适用 with a reason, and the engine rescales the rest. :func:`judgement_error` is the one rule, read by
the editor page, the admin and :func:`save_leaf_assessments`; the tier ranges and their messages are the engine's
(:meth:`~evaluations.scoring_rules.Tiers.check`), so nothing is accepted that the engine would refuse to score.

Rows of leaves a later version of the scheme no longer has are kept (the judgement is the unit's data) and ignored
by scoring, which reads only the keys of the scheme it scores with.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .history import create_rows, update_rows
from .models import Evaluation, LeafAssessment, Section
from .scoring import SchemeSpec
from .scoring_rules import Assessment, Qualitative
from .scoring_schemes import scheme_for
from .services import section_save

UNKNOWN_LEAF = _("评分方案中没有代号为“%(key)s”的指标，本次修改没有保存。请重新打开本页后再填写。")
LEAF_NOT_APPLICABLE_WITHOUT_REASON = _("标为不适用的指标，请在评分理由中说明不适用的原因。")
JUDGEMENT_ON_COMPUTED_LEAF = _("本指标按数据或单位填报的绩效指标计分，只能标为不适用，不能选择档次或填写得分。")
DUPLICATE_LEAF = _("指标“%(key)s”出现了两次。")


@dataclass(frozen=True)
class LeafJudgement:
    """What the unit says about one leaf, as plain values: what a form, an admin row or code hands the service."""

    key: str
    not_applicable: bool = False
    tier: str = ""
    score: Decimal | None = None
    reason: str = ""

    @property
    def is_blank(self) -> bool:
        """Nothing said: the leaf is not judged yet (a qualitative leaf stays unscored, never 0)."""
        return not self.not_applicable and not self.tier and self.score is None and not self.reason.strip()

    @property
    def assessment(self) -> Assessment:
        return Assessment(self.tier, self.score, self.reason)


def judgement_of(row: LeafAssessment) -> LeafJudgement:
    return LeafJudgement(row.key, row.not_applicable, row.tier, row.score, row.reason)


# Which field each refusal belongs beside.
_CHECK_FIELDS = {"tier": "tier", "score": "score", "out_of_range": "score", "reason": "reason"}


def judgement_error(spec: SchemeSpec, judgement: LeafJudgement) -> tuple[str, ValidationError] | None:
    """The one rule of a leaf judgement: ``(field, error)`` naming the field the error belongs beside ("key",
    "not_applicable", "tier", "score" or "reason"), or ``None`` when it holds.

    The key must be a leaf of ``spec``. 不适用 needs a reason. A qualitative leaf that is judged needs a tier of its
    rule, a score inside the tier's range and a reason (the engine's check and messages); one left blank is simply
    not judged yet. Any other leaf is decided by figures: it takes only 不适用."""
    leaf = spec.leaf(judgement.key)
    if leaf is None:
        return "key", ValidationError(UNKNOWN_LEAF, code="unknown_leaf", params={"key": judgement.key})
    qualitative = isinstance(leaf.rule, Qualitative)
    if not qualitative and (judgement.tier or judgement.score is not None):
        return ("tier" if judgement.tier else "score"), ValidationError(JUDGEMENT_ON_COMPUTED_LEAF, code="computed")
    if judgement.not_applicable:
        if not judgement.reason.strip():
            return "reason", ValidationError(LEAF_NOT_APPLICABLE_WITHOUT_REASON, code="not_applicable")
        return None
    if not qualitative or (not judgement.tier and judgement.score is None):
        # A reason alone on a leaf nobody judged is kept as written; it scores nothing.
        return None
    try:
        leaf.rule.tiers.check(leaf.weight, judgement.assessment)
    except ValidationError as error:
        return _CHECK_FIELDS.get(error.code, "score"), error
    return None


def judgement_errors(spec: SchemeSpec, judgements: Iterable[LeafJudgement]) -> list[ValidationError]:
    """Every refusal of a set of judgements (each key once), in the order given."""
    errors: list[ValidationError] = []
    seen: set[str] = set()
    for judgement in judgements:
        if judgement.key in seen:
            errors.append(ValidationError(DUPLICATE_LEAF, code="duplicate", params={"key": judgement.key}))
        seen.add(judgement.key)
        found = judgement_error(spec, judgement)
        if found is not None:
            errors.append(found[1])
    return errors


def scoring_judgements(judgements: Iterable[LeafJudgement]) -> tuple[dict[str, Assessment], frozenset[str]]:
    """What the engine reads of the unit's judgements (:class:`~evaluations.scoring_rules.ScoringInputs`'s
    ``assessments`` and ``not_applicable``, by leaf key): a judged leaf's tier, score and reason as given (the engine
    refuses to score one out of range, saying why). The engine reads only the keys of the scheme it scores with, so
    rows of leaves the scheme no longer has, and a tier on a leaf that is not qualitative, count for nothing."""
    assessments: dict[str, Assessment] = {}
    not_applicable: set[str] = set()
    for judgement in judgements:
        if judgement.not_applicable:
            not_applicable.add(judgement.key)
        elif judgement.tier:
            assessments[judgement.key] = judgement.assessment
    return assessments, frozenset(not_applicable)


_FIELDS = ("not_applicable", "tier", "score", "reason")


def save_leaf_assessments(
    *, evaluation: Evaluation, actor: Any, revision: int, judgements: Iterable[LeafJudgement]
) -> Evaluation:
    """Save the unit's judgement of its scheme's leaves (the 自评评分 section) in one go, or nothing.

    Through :func:`evaluations.services.section_save`: the history records every change with ``actor``, a stale
    page or a locked (submitted, approved, published) evaluation is refused. The scheme is read under the lock and
    every judgement checked by :func:`judgement_error`; any refusal refuses the whole save with all its messages.
    Leaves not given are not touched; a judgement emptied keeps its row, blank, so the history shows when it was
    cleared. A fixed number of queries whatever the number of leaves: the scheme, the rows, one update and one
    create, each with its history."""
    judgements = list(judgements)
    with section_save(evaluation=evaluation, section=Section.SCORING, revision=revision, actor=actor) as locked:
        spec = scheme_for(locked)
        errors = judgement_errors(spec, judgements)
        if errors:
            raise ValidationError(errors)
        existing: Mapping[str, LeafAssessment] = {
            row.key: row
            for row in LeafAssessment.objects.filter(evaluation=locked, key__in=[j.key for j in judgements])
        }
        created, updated = [], []
        for judgement in judgements:
            values = {
                "not_applicable": judgement.not_applicable,
                "tier": judgement.tier,
                "score": judgement.score,
                "reason": judgement.reason.strip(),
            }
            row = existing.get(judgement.key)
            if row is None:
                if not judgement.is_blank:
                    created.append(LeafAssessment(evaluation=locked, key=judgement.key, **values))
            elif any(getattr(row, name) != values[name] for name in _FIELDS):
                for name, value in values.items():
                    setattr(row, name, value)
                updated.append(row)
        update_rows(LeafAssessment, updated, _FIELDS)
        create_rows(LeafAssessment, created)
    return locked
