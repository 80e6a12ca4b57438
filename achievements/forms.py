"""Editor page for 三、部门整体支出绩效情况: the themed achievements and the indicators with targets and actuals.

Completion rates, shortfalls and scores beside the inputs come from :mod:`achievements.figures`, the same code as
the report. A shortfall against the target (direction-aware) cannot be saved without a deviation reason
(:mod:`achievements.rules`, the rule the admin, the spreadsheet import and the service apply too).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluations.forms import (
    FIELD_LEFT_OUT,
    QuantityField,
    RowFormSet,
    RowModelForm,
    SectionPage,
    initial_rows,
    is_kept_as_typed,
    keyed_rows,
    new_row_choices,
    row_formset,
    row_reference,
)
from evaluations.models import Evaluation
from evaluations.money import format_quantity
from evaluations.scoring_rules import Tiers, UnitIndicator
from evaluations.scoring_schemes import scheme_for

from . import figures
from .models import Indicator, Theme
from .rules import assessment_error, shortfall_reason_error
from .services import INDICATOR_FIELDS


class ThemeRowForm(RowModelForm):
    class Meta:
        model = Theme
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}


class IndicatorFigureFields(forms.Form):
    """What every indicator form shares, the editor's rows and the admin's: the figures are read by
    :func:`evaluations.money.parse_quantity`, as the spreadsheet import reads them, and a shortfall needs a reason."""

    target = QuantityField(label=_("年度指标值"), required=False)
    actual = QuantityField(label=_("实际完成值"), required=False)
    weight = QuantityField(label=_("分值"), required=False, decimal_places=2, max_value=Decimal("9999.99"))
    self_score = QuantityField(label=_("自评得分"), required=False, decimal_places=2, max_value=Decimal("9999.99"))

    def judgement_tiers(self) -> Tiers | None:
        """The tiers a qualitative indicator is judged in: its evaluation's scheme's (None while the form does not
        know its evaluation: that field shows its own error)."""
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        error = shortfall_reason_error(
            name=cleaned.get("name") or "",
            direction=cleaned.get("direction"),
            target=cleaned.get("target"),
            actual=cleaned.get("actual"),
            reason=cleaned.get("deviation_reason"),
        )
        if error is not None:
            self.add_error("deviation_reason", error)
        tiers = self.judgement_tiers()
        judged = (
            None
            if tiers is None
            else assessment_error(
                direction=cleaned.get("direction"),
                weight=cleaned.get("weight"),
                not_applicable=bool(cleaned.get("not_applicable")),
                tier=cleaned.get("qualitative_tier"),
                score=cleaned.get("self_score"),
                reason=cleaned.get("score_reason"),
                tiers=tiers,
            )
        )
        # A field that failed its own cleaning already shows why; the rule would only repeat a consequence.
        if judged and judged[0] not in self.errors:
            self.add_error(judged[0], judged[1])
        return cleaned


# The fields in an indicator's details row, under its line of figures.
DETAIL_FIELDS = [
    "theme_id",
    "deviation_reason",
    "ranking",
    "target_text",
    "actual_text",
    "qualitative_tier",
    "self_score",
    "not_applicable",
    "score_reason",
]


class IndicatorRowForm(IndicatorFigureFields, RowModelForm):
    # A saved theme's id, or the key of a theme typed as new on the same page ("new:2"): both saved together.
    theme_id = forms.TypedChoiceField(
        label=_("所属成效"),
        coerce=row_reference,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("所选的工作成效已不在本页（可能已删除或清空了标题），请重新选择。")},
    )

    class Meta:
        model = Indicator
        fields = INDICATOR_FIELDS
        # One line while empty, as most are; it grows as a reason is typed.
        widgets = {
            "deviation_reason": forms.Textarea(attrs={"rows": 1}),
            "score_reason": forms.Textarea(attrs={"rows": 1}),
        }

    def __init__(self, *args: Any, tiers: Tiers, theme_choices: list[tuple[Any, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Choices and tiers are fetched once for the whole page, not once per row.
        self.fields["theme_id"].choices = [("", "——"), *theme_choices]
        self.tiers = tiers

    def judgement_tiers(self) -> Tiers:
        return self.tiers

    @property
    def details_have_errors(self) -> bool:
        """Whether the details row opens on its own: an error in it must be seen beside its field."""
        return self.is_bound and any(name in self.errors for name in DETAIL_FIELDS)


class IndicatorAdminForm(IndicatorFigureFields, forms.ModelForm):
    """The admin edits indicators directly; it reads figures and applies the shortfall rule as the editor does."""

    class Meta:
        model = Indicator
        # The editor's fields, with the relations the editor sets itself.
        fields = ["evaluation", "theme", "order", *(name for name in INDICATOR_FIELDS if name != "theme_id")]

    def judgement_tiers(self) -> Tiers | None:
        # The row's evaluation: chosen on the add page, else the inline's parent or the row's own. The admin reads
        # the scheme once per row; it edits a row at a time, and the editor's page reads it once for all rows.
        evaluation = self.cleaned_data.get("evaluation")
        if evaluation is None and self.instance.evaluation_id is not None:
            evaluation = Evaluation.objects.select_related("unit").get(pk=self.instance.evaluation_id)
        return None if evaluation is None else scheme_for(evaluation).tiers


class IndicatorFormSet(RowFormSet):
    indicator_label = _("指标“%(name)s”")

    def row_where(self, number: int, form: forms.Form) -> str:
        # Indicators are known by name, and a row number means nothing once rows are reordered.
        name = (form.data.get(form.add_prefix("name")) or "").strip() if form.is_bound else form.initial.get("name")
        return self.indicator_label % {"name": name} if name else super().row_where(number, form)


ThemeRowFormSet = row_formset(ThemeRowForm)
IndicatorRowFormSet = row_formset(IndicatorRowForm, IndicatorFormSet)


@dataclass(frozen=True)
class IndicatorFigures:
    indicator: Indicator
    completion: Decimal | None
    shortfall: bool
    score: Decimal | None

    @property
    def needs_reason(self) -> bool:
        """A shortfall still without its 偏差原因 (as typed on the page, or as saved)."""
        return self.shortfall and not (self.indicator.deviation_reason or "").strip()

    @property
    def target_display(self) -> str:
        if self.indicator.is_qualitative:
            return self.indicator.target_text
        return format_quantity(self.indicator.target) if self.indicator.target is not None else "—"

    @property
    def actual_display(self) -> str:
        if self.indicator.is_qualitative:
            return self.indicator.actual_text
        return format_quantity(self.indicator.actual) if self.indicator.actual is not None else "—"


def _typed(form: forms.Form, name: str) -> Any:
    """For the live preview: the field as typed if it validated, otherwise unknown; never the saved value in its
    place, which would look as if the typing had been counted (the panel says what it left out:
    :meth:`AchievementsPage.figures_left_out`)."""
    return form.cleaned_data.get(name)


class AchievementsPage(SectionPage):
    section = "achievements"
    title = _("工作成效和绩效指标")
    template = "editor/achievements.html"

    def build(self) -> None:
        # The scheme the score beside the indicators is computed with, and whose tiers judge them.
        self.scheme = scheme_for(self.evaluation)
        self.themes = list(self.evaluation.themes.all())
        self.indicators = list(self.evaluation.indicators.all())
        themes = ThemeRowFormSet(self.data, prefix="themes", initial=initial_rows(self.themes, ["id", "title", "body"]))
        self.forms = {
            "themes": themes,
            "indicators": IndicatorRowFormSet(
                self.data,
                prefix="indicators",
                initial=initial_rows(self.indicators, ["id", *INDICATOR_FIELDS]),
                form_kwargs={
                    "theme_choices": [
                        *((theme.pk, theme.title) for theme in self.themes),
                        *new_row_choices(themes, "title"),
                    ],
                    "tiers": self.scheme.tiers,
                },
            ),
        }

    def save(self, *, actor: Any) -> None:
        from .services import save_achievements

        save_achievements(
            evaluation=self.evaluation,
            actor=actor,
            revision=self.revision,
            themes=keyed_rows(self.forms["themes"]),
            indicators=self.forms["indicators"].rows(),
        )

    def figures_left_out(self) -> list[str]:
        """The figures typed on an indicator's line that the live table does not count, and why, naming the
        indicator as its errors do: "指标“…” 实际完成值无效，未计入（…）". Only figures: a missing reason is the
        table's own 未达标，需说明原因, and a text field counts for nothing here."""
        if not self.data:
            return []
        formset = self.forms["indicators"]
        left_out: list[str] = []
        for n, form in enumerate(formset.forms, start=1):
            if not form.errors or not is_kept_as_typed(formset, form):
                continue
            row = formset.row_where(n, form)
            for field_name, errors in form.errors.items():
                field = form.fields.get(field_name)
                if isinstance(field, QuantityField):
                    where = f"{row} {field.label}"
                    left_out.append(str(FIELD_LEFT_OUT) % {"where": where, "message": errors[0]})
        return left_out

    def indicators_as_typed(self) -> list[Indicator]:
        """The indicators the page holds: the saved ones, or on a posted page (the live preview, a refused save) every
        row the save would keep, each field as typed where it validates and as saved where it does not (a new row's
        field that does not validate is left unknown). Not saved."""
        formset = self.forms["indicators"]
        if not formset.is_bound:
            return self.indicators
        indicators = []
        for form in formset.forms:
            form.is_valid()
            if not is_kept_as_typed(formset, form):
                continue
            values = {name: _typed(form, name) for name in INDICATOR_FIELDS if name != "theme_id"}
            # Left out, an unknown field takes the model's default ("" for a text, ≥ for the direction).
            indicators.append(
                Indicator(pk=form.cleaned_data.get("id"), **{k: v for k, v in values.items() if v is not None})
            )
        return indicators

    def unit_indicators(self) -> list[UnitIndicator]:
        """:meth:`indicators_as_typed` as the scoring engine reads them."""
        return [figures.as_unit_indicator(indicator) for indicator in self.indicators_as_typed()]

    def figures(self) -> list[IndicatorFigures]:
        """One line per indicator row on the page (saved rows, or in the live preview the rows as typed)."""
        indicators = self.indicators_as_typed()
        return [
            IndicatorFigures(
                indicator=indicator,
                completion=figures.completion_rate(indicator),
                shortfall=figures.is_shortfall(indicator),
                score=figures.indicator_score(indicator),
            )
            for indicator in indicators
        ]
