"""Editor pages for the budget figures: the spending overview with the other budgets, basic spending, project
spending, budget execution.

Each page has a unit choice, 元 or 万元 (:class:`evaluations.forms.AmountUnitForm`): its amounts are typed and shown
in that unit and stored in exact 元. Every figure is optional: blank is unknown, 0 is zero. Derived figures beside the
inputs come from :mod:`budgets.figures`, the same code as the report, applied to the saved rows or, for the live
preview, to the rows as typed; where a total is given with its parts and they disagree, the page shows both.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cached_property
from typing import Any

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from evaluations.forms import (
    AmountField,
    AmountsInUnit,
    QuantityField,
    RowFormSet,
    RowModelForm,
    SectionPage,
    crispy_helper,
    initial_rows,
    is_kept_as_typed,
    keyed_rows,
    new_row_choices,
    row_formset,
    row_reference,
)
from evaluations.measures import Measure, staff_control_rate
from evaluations.models import AmountUnit
from evaluations.money import format_wan

from . import checks, figures
from .models import (
    BasicSpending,
    BudgetExecution,
    CommonFigures,
    FundSource,
    FundTypeSpending,
    ProjectItem,
    SpendingSummary,
)
from .rules import common_figures_errors, fund_type_errors, source_line_errors
from .services import COMMON_FIELDS, EXECUTION_FIELDS, execution_reason_message

DECLARED_TOTAL_MISMATCH = _(
    "填写的%(what)s合计 %(declared)s 元（%(declared_wan)s 万元）与各项之和 %(computed)s 元（%(computed_wan)s 万元）"
    "不一致，相差 %(difference)s 元。请核对各项金额或合计数。"
)
DECLARED_TOTAL_WITHOUT_PARTS = _("人员经费和日常公用经费的本年决算数都填写后，才能与合计数核对。")
# A stored total that disagrees with its parts is saved (the parts may be on another page, still being entered) but
# shown with both figures wherever either is edited; submission refuses it.
PARTS_DISAGREE = _(
    "%(what)s %(stated)s 元（%(stated_wan)s 万元）与%(parts)s %(computed)s 元（%(computed_wan)s 万元）不一致，"
    "相差 %(difference)s 元。提交审核前请核对一致。"
)


def declared_total_error(what: str, declared: Decimal, computed: Decimal) -> ValidationError:
    return ValidationError(
        DECLARED_TOTAL_MISMATCH,
        code="total_mismatch",
        params={
            "what": what,
            "declared": f"{declared:.2f}",
            "declared_wan": format_wan(declared),
            "computed": f"{computed:.2f}",
            "computed_wan": format_wan(computed),
            "difference": f"{declared - computed:.2f}",
        },
    )


def parts_warning(what: str, parts: str, mismatch: figures.Mismatch | None) -> str | None:
    """The warning beside a stated total whose parts disagree with it, naming both figures; None when they agree."""
    if mismatch is None:
        return None
    return PARTS_DISAGREE % {
        "what": what,
        "parts": parts,
        "stated": f"{mismatch.given:.2f}",
        "stated_wan": format_wan(mismatch.given),
        "computed": f"{mismatch.parts_total:.2f}",
        "computed_wan": format_wan(mismatch.parts_total),
        "difference": f"{mismatch.difference:.2f}",
    }


def _valid_or_initial(form: forms.Form, name: str) -> Any:
    """For the figures: on a page as typed, the field as typed where it is valid and nothing where it is not (the
    panel names what it left out: SectionPage.figures_left_out); on a page as saved, what is saved. Field by field:
    one mistyped amount does not put the saved values back in place of the form's other, valid fields."""
    if form.is_bound:
        form.is_valid()
        return form.cleaned_data.get(name)
    return form.initial.get(name)


def _summary_of(evaluation: Any) -> SpendingSummary | None:
    """The evaluation's stated totals, if any were ever saved. One query."""
    return SpendingSummary.objects.filter(evaluation=evaluation).first()


