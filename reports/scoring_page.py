"""The editor's 自评评分 page: the evaluation's scoring scheme leaf by leaf, with the score the engine gives each one
and why, what is still missing and where it is entered, and the unit's own judgement (a tier, a score and a reason
for each qualitative leaf; 不适用 with a reason for any leaf), then the adjustments, the total and the grade.

It lives in reports because it shows the whole score sheet, which reads every layer's figures
(:func:`reports.scoring.score_of`); the judgement is checked by the one rule in :mod:`evaluations.leaf_assessments`.
While the person types, the live figures score the page as typed without saving (:meth:`ScoringPage.scored`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext_lazy as _

from evaluations.forms import QuantityField, SectionPage
from evaluations.leaf_assessments import LeafJudgement, judgement_error, judgement_of, save_leaf_assessments
from evaluations.models import Section
from evaluations.schemes import COMMON_INDICATORS
from evaluations.scoring import Leaf, LeafScore, SchemeSpec
from evaluations.scoring_rules import CarryoverRule, Qualitative, UnitIndicators, format_score

from .scoring import ScoredEvaluation, scheme_of, score_of

SCHEME_CHANGED = _(
    "评分方案在您打开本页之后有了变动，本页的指标与现在的方案不符，本次修改没有保存。"
    "请把需要的内容复制下来，重新打开本页后再填写。"
)

# LeafAssessment.score: five digits, two of them decimals.
MAX_LEAF_SCORE = Decimal("999.99")


class SchemeLeavesForm(forms.Form):
    """The leaves the page was opened with, in order. The leaf forms are built from the scheme as it is when the page
    is posted: had the bureau changed it in between, a judgement typed beside one leaf could land on another, so the
    page is refused instead."""

    leaves = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, data: Any = None, *, keys: list[str], **kwargs: Any) -> None:
        super().__init__(data, initial={"leaves": json.dumps(keys, ensure_ascii=False)}, **kwargs)
        self.keys = keys

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        try:
            sent = json.loads(cleaned.get("leaves") or "null")
        except ValueError:
            sent = None
        if sent != self.keys:
            raise ValidationError(SCHEME_CHANGED, code="rows")
        return cleaned


class LeafForm(forms.Form):
    """The unit's judgement of one leaf. Every leaf may be marked 不适用 with a reason; a qualitative leaf also has
    a tier of its rule, a score inside the tier's range and a reason. The rule is
    :func:`evaluations.leaf_assessments.judgement_error`, the one the service applies."""

    not_applicable = forms.BooleanField(label=_("不适用"), required=False)
    reason = forms.CharField(
        label=_("评分理由"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, data: Any = None, *, leaf: Leaf, spec: SchemeSpec, saved: LeafJudgement | None, **kwargs):
        saved = saved or LeafJudgement(leaf.key)
        initial = {
            "not_applicable": saved.not_applicable,
            "tier": saved.tier,
            "score": saved.score,
            "reason": saved.reason,
        }
        super().__init__(data, initial=initial, **kwargs)
        self.leaf, self.spec = leaf, spec
        self.is_qualitative = isinstance(leaf.rule, Qualitative)
        if self.is_qualitative:
            tiers = leaf.rule.tiers
            choices = [("", "——")]
            for tier in tiers.tiers:
                low, high = tiers.range_for(leaf.weight, tier)
                choices.append((tier.key, f"{tier.label}（{format_score(low)}–{format_score(high)}分）"))
            self.fields["tier"] = forms.ChoiceField(label=_("评价档次"), choices=choices, required=False)
            self.fields["score"] = QuantityField(
                label=_("自评得分"), required=False, decimal_places=2, max_value=MAX_LEAF_SCORE
            )
            # In the order the person fills them in.
            self.order_fields(["tier", "score", "reason", "not_applicable"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors:
            # A field that failed its own cleaning already says why; the rule would only repeat a consequence.
            return cleaned
        found = judgement_error(self.spec, self.judgement())
        if found is not None:
            field, error = found
            self.add_error(field if field in self.fields else None, error)
        return cleaned

    def judgement(self) -> LeafJudgement:
        """The cleaned judgement (valid forms only)."""
        return self._judgement(self.cleaned_data.get)

    def judgement_as_typed(self) -> LeafJudgement:
        """For the live figures: each field as typed where it reads, otherwise as saved. A score outside its tier
        is scored as typed: the engine leaves it unscored and says why."""
        values = {}
        for name, field in self.fields.items():
            try:
                values[name] = field.clean(self[name].data)
            except ValidationError:
                values[name] = self.initial.get(name)
        return self._judgement(values.get)

    def _judgement(self, get: Any) -> LeafJudgement:
        return LeafJudgement(
            key=self.leaf.key,
            not_applicable=bool(get("not_applicable")),
            tier=(get("tier") or "") if self.is_qualitative else "",
            score=get("score") if self.is_qualitative else None,
            reason=get("reason") or "",
        )


@dataclass(frozen=True)
class MissingLink:
    """An input a leaf lacks, and the editor section where it is entered (``anchor``: a field on this page)."""

    what: str
    section: str
    anchor: str = ""

    @property
    def section_title(self) -> str:
        return str(Section(self.section).label)


# Inputs of the common indicators entered elsewhere than on the 预算执行 page.
_INPUT_SECTIONS = {
    "在职人员数": Section.PROFILE,
    "编制数": Section.PROFILE,
    "日常公用经费本年决算数": Section.BASIC,
    "项目支出合计": Section.PROJECT,
}


@dataclass(frozen=True)
class LeafRow:
    """One leaf on the page: its score from the engine, the input for the unit's judgement, what it lacks."""

    number: int
    score: LeafScore
    form: LeafForm
    missing: tuple[MissingLink, ...]

    @property
    def leaf(self) -> Leaf:
        return self.score.leaf

    @property
    def formula(self) -> str:
        """How its measure is computed (the catalogue's words), for a leaf computed from data."""
        entry = COMMON_INDICATORS.get(self.leaf.key)
        return self.leaf.formula or (entry.formula if entry is not None else "")

    @property
    def score_id(self) -> str:
        """The cell the live figures replace."""
        return f"leaf-score-{self.number}"


