"""The finance bureau's scoring schemes: list them with where each applies, copy one under a new name, edit a copy
(names, weights, each rule's parameters, grades), choose the scheme of a region and year, and preview how a unit
would score under a scheme. Shipped schemes are read-only. Only the bureau and administrators reach these pages.

The edit page keeps the copied structure (which indicators there are, and their rule kinds); what a form can hold
simply is editable: every name and weight, each rule's numbers, the qualitative tiers' ranges, the grade bands, and
the platform rules switched on or off. Whatever the page produces is checked by ``SchemeSpec.validate()``.
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from evaluations.models import Evaluation, SchemeAssignment, ScoringScheme, Unit
from evaluations.outlines import known_regions
from evaluations.schemes import PLATFORM_DEVIATION_DEDUCTION, PLATFORM_EXECUTION_CAP
from evaluations.scoring import FULL_MARKS, GradeBands, Level1, Level2, SchemeSpec, score_evaluation
from evaluations.scoring_rules import (
    AT_LEAST,
    AT_MOST,
    EQUAL,
    Band,
    CarryoverRule,
    LinearDeduction,
    PerItem,
    Proportional,
    Qualitative,
    Rule,
    StepTable,
    Tiers,
    UnitIndicators,
    format_weight,
)
from evaluations.scoring_schemes import (
    assign_scheme,
    copy_scheme,
    may_manage_schemes,
    save_scheme,
    scheme_spec,
)
from evaluations.selectors import evaluations_visible_to
from reports.demo import lukou_2024 as seed
from reports.scoring import scoring_inputs


def _require_manager(request: HttpRequest) -> None:
    """The one access rule of these pages: the finance bureau and administrators."""
    if not may_manage_schemes(request.user):
        raise PermissionDenied


# ---------------------------------------------------------------------------
# Numbers as people type them: percentages for rates, points for points
# ---------------------------------------------------------------------------
def _points_field(label: Any, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, min_value=0, max_value=FULL_MARKS, max_digits=7, decimal_places=4
    )


def _percent_field(label: Any, required: bool = True) -> forms.DecimalField:
    # Rates are typed in percent (90 for 90%) and stored as ratios (0.9), as the engine reads them.
    return forms.DecimalField(label=label, required=required, min_value=0, max_digits=9, decimal_places=4)


def _as_percent(ratio: Decimal | None) -> str:
    return "" if ratio is None else format_weight(ratio * 100)


def _ratio(percent: Decimal | None) -> Decimal | None:
    return None if percent is None else percent / 100


BAND_LINE = re.compile(r"^([\[(（])\s*([0-9.]*)\s*[,，]\s*([0-9.]*)\s*([\])）])\s*([0-9.]+)$")
BANDS_HELP = gettext_lazy(
    "每行一档：区间（百分数）和得分。方括号含端点，圆括号不含，留空为不设界限。例如：[90, ) 5 表示90%及以上得5分，"
    "[80, 90) 4 表示80%（含）至90%（不含）得4分。"
)
BAND_UNREADABLE = gettext_lazy("第%(line)s行“%(text)s”无法识别，格式如 [80, 90) 4。")


def bands_text(bands: tuple[Band, ...]) -> str:
    """Step-table bands as the edit page shows them, one per line: "[80, 90) 4" (bounds in percent)."""
    lines = []
    for band in bands:
        left = "[" if band.lower_inclusive else "("
        right = "]" if band.upper_inclusive else ")"
        lines.append(f"{left}{_as_percent(band.lower)}, {_as_percent(band.upper)}{right} {format_weight(band.value)}")
    return "\n".join(lines)


def parse_bands(text: str) -> tuple[Band, ...]:
    """The inverse of :func:`bands_text`; a line it cannot read is refused, naming the line."""
    bands = []
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for number, line in enumerate(lines, start=1):
        match = BAND_LINE.match(line)
        try:
            if match is None:
                raise ValueError(line)
            left, lower, upper, right, value = match.groups()
            bands.append(
                Band(
                    _ratio(Decimal(lower)) if lower else None,
                    _ratio(Decimal(upper)) if upper else None,
                    Decimal(value),
                    lower_inclusive=left == "[",
                    upper_inclusive=right == "]",
                )
            )
        except (ValueError, ArithmeticError):
            raise ValidationError(BAND_UNREADABLE, code="band", params={"line": number, "text": line}) from None
    return tuple(bands)


WORD_SPLIT = re.compile(r"[、,，\s]+")


# ---------------------------------------------------------------------------
# The edit form: one field per name, weight and parameter of the copied structure
# ---------------------------------------------------------------------------
@dataclasses.dataclass
class Row:
    """A line of the edit table: an indicator at its depth (0 一级, 1 二级, 2 三级), its name and weight fields,
    its rule's parameter fields and the rule in words."""

    depth: int
    name: forms.BoundField
    weight: forms.BoundField
    params: list[forms.BoundField]
    standard: str = ""