class DeclaredTotalForm(AmountsInUnit, forms.Form):
    declared_total = AmountField(
        label=_("核对：决算表中的合计数"),
        required=False,
        help_text=_("可不填。不保存，只用于核对：填写后，与各项之和不一致时不予保存并给出两个数。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = crispy_helper()


# ---------------------------------------------------------------------------
# 支出总体情况 and the other budget types
# ---------------------------------------------------------------------------

SUMMARY_FIELDS = ["total_budget", "total_spending", "basic_total", "project_total"]


class SummaryForm(AmountsInUnit, forms.Form):
    total_budget = AmountField(label=_("预算安排"), required=False, help_text=_("本年预算安排的支出总额。"))
    total_spending = AmountField(
        label=_("实际支出合计"), required=False, help_text=_("本年实际支出总额（基本支出与项目支出之和）。")
    )
    basic_total = AmountField(
        label=_("基本支出合计"),
        required=False,
        help_text=_("人员经费和日常公用经费可在“基本支出”页分别填写，也可只填这里的合计。"),
    )
    project_total = AmountField(
        label=_("项目支出合计"),
        required=False,
        help_text=_("资金来源和项目可在“项目支出”页填写，也可只填这里的合计。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = crispy_helper()


# The three answers to "did the unit spend from this budget?", as has_spending stores them.
HAS_SPENDING_CHOICES = [("", _("未填写")), ("no", _("本单位无此项支出")), ("yes", _("有支出"))]
_HAS_SPENDING = {"no": False, "yes": True}
_HAS_SPENDING_KEY = {None: "", False: "no", True: "yes"}

FUND_TYPE_FIELDS = ["has_spending", "amount", "narrative"]


class FundTypeForm(AmountsInUnit, forms.Form):
    """Spending from one of the other budgets: unknown until the unit answers; "none" prints the outline's
    “本单位无此项支出”; with spending, an amount (optional) and the unit's own narrative."""

    has_spending = forms.TypedChoiceField(
        label=_("本年是否有此项支出"),
        choices=HAS_SPENDING_CHOICES,
        coerce=_HAS_SPENDING.get,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    amount = AmountField(label=_("支出金额"), required=False)
    narrative = forms.CharField(
        label=_("支出情况说明"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = crispy_helper()
        self.helper.layout = Layout(
            InlineRadios("has_spending"),
            Row(Column("amount", css_class="col-md-5"), Column("narrative", css_class="col-md-7")),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        answer, amount, narrative = (cleaned.get(name) for name in FUND_TYPE_FIELDS)
        if "has_spending" not in cleaned:
            return cleaned
        for name, message in fund_type_errors(answer, amount, narrative).items():
            self.add_error(name, message)
        return cleaned


class TotalsPage(SectionPage):
    section = "totals"
    title = _("支出总体情况和其他预算")
    template = "editor/totals.html"
    has_amounts = True
    figure_forms = ("summary",)

    def build(self) -> None:
        evaluation = self.evaluation
        self.summary = _summary_of(evaluation)
        rows = {row.fund_type: row for row in evaluation.fund_type_spending.order_by()}
        initial = {name: getattr(self.summary, name) for name in SUMMARY_FIELDS} if self.summary else {}
        self.forms["summary"] = SummaryForm(self.data, initial=initial, prefix="summary", amount_unit=self.amount_unit)
        self.labels = dict(FundTypeSpending.FundType.choices)
        for fund_type in FundTypeSpending.FundType.values:
            row = rows.get(fund_type)
            initial = (
                {"has_spending": _HAS_SPENDING_KEY[row.has_spending], "amount": row.amount, "narrative": row.narrative}
                if row
                else {}
            )
            self.forms[fund_type] = FundTypeForm(
                self.data, initial=initial, prefix=f"fund-{fund_type}", amount_unit=self.amount_unit
            )
        self.form_titles = {key: str(label) for key, label in self.labels.items()}

    # The parts entered on the basic and project pages, to show a stated total that disagrees with them. Read only
    # when the page is shown: a successful save does not need them.
    @cached_property
    def basic(self) -> figures.BasicSpendingFigures:
        return figures.basic_spending_figures(self.evaluation.basic_spending.order_by())

    @cached_property
    def project(self) -> figures.ProjectSpendingFigures:
        return figures.project_spending_figures(
            self.evaluation.fund_sources.order_by(), self.evaluation.project_items.order_by()
        )

    def fund_type_forms(self) -> list[tuple[str, FundTypeForm]]:
        return [(self.labels[t], self.forms[t]) for t in FundTypeSpending.FundType.values]

    def _summary_as_typed(self) -> SpendingSummary:
        form = self.forms["summary"]
        return SpendingSummary(**{name: _valid_or_initial(form, name) for name in SUMMARY_FIELDS})

    def totals(self) -> figures.SpendingTotals:
        """The totals as typed (valid fields) or saved, completed from the parts where a total is not stated."""
        return figures.spending_totals(self._summary_as_typed(), self.basic, self.project)

    def warnings(self) -> dict[str, str | None]:
        """Beside each stated total whose parts disagree with it: both figures (None where they agree)."""
        summary = self._summary_as_typed()
        # 实际支出合计 against basic plus project spending, each as stated or from its parts.
        parts = figures.spending_totals(
            SpendingSummary(basic_total=summary.basic_total, project_total=summary.project_total),
            self.basic,
            self.project,
        )
        found = {
            "total_spending": parts_warning(
                str(_("实际支出合计")),
                str(_("基本支出与项目支出之和")),
                figures.total_mismatch("实际支出合计", summary.total_spending, parts.total),
            ),
            "basic_total": parts_warning(
                str(_("基本支出合计")),
                str(_("“基本支出”页人员经费与日常公用经费之和")),
                figures.total_mismatch("基本支出合计", summary.basic_total, self.basic.split_total),
            ),
            "project_total": parts_warning(
                str(_("项目支出合计")),
                str(_("“项目支出”页各项目决算数之和")),
                figures.total_mismatch("项目支出合计", summary.project_total, self.project.items_total),
            ),
        }
        return found

    def summary_fields(self) -> list[tuple[forms.BoundField, str | None]]:
        form, warnings = self.forms["summary"], self.warnings()
        return [(form[name], warnings.get(name)) for name in SUMMARY_FIELDS]

    def figures(self) -> figures.SpendingTotals:
        return self.totals()

    def save(self, *, actor: Any) -> None:
        from .services import save_totals

        save_totals(
            evaluation=self.evaluation,
            actor=actor,
            revision=self.revision,
            summary={name: self.forms["summary"].cleaned_data[name] for name in SUMMARY_FIELDS},
            fund_types={
                t: {name: self.forms[t].cleaned_data[name] for name in FUND_TYPE_FIELDS}
                for t in FundTypeSpending.FundType.values
            },
            amount_unit=self.chosen_unit,
        )


# ---------------------------------------------------------------------------
# （一）基本支出
# ---------------------------------------------------------------------------


class BasicLineForm(AmountsInUnit, forms.Form):
    amount = AmountField(label=_("本年决算数"), required=False)
    previous_amount = AmountField(label=_("上年决算数"), required=False)
    change_reason = forms.CharField(
        label=_("增减原因"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = crispy_helper()


class BasicSpendingPage(SectionPage):
    section = "basic"
    title = _("基本支出")
    template = "editor/basic.html"
    has_amounts = True
    figure_forms = tuple(BasicSpending.Category.values)

    def build(self) -> None:
        rows = {row.category: row for row in self.evaluation.basic_spending.all()}
        self.labels = dict(BasicSpending.Category.choices)
        self.form_titles = {key: str(label) for key, label in self.labels.items()}
        for category in BasicSpending.Category.values:
            row = rows.get(category)
            initial = (
                {name: getattr(row, name) for name in ("amount", "previous_amount", "change_reason")} if row else {}
            )
            self.forms[category] = BasicLineForm(
                self.data, initial=initial, prefix=f"basic-{category}", amount_unit=self.amount_unit
            )
        self.forms["check"] = DeclaredTotalForm(self.data, prefix="check", amount_unit=self.amount_unit)

    def line_forms(self) -> list[tuple[str, BasicLineForm]]:
        return [(self.labels[c], self.forms[c]) for c in BasicSpending.Category.values]

    def clean(self) -> None:
        declared = self.forms["check"].cleaned_data.get("declared_total")
        if declared is None:
            return
        computed = figures.known_sum(self.forms[c].cleaned_data["amount"] for c in BasicSpending.Category.values)
        if computed is None:
            self.forms["check"].add_error("declared_total", DECLARED_TOTAL_WITHOUT_PARTS)
        elif declared != computed:
            error = declared_total_error(str(_("基本支出")), declared, computed)
            self.forms["check"].add_error("declared_total", error)

    def save(self, *, actor: Any) -> None:
        from .services import save_basic_spending

        save_basic_spending(
            evaluation=self.evaluation,
            actor=actor,
            revision=self.revision,
            lines={c: dict(self.forms[c].cleaned_data) for c in BasicSpending.Category.values},
            amount_unit=self.chosen_unit,
        )

    def figures(self) -> figures.BasicSpendingFigures:
        rows = [
            BasicSpending(
                category=c,
                amount=_valid_or_initial(self.forms[c], "amount"),
                previous_amount=_valid_or_initial(self.forms[c], "previous_amount"),
                change_reason=_valid_or_initial(self.forms[c], "change_reason") or "",
            )
            for c in BasicSpending.Category.values
        ]
        return figures.basic_spending_figures(rows)

    @cached_property
    def summary(self) -> SpendingSummary | None:
        # Read only when the page is shown: a successful save does not need it.
        return _summary_of(self.evaluation)

    @property
    def stated_total(self) -> Decimal | None:
        """基本支出合计 as stated on the overview page, if it was."""
        return self.summary.basic_total if self.summary else None

    def warning(self) -> str | None:
        return parts_warning(
            str(_("“支出总体情况”页填写的基本支出合计")),
            str(_("人员经费与日常公用经费之和")),
            figures.total_mismatch("基本支出合计", self.stated_total, self.figures().split_total),
        )


# ---------------------------------------------------------------------------
# （二）项目支出
# ---------------------------------------------------------------------------


class SourceRowForm(RowModelForm):
    class Meta:
        model = FundSource
        fields = ["name", "description"]


class SourceFormSet(RowFormSet):
    unique_field = "name"
    unique_message = _("资金来源“%(value)s”重复了。")


NO_SOURCE = _("（不指定来源）")


class ItemRowForm(AmountsInUnit, RowModelForm):
    # The source is optional: many reports list items, or only a total, without saying where the money came from.
    # A saved source's id, or the key of a source typed as new on the same page ("new:2"): both saved together.
    source_id = forms.TypedChoiceField(
        label=_("资金来源"),
        coerce=row_reference,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("所选的资金来源已不在本页（可能已删除或清空了名称），请重新选择。")},
    )
    amount = AmountField(label=_("决算数"))

    class Meta:
        model = ProjectItem
        fields = ["source_id", "name", "description", "amount"]

    def __init__(self, *args: Any, source_choices: list[tuple[Any, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Choices are fetched once for the whole page, not once per row.
        self.fields["source_id"].choices = [("", NO_SOURCE), *source_choices]


SourceRowFormSet = row_formset(SourceRowForm, SourceFormSet)
ItemRowFormSet = row_formset(ItemRowForm)

SOURCE_STILL_USED = _("资金来源“%(name)s”下还有项目，不能删除：请先删除这些项目或改选其他资金来源。")


class ProjectSpendingPage(SectionPage):
    section = "project"
    title = _("项目支出")
    template = "editor/project.html"
    has_amounts = True
    figure_forms = ("items",)
    figure_lists = {"items": _("项目")}

    def build(self) -> None:
        self.sources = list(self.evaluation.fund_sources.all())
        self.items = list(self.evaluation.project_items.all())
        items = self.items
        self.sources_formset = SourceRowFormSet(
            self.data, prefix="sources", initial=initial_rows(self.sources, ["id", "name", "description"])
        )
        self.forms = {
            "sources": self.sources_formset,
            "items": ItemRowFormSet(
                self.data,
                prefix="items",
                initial=initial_rows(items, ["id", "source_id", "name", "description", "amount"]),
                form_kwargs={
                    "source_choices": [
                        *((source.pk, source.name) for source in self.sources),
                        *new_row_choices(self.sources_formset, "name"),
                    ],
                    "amount_unit": self.amount_unit,
                },
            ),
            "check": DeclaredTotalForm(self.data, prefix="check", amount_unit=self.amount_unit),
        }

    def clean(self) -> None:
        kept_sources = {row["id"] for row in self.forms["sources"].rows() if row["id"] is not None}
        names = {source.pk: source.name for source in self.sources}
        for row_form in self.forms["items"].kept_forms():
            source_id = row_form.cleaned_data["source_id"]
            # A new source is in the choices only while it is kept (typed, not deleted).
            if isinstance(source_id, int) and source_id not in kept_sources:
                row_form.add_error("source_id", ValidationError(SOURCE_STILL_USED, params={"name": names[source_id]}))
        declared = self.forms["check"].cleaned_data.get("declared_total")
        if declared is not None:
            computed = sum((row["amount"] for row in self.forms["items"].rows()), Decimal(0))
            if declared != computed:
                self.forms["check"].add_error(
                    "declared_total", declared_total_error(str(_("项目支出")), declared, computed)
                )

    def save(self, *, actor: Any) -> None:
        from .services import save_project_spending

        save_project_spending(
            evaluation=self.evaluation,
            actor=actor,
            revision=self.revision,
            sources=keyed_rows(self.forms["sources"]),
            items=self.forms["items"].rows(),
            amount_unit=self.chosen_unit,
        )

    def figures(self) -> figures.ProjectSpendingFigures:
        """Grouped by the saved sources; in the live preview, items as typed (rows with an error are left out)."""
        items_formset = self.forms["items"]
        if items_formset.is_bound:
            items = [
                ProjectItem(
                    source_id=form.cleaned_data["source_id"],
                    order=n,
                    name=form.cleaned_data.get("name", ""),
                    amount=form.cleaned_data["amount"],
                )
                for n, form in enumerate(items_formset.forms, start=1)
                if form.is_valid()
                and is_kept_as_typed(items_formset, form)
                and form.cleaned_data.get("amount") is not None
            ]
        else:
            items = self.items
        # Sources typed as new on the page group their items too, after the saved ones (keyed as the items' selects
        # name them; not saved).
        typed = [
            FundSource(pk=key, name=name, order=len(self.sources) + n)
            for n, (key, name) in enumerate(new_row_choices(self.sources_formset, "name"), start=1)
        ]
        return figures.project_spending_figures([*self.sources, *typed], items)

    @cached_property
    def summary(self) -> SpendingSummary | None:
        # Read only when the page is shown: a successful save does not need it.
        return _summary_of(self.evaluation)

    @property
    def stated_total(self) -> Decimal | None:
        """项目支出合计 as stated on the overview page, if it was."""
        return self.summary.project_total if self.summary else None

    def warning(self) -> str | None:
        return parts_warning(
            str(_("“支出总体情况”页填写的项目支出合计")),
            str(_("各项目决算数之和")),
            figures.total_mismatch("项目支出合计", self.stated_total, self.figures().items_total),
        )


# ---------------------------------------------------------------------------
# Budget execution (the funds block of the 自评表)
# ---------------------------------------------------------------------------


class ExecutionLineForm(AmountsInUnit, forms.Form):
    carryover_from_last_year = AmountField(label=_("上年结转"), required=False)
    initial_budget = AmountField(label=_("年初预算数"), required=False)
    additions = AmountField(label=_("本年追加"), required=False)
    reductions = AmountField(label=_("本年调减"), required=False)
    full_year_budget = AmountField(label=_("全年预算数"), required=False)
    executed = AmountField(label=_("全年执行数"), required=False)
    year_end_carryover = AmountField(label=_("年末结转结余"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = crispy_helper()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("executed") is not None and not cleaned.get("full_year_budget"):
            self.add_error("full_year_budget", _("填写了全年执行数，也请填写全年预算数，才能计算执行率。"))
        return cleaned


class ExecutionSourceForm(ExecutionLineForm):
    """A source-of-funds line (财政拨款, 上年结转资金, 其他资金): the national 自评表's three columns only."""

    carryover_from_last_year = None
    additions = None
    reductions = None
    year_end_carryover = None


class BudgetExecutionAdminForm(forms.ModelForm):
    """The admin's funds line: like the service, no adjustment columns on a source-of-funds line."""

    class Meta:
        model = BudgetExecution
        fields = ["evaluation", "kind", *EXECUTION_FIELDS]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name, message in source_line_errors(cleaned.get("kind") or "", cleaned).items():
            self.add_error(name, message)
        return cleaned


# The “三公经费” items and their four columns, as the 决算 table lays them out.
THREE_PUBLIC_ITEMS = [
    ("abroad", _("因公出国（境）费")),
    ("vehicles", _("公务用车购置及运行费")),
    ("reception", _("公务接待费")),
]
THREE_PUBLIC_COLUMNS = [
    ("budget", _("本年预算数")),
    ("actual", _("本年实际支出")),
    ("previous_budget", _("上年预算数")),
    ("previous_actual", _("上年实际支出")),
]


class CommonFiguresForm(AmountsInUnit, forms.Form):
    """The unit-level figures of the common indicators. Every figure is optional: blank is unknown, 0 is zero."""

    procurement_budget = AmountField(label=_("政府采购预算数"), required=False)
    procurement_actual = AmountField(label=_("实际政府采购金额"), required=False)
    public_funds_budget = AmountField(
        label=_("公用经费预算数"),
        required=False,
        help_text=_("实际公用经费取“基本支出”页日常公用经费的本年决算数。"),
    )
    fixed_assets_in_use = AmountField(label=_("在用固定资产"), required=False)
    fixed_assets_total = AmountField(label=_("固定资产总额"), required=False)
    key_project_spending = AmountField(
        label=_("重点项目支出"), required=False, help_text=_("与项目支出合计（“项目支出”页）相比，得重点支出安排率。")
    )
    payment_progress_actual = QuantityField(
        label=_("实际支付进度（%）"), required=False, decimal_places=2, max_value=Decimal("100")
    )
    payment_progress_planned = QuantityField(
        label=_("既定支付进度（%）"), required=False, decimal_places=2, max_value=Decimal("100")
    )
    rules_met = forms.IntegerField(
        label=_("管理制度健全性：符合的项数"),
        required=False,
        min_value=0,
        max_value=3,
        help_text=_(
            "①已制定预算资金管理办法、内部财务管理制度、会计核算制度等；②制度合法、合规、完整；③制度得到有效执行。"
        ),
    )
    violations = forms.IntegerField(
        label=_("资金使用合规性：不符合要求的例数"), required=False, min_value=0, max_value=32767
    )
    execution_reason = forms.CharField(
        label=_("预算执行率低于90%的原因"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("执行率低于90%时须填写。"),
    )

    def __init__(self, *args: Any, amount_unit: str = AmountUnit.YUAN, **kwargs: Any) -> None:
        super().__init__(*args, amount_unit=amount_unit, **kwargs)
        # The twelve “三公经费” amounts, first and in the table's order: declared here rather than one by one above.
        three_public = {
            f"{item}_{column}": AmountField(label=format_lazy("{}{}", item_label, column_label), required=False)
            for item, item_label in THREE_PUBLIC_ITEMS
            for column, column_label in THREE_PUBLIC_COLUMNS
        }
        for field in three_public.values():
            field.set_unit(amount_unit)
        self.fields = {**three_public, **self.fields}
        self.helper = crispy_helper()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name, message in common_figures_errors(cleaned).items():
            self.add_error(name, message)
        return cleaned


COMMON_GROUPS = [
    (_("政府采购"), ["procurement_budget", "procurement_actual"]),
    (_("公用经费"), ["public_funds_budget"]),
    (_("固定资产"), ["fixed_assets_in_use", "fixed_assets_total"]),
    (_("重点项目支出和支付进度"), ["key_project_spending", "payment_progress_actual", "payment_progress_planned"]),
    (_("预算管理"), ["rules_met", "violations"]),
]


class ExecutionPage(SectionPage):
    """预算执行 and the figures of the common indicators (issue 10), with each indicator computed live beside the
    inputs: its formula, its value, or what it still lacks."""

    section = "execution"
    title = _("预算执行")
    template = "editor/execution.html"
    has_amounts = True
    figure_forms = (*BudgetExecution.SOURCES, *BudgetExecution.SPENDING_KINDS, "common")

    def build(self) -> None:
        rows = {row.kind: row for row in self.evaluation.budget_execution.all()}
        # In the page's order: 按资金来源, then 按支出类型.
        self.labels = {k: k.label for k in (*BudgetExecution.SOURCES, *BudgetExecution.SPENDING_KINDS)}
        self.form_titles = {key: str(label) for key, label in self.labels.items()}
        for kind in self.labels:
            form_class = ExecutionSourceForm if kind in BudgetExecution.SOURCES else ExecutionLineForm
            row = rows.get(kind)
            initial = {name: getattr(row, name) for name in form_class.base_fields} if row else {}
            self.forms[kind] = form_class(
                self.data, initial=initial, prefix=f"execution-{kind}", amount_unit=self.amount_unit
            )
        common = CommonFigures.objects.filter(evaluation=self.evaluation).first()
        initial = {name: getattr(common, name) for name in COMMON_FIELDS} if common else {}
        self.forms["common"] = CommonFiguresForm(
            self.data, initial=initial, prefix="common", amount_unit=self.amount_unit
        )
        self.form_titles["common"] = str(_("共性指标数据"))

    def line_forms(self) -> list[tuple[str, ExecutionLineForm]]:
        """按支出类型: 基本支出 and 项目支出."""
        return [(self.labels[k], self.forms[k]) for k in BudgetExecution.SPENDING_KINDS]

    def source_forms(self) -> list[tuple[str, ExecutionSourceForm]]:
        """按资金来源, as the 自评表 prints them: 其中：财政拨款, 上年结转资金, 其他资金."""
        return [
            (_("其中：%(label)s") % {"label": self.labels[k]} if n == 0 else self.labels[k], self.forms[k])
            for n, k in enumerate(BudgetExecution.SOURCES)
        ]

    def three_public_rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        form = self.forms["common"]
        return [
            (label, [form[f"{item}_{column}"] for column, _label in THREE_PUBLIC_COLUMNS])
            for item, label in THREE_PUBLIC_ITEMS
        ]

    def three_public_columns(self) -> list[str]:
        return [str(label) for _column, label in THREE_PUBLIC_COLUMNS]

    def common_groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        form = self.forms["common"]
        return [(str(title), [form[name] for name in names]) for title, names in COMMON_GROUPS]

    def clean(self) -> None:
        common = self.forms["common"]
        message = execution_reason_message(self.figures(), common.cleaned_data.get("execution_reason") or "")
        if message:
            common.add_error("execution_reason", message)

    def save(self, *, actor: Any) -> None:
        from .services import save_execution

        save_execution(
            evaluation=self.evaluation,
            actor=actor,
            revision=self.revision,
            lines={k: dict(self.forms[k].cleaned_data) for k in self.labels},
            common=dict(self.forms["common"].cleaned_data),
            amount_unit=self.chosen_unit,
        )

    def _lines_as_typed(self) -> list[BudgetExecution]:
        return [
            BudgetExecution(kind=k, **{name: _valid_or_initial(self.forms[k], name) for name in self.forms[k].fields})
            for k in self.labels
        ]

    def figures(self) -> figures.ExecutionFigures:
        return figures.execution_figures(self._lines_as_typed())

    def mismatches(self) -> list[str]:
        """The columns whose two breakdowns are complete and disagree, as the submission check words them."""
        return [failure.message for failure in checks.check_execution_sources(self._lines_as_typed())]

    def reason_due(self) -> bool:
        return bool(figures.execution_lines_needing_reason(self.figures()))

    # What the indicators read from other pages: only when the page is shown, not for a successful save.
    @cached_property
    def operating_actual(self) -> Decimal | None:
        """日常公用经费 本年决算数 (“基本支出” page): the actual 公用经费."""
        return (
            BasicSpending.objects.filter(evaluation=self.evaluation, category=BasicSpending.Category.OPERATING)
            .order_by()
            .values_list("amount", flat=True)
            .first()
        )

    @cached_property
    def project_total(self) -> Decimal | None:
        """项目支出合计 as the report states it: the stated total, else the sum of the items."""
        summary = _summary_of(self.evaluation)
        items = figures.project_spending_figures([], self.evaluation.project_items.order_by())
        return figures.project_total(summary.project_total if summary else None, items)

    @cached_property
    def staff_control(self) -> Measure:
        return staff_control_rate(self.evaluation.staffing_lines.order_by(), self.evaluation.staff_on_roll)

    def common(self) -> figures.CommonMeasures:
        """The common indicators from the figures as typed (valid fields) or saved."""
        form = self.forms["common"]
        typed = CommonFigures(**{name: _valid_or_initial(form, name) for name in COMMON_FIELDS})
        return figures.common_indicators(
            typed,
            self._lines_as_typed(),
            operating_actual=self.operating_actual,
            project_total=self.project_total,
            staff_control=self.staff_control,
        )