@dataclass(frozen=True)
class GroupRows:
    name: str
    weight: Decimal
    points: Decimal | None
    rows: tuple[LeafRow, ...]


@dataclass(frozen=True)
class SectionRows:
    name: str
    weight: Decimal
    points: Decimal | None
    groups: tuple[GroupRows, ...]


class ScoringPage(SectionPage):
    section = Section.SCORING
    title = Section.SCORING.label
    template = "editor/scoring.html"

    def build(self) -> None:
        self.scheme = scheme_of(self.evaluation)
        # Prefetched, so that scoring the page reads the saved judgements without a second query.
        prefetch_related_objects([self.evaluation], "leaf_assessments")
        saved = {row.key: judgement_of(row) for row in self.evaluation.leaf_assessments.all()}
        self.leaves = self.scheme.leaves()
        for number, leaf in enumerate(self.leaves):
            name = f"leaf-{number}"
            self.forms[name] = LeafForm(self.data, leaf=leaf, spec=self.scheme, saved=saved.get(leaf.key), prefix=name)
            self.form_titles[name] = leaf.name
        self.forms["scheme"] = SchemeLeavesForm(self.data, keys=[leaf.key for leaf in self.leaves], prefix="scheme")

    def leaf_forms(self) -> list[LeafForm]:
        return [self.forms[f"leaf-{number}"] for number in range(len(self.leaves))]

    def save(self, *, actor: Any) -> None:
        save_leaf_assessments(
            evaluation=self.evaluation,
            actor=actor,
            revision=self.revision,
            judgements=[form.judgement() for form in self.leaf_forms()],
        )

    def judgements_as_typed(self) -> list[LeafJudgement] | None:
        """The judgements on the page as typed (None on a page not posted: then the saved ones are scored)."""
        if self.data is None:
            return None
        # Leaves the page does not show (no longer in the scheme) count for nothing in scoring anyway.
        return [form.judgement_as_typed() for form in self.leaf_forms()]

    @cached_property
    def scored(self) -> ScoredEvaluation:
        """The sheet of the page as typed (or as saved, on a page not posted), computed by the engine; not saved."""
        return score_of(self.evaluation, scheme=self.scheme, judgements=self.judgements_as_typed())

    def figures(self) -> ScoredEvaluation:
        return self.scored

    @cached_property
    def sections(self) -> list[SectionRows]:
        """The sheet as the page lays it out: 一级, 二级, then each leaf with its input."""
        forms_by_key = {form.leaf.key: (number, form) for number, form in enumerate(self.leaf_forms())}
        result = []
        for level1 in self.scored.sheet.sections:
            groups = []
            for group in level1.groups:
                rows = []
                for leaf_score in group.leaves:
                    number, form = forms_by_key[leaf_score.key]
                    rows.append(LeafRow(number, leaf_score, form, self._missing(number, leaf_score)))
                groups.append(GroupRows(group.name, group.weight, group.points, tuple(rows)))
            result.append(SectionRows(level1.name, level1.weight, level1.points, tuple(groups)))
        return result

    def rows(self) -> list[LeafRow]:
        return [row for section in self.sections for group in section.groups for row in group.rows]

    def _missing(self, number: int, leaf_score: LeafScore) -> tuple[MissingLink, ...]:
        """What the leaf lacks, each with where it is entered: the unit's indicators on the achievements page, the
        staffing on the profile, the common figures on the 预算执行 page (日常公用经费 and 项目支出合计 on their
        own pages), a qualitative judgement on this page."""
        if leaf_score.points is not None or leaf_score.not_applicable:
            return ()
        rule = leaf_score.leaf.rule
        if isinstance(rule, Qualitative):
            anchor = f"id_leaf-{number}-tier"
            return tuple(MissingLink(what, Section.SCORING, anchor) for what in leaf_score.missing)
        if isinstance(rule, UnitIndicators):
            return tuple(MissingLink(what, Section.ACHIEVEMENTS) for what in leaf_score.missing)
        common = self.scored.common
        inputs: tuple[str, ...] = ()
        if common is not None and not isinstance(rule, CarryoverRule):
            inputs = common.missing.get(leaf_score.key, ())
        inputs = inputs or leaf_score.missing
        return tuple(MissingLink(what, _INPUT_SECTIONS.get(what, Section.EXECUTION)) for what in inputs)