DIRECTION_CHOICES = [
    (AT_LEAST, gettext_lazy("≥：实际值÷目标值")),
    (AT_MOST, gettext_lazy("≤：目标值÷实际值")),
    (EQUAL, gettext_lazy("=：较小值÷较大值")),
]
SIDE_CHOICES = [("over", gettext_lazy("超过阈值扣分")), ("under", gettext_lazy("低于阈值扣分"))]
PRECISION_CHOICES = [
    ("0.01", gettext_lazy("按两位小数（89.995分为优）")),
    ("1", gettext_lazy("按整数分（89.5分为优）")),
]


class SchemeForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("方案名称"), max_length=80)
    description = forms.CharField(
        label=gettext_lazy("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    grade_precision = forms.ChoiceField(label=gettext_lazy("等级按总分判定"), choices=PRECISION_CHOICES)
    reason_below = _percent_field(gettext_lazy("执行率低于（%）须说明原因"), required=False)
    execution_cap = forms.BooleanField(label=gettext_lazy("按预算执行率封顶总分"), required=False)
    deviation_deduction = forms.BooleanField(label=gettext_lazy("偏差较大且未说明原因的指标扣分"), required=False)

    def __init__(self, spec: SchemeSpec, version: int, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.spec = spec
        self.initial.update(
            name=spec.name,
            description=spec.description,
            version=version,
            grade_precision=f"{spec.grades.precision.normalize():f}",
            reason_below=_as_percent(spec.reason_below),
            execution_cap=spec.execution_cap is not None,
            deviation_deduction=spec.deviation_deduction is not None,
        )
        self.execution_cap_text = (spec.execution_cap or PLATFORM_EXECUTION_CAP).describe()
        self.deviation_text = (spec.deviation_deduction or PLATFORM_DEVIATION_DEDUCTION).describe()
        self._rows: list[tuple[int, str, list[str], str]] = []
        for i, level1 in enumerate(spec.sections):
            self._name_weight(f"l1-{i}", level1.name, level1.weight)
            self._rows.append((0, f"l1-{i}", [], ""))
            for j, level2 in enumerate(level1.groups):
                self._name_weight(f"l2-{i}-{j}", level2.name, level2.weight)
                self._rows.append((1, f"l2-{i}-{j}", [], ""))
                for k, leaf in enumerate(level2.leaves):
                    prefix = f"leaf-{i}-{j}-{k}"
                    self._name_weight(prefix, leaf.name, leaf.weight)
                    self._rows.append((2, prefix, self._rule_fields(prefix, leaf.rule), leaf.rule.describe()))
        self.grade_names = []
        for g, (lower, label) in enumerate(spec.grades.bands):
            self._add(f"grade-{g}-label", forms.CharField(label=_("等级"), max_length=10), label)
            self._add(f"grade-{g}-lower", _points_field(_("最低分")), format_weight(lower))
            self.grade_names.append((f"grade-{g}-label", f"grade-{g}-lower"))
        self.tier_names = self._tier_fields("tier", spec.tiers)
        for field in self.fields.values():
            widget = field.widget
            widget.attrs.setdefault("aria-label", str(field.label))
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select form-select-sm"
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs["class"] = "form-control form-control-sm"

    # Building the fields
    def _add(self, name: str, field: forms.Field, initial: Any) -> str:
        self.fields[name] = field
        self.initial[name] = initial
        return name

    def _name_weight(self, prefix: str, name: str, weight: Decimal) -> None:
        self._add(f"{prefix}-name", forms.CharField(label=_("指标名称"), max_length=60), name)
        self._add(f"{prefix}-weight", _points_field(_("分值")), format_weight(weight))

    def _tier_fields(self, prefix: str, tiers: Tiers) -> list[tuple[str, str, str]]:
        names = []
        for t, tier in enumerate(tiers.tiers):
            low = self._add(
                f"{prefix}-{t}-low", _percent_field(_("“%(tier)s”最低（分值的%%）") % {"tier": tier.label}), ""
            )
            high = self._add(
                f"{prefix}-{t}-high", _percent_field(_("“%(tier)s”最高（分值的%%）") % {"tier": tier.label}), ""
            )
            self.initial[low], self.initial[high] = _as_percent(tier.low), _as_percent(tier.high)
            names.append((tier.label, low, high))
        return names

    def _rule_fields(self, prefix: str, rule: Rule) -> list[str]:
        if isinstance(rule, Proportional):
            return [
                self._add(
                    f"{prefix}-direction",
                    forms.ChoiceField(label=_("计分方向"), choices=DIRECTION_CHOICES),
                    rule.direction,
                ),
                self._add(f"{prefix}-target", _percent_field(_("满分对应（%）")), _as_percent(rule.target)),
            ]
        if isinstance(rule, StepTable):
            field = forms.CharField(
                label=_("评分档次"), widget=forms.Textarea(attrs={"rows": len(rule.bands) or 3}), help_text=BANDS_HELP
            )
            return [self._add(f"{prefix}-bands", field, bands_text(rule.bands))]
        if isinstance(rule, LinearDeduction):
            side = "over" if rule.over else "under"
            return [
                self._add(f"{prefix}-threshold", _percent_field(_("阈值（%）")), _as_percent(rule.threshold)),
                self._add(f"{prefix}-side", forms.ChoiceField(label=_("扣分方向"), choices=SIDE_CHOICES), side),
                self._add(f"{prefix}-per_point", _points_field(_("每个百分点扣分")), format_weight(rule.per_point)),
            ]
        if isinstance(rule, PerItem):
            label = _("每项扣分") if rule.deduct else _("每项得分")
            return [self._add(f"{prefix}-points", _points_field(label), format_weight(rule.points))]
        if isinstance(rule, CarryoverRule):
            return [
                self._add(f"{prefix}-none", _points_field(_("无结余得分")), format_weight(rule.none_points)),
                self._add(
                    f"{prefix}-not_above",
                    _points_field(_("结余未超过上年结转得分")),
                    format_weight(rule.not_above_points),
                ),
                self._add(
                    f"{prefix}-above", _points_field(_("结余超过上年结转得分")), format_weight(rule.above_points)
                ),
            ]
        if isinstance(rule, Qualitative):
            return [
                name for _label, low, high in self._tier_fields(f"{prefix}-tier", rule.tiers) for name in (low, high)
            ]
        if isinstance(rule, UnitIndicators):
            field = forms.CharField(
                label=_("计入的一级指标"),
                max_length=100,
                help_text=_("单位绩效指标的一级指标名称含其中任一词即计入本项，多个词用顿号分隔。"),
            )
            return [self._add(f"{prefix}-words", field, "、".join(rule.level1_words))]
        return []

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name, field in self.fields.items():
            if name.endswith("-bands") and name in cleaned:
                try:
                    cleaned[name] = parse_bands(cleaned[name])
                except ValidationError as error:
                    self.add_error(name, error)
            elif name.endswith("-words") and name in cleaned:
                words = tuple(word for word in WORD_SPLIT.split(cleaned[name]) if word)
                if words:
                    cleaned[name] = words
                else:
                    self.add_error(name, field.error_messages["required"])
        return cleaned

    # Reading it back
    @property
    def rows(self) -> list[Row]:
        return [
            Row(depth, self[f"{prefix}-name"], self[f"{prefix}-weight"], [self[name] for name in params], standard)
            for depth, prefix, params, standard in self._rows
        ]

    @property
    def grade_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[label], self[lower]) for label, lower in self.grade_names]

    @property
    def tier_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [(label, self[low], self[high]) for label, low, high in self.tier_names]

    def _tiers(self, prefix: str, tiers: Tiers) -> Tiers:
        data = self.cleaned_data
        return Tiers(
            tuple(
                dataclasses.replace(
                    tier, low=_ratio(data[f"{prefix}-{t}-low"]), high=_ratio(data[f"{prefix}-{t}-high"])
                )
                for t, tier in enumerate(tiers.tiers)
            )
        )

    def _rule(self, prefix: str, rule: Rule) -> Rule:
        data = self.cleaned_data
        if isinstance(rule, Proportional):
            return Proportional(data[f"{prefix}-direction"], _ratio(data[f"{prefix}-target"]))
        if isinstance(rule, StepTable):
            return StepTable(data[f"{prefix}-bands"])
        if isinstance(rule, LinearDeduction):
            return LinearDeduction(
                _ratio(data[f"{prefix}-threshold"]), data[f"{prefix}-per_point"], data[f"{prefix}-side"] == "over"
            )
        if isinstance(rule, PerItem):
            return dataclasses.replace(rule, points=data[f"{prefix}-points"])
        if isinstance(rule, CarryoverRule):
            return CarryoverRule(data[f"{prefix}-none"], data[f"{prefix}-not_above"], data[f"{prefix}-above"])
        if isinstance(rule, Qualitative):
            return Qualitative(self._tiers(f"{prefix}-tier", rule.tiers))
        if isinstance(rule, UnitIndicators):
            return UnitIndicators(data[f"{prefix}-words"])
        return rule

    def scheme(self) -> SchemeSpec:
        """The edited scheme (call after ``is_valid()``); whether it adds up is for ``SchemeSpec.validate()``."""
        data = self.cleaned_data

        def name_weight(prefix: str) -> tuple[str, Decimal]:
            return data[f"{prefix}-name"].strip(), data[f"{prefix}-weight"]

        sections = []
        for i, level1 in enumerate(self.spec.sections):
            groups = []
            for j, level2 in enumerate(level1.groups):
                leaves = []
                for k, leaf in enumerate(level2.leaves):
                    prefix = f"leaf-{i}-{j}-{k}"
                    name, weight = name_weight(prefix)
                    leaves.append(
                        dataclasses.replace(leaf, name=name, weight=weight, rule=self._rule(prefix, leaf.rule))
                    )
                groups.append(Level2(*name_weight(f"l2-{i}-{j}"), tuple(leaves)))
            sections.append(Level1(*name_weight(f"l1-{i}"), tuple(groups)))
        grades = GradeBands(
            tuple((data[lower], data[label].strip()) for label, lower in self.grade_names),
            Decimal(data["grade_precision"]),
        )
        spec = self.spec
        return dataclasses.replace(
            spec,
            name=data["name"].strip(),
            description=data["description"],
            sections=tuple(sections),
            grades=grades,
            tiers=self._tiers("tier", spec.tiers),
            reason_below=_ratio(data["reason_below"]),
            execution_cap=(spec.execution_cap or PLATFORM_EXECUTION_CAP) if data["execution_cap"] else None,
            deviation_deduction=(spec.deviation_deduction or PLATFORM_DEVIATION_DEDUCTION)
            if data["deviation_deduction"]
            else None,
        )


class SchemeNameForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("方案名称"), max_length=80)
    description = forms.CharField(
        label=gettext_lazy("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class SchemeAssignmentForm(forms.Form):
    region = forms.ChoiceField(label=gettext_lazy("地区"), required=False)
    year = forms.IntegerField(
        label=gettext_lazy("年度"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=gettext_lazy("留空则适用于各年度。"),
    )
    scheme = forms.ModelChoiceField(label=gettext_lazy("评分方案"), queryset=ScoringScheme.objects.all())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only regions units belong to: a misspelt region would apply to nobody, silently.
        self.fields["region"].choices = [("", _("全部地区")), *((region, region) for region in known_regions())]


# ---------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------
def _list_page(request: HttpRequest, assignment_form: SchemeAssignmentForm, status: int = 200) -> HttpResponse:
    schemes = list(ScoringScheme.objects.order_by("builtin", "name"))
    assignments = list(SchemeAssignment.objects.select_related("scheme").order_by("region", "year"))
    own = list(Unit.objects.filter(scoring_scheme__isnull=False).select_related("scoring_scheme").order_by("name"))
    # Where each scheme applies, from the two lists above: no query per scheme.
    for scheme in schemes:
        scheme.applies = [a for a in assignments if a.scheme_id == scheme.pk]
        scheme.units = [unit for unit in own if unit.scoring_scheme_id == scheme.pk]
    return render(
        request,
        "schemes/list.html",
        {"schemes": schemes, "assignments": assignments, "own": own, "assignment_form": assignment_form},
        status=status,
    )


@login_required
@require_safe
def scheme_list(request: HttpRequest) -> HttpResponse:
    """Every scoring scheme, where each applies, and the form to choose the scheme of a region and year."""
    _require_manager(request)
    return _list_page(request, SchemeAssignmentForm())


@login_required
@require_http_methods(["GET", "POST"])
def scheme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A scheme: read-only for a shipped one; for the bureau's own, a form of every name, weight and rule parameter,
    saved only when the whole scheme validates, each save counting the version up."""
    _require_manager(request)
    scheme = get_object_or_404(ScoringScheme, pk=pk)
    spec = scheme_spec(scheme)
    if scheme.builtin:
        if request.method == "POST":
            messages.error(request, _("随系统提供的评分方案不能修改，请复制后修改副本。"))
        return render(
            request,
            "schemes/edit.html",
            {"scheme": scheme, "spec": spec},
            status=422 if request.method == "POST" else 200,
        )
    form = SchemeForm(spec, scheme.version, request.POST if request.method == "POST" else None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            save_scheme(scheme=scheme, spec=form.scheme(), version=form.cleaned_data["version"])
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("评分方案“%(name)s”已保存。") % {"name": form.cleaned_data["name"]})
            return redirect("scheme_edit", scheme.pk)
    return render(
        request,
        "schemes/edit.html",
        {"scheme": scheme, "spec": spec, "form": form, "errors": errors},
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def scheme_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """A copy of a scheme, under a new name, to edit as the bureau wants."""
    _require_manager(request)
    scheme = get_object_or_404(ScoringScheme, pk=pk)
    form = SchemeNameForm(
        request.POST if request.method == "POST" else None,
        initial={"name": _("%(name)s（副本）") % {"name": scheme.name}, "description": scheme.description},
    )
    if request.method == "POST" and form.is_valid():
        try:
            copy = copy_scheme(scheme, name=form.cleaned_data["name"], description=form.cleaned_data["description"])
        except ValidationError as error:
            form.add_error("name", error)
        else:
            messages.success(request, _("已复制为“%(name)s”，可以修改它的分值和评分标准。") % {"name": copy.name})
            return redirect("scheme_edit", copy.pk)
    return render(
        request,
        "schemes/copy.html",
        {"scheme": scheme, "spec": scheme_spec(scheme), "form": form},
        status=422 if form.is_bound else 200,
    )


@login_required
@require_POST
def scheme_assign(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = SchemeAssignmentForm(request.POST)
    if form.is_valid():
        try:
            assignment = assign_scheme(
                scheme=form.cleaned_data["scheme"], region=form.cleaned_data["region"], year=form.cleaned_data["year"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已指定：%(assignment)s。") % {"assignment": assignment})
            return redirect("scheme_list")
    return _list_page(request, form, status=422)


@login_required
@require_POST
def scheme_unassign(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    assignment = get_object_or_404(SchemeAssignment.objects.select_related("scheme"), pk=pk)
    label = str(assignment)
    assignment.delete()
    messages.success(request, _("已取消：%(assignment)s。") % {"assignment": label})
    return redirect("scheme_list")


def _preview_evaluation(evaluations: list[Evaluation], wanted: str | None) -> Evaluation | None:
    """The evaluation asked for, else the seed unit's latest, else the latest of any unit."""
    if wanted:
        return next((e for e in evaluations if str(e.pk) == wanted), None)
    ranked = sorted(evaluations, key=lambda e: (e.unit.name == seed.UNIT["name"], e.year, -e.pk))
    return ranked[-1] if ranked else None


@login_required
@require_safe
def scheme_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """How a unit would score under a scheme: the score sheet of an evaluation the user may see (default: the seed
    unit's latest), from the measures the app knows. Missing inputs are listed, never scored as 0; nothing is
    stored."""
    _require_manager(request)
    scheme = get_object_or_404(ScoringScheme, pk=pk)
    spec = scheme_spec(scheme)
    evaluations = list(evaluations_visible_to(request.user).order_by("unit__name", "-year"))
    evaluation = _preview_evaluation(evaluations, request.GET.get("evaluation"))
    if request.GET.get("evaluation") and evaluation is None:
        # An evaluation outside the user's reach does not exist for them.
        raise Http404("No such evaluation")
    problems = spec.validate()
    sheet = None
    if evaluation is not None and not problems:
        sheet = score_evaluation(spec, scoring_inputs(evaluation))
    return render(
        request,
        "schemes/preview.html",
        {
            "scheme": scheme,
            "spec": spec,
            "evaluations": evaluations,
            "evaluation": evaluation,
            "sheet": sheet,
            "problems": problems,
        },
    )
