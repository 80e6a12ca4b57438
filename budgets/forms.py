"""Editor pages for the budget figures: basic spending, project spending, budget execution.

Amounts are typed in 元 (see :class:`evaluations.forms.AmountField`). Derived figures beside the inputs come from
:mod:`budgets.figures`, the same code as the report, applied to the saved rows or, for the live preview, to the rows
as typed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from evaluations.forms import (
    AmountField,
    RowFormSet,
    RowModelForm,
    SectionPage,
    crispy_helper,
    initial_rows,
    is_kept_as_typed,
    row_formset,
)
from evaluations.money import format_wan

from . import figures
from .models import BasicSpending, BudgetExecution, FundSource, ProjectItem

DECLARED_TOTAL_MISMATCH = _(
    "填写的%(what)s合计 %(declared)s 元（%(declared_wan)s 万元）与各项之和 %(computed)s 元（%(computed_wan)s 万元）"
    "不一致，相差 %(difference)s 元。请核对各项金额或合计数。"
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


def _valid_or_initial(form: forms.Form, name: str) -> Any:
    """For the live preview: what was typed if it is valid, otherwise what is saved."""
    if form.is_bound and form.is_valid():
        return form.cleaned_data.get(name)
    return form.initial.get(name)


# ---------------------------------------------------------------------------
# （一）基本支出
# ---------------------------------------------------------------------------


class BasicLineForm(forms.Form):
    amount = AmountField(label=_("本年决算数（元）"))
    previous_amount = AmountField(label=_("上年决算数（元）"))
    change_reason = forms.CharField(
        label=_("增减原因"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = crispy_helper()


class DeclaredTotalForm(forms.Form):
    declared_total = AmountField(
        label=_("核对：决算表中的合计数（元，可不填）"),
        required=False,
        help_text=_("不保存，只用于核对：填写后，与各项之和不一致时不予保存并给出两个数。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = crispy_helper()


class BasicSpendingPage(SectionPage):
    section = "basic"
    title = _("基本支出")
    template = "editor/basic.html"

    def build(self) -> None:
        rows = {row.category: row for row in self.evaluation.basic_spending.all()}
        self.labels = dict(BasicSpending.Category.choices)
        self.form_titles = {key: str(label) for key, label in self.labels.items()}
        for category in BasicSpending.Category.values:
            row = rows.get(category)
            initial = (
                {name: getattr(row, name) for name in ("amount", "previous_amount", "change_reason")} if row else {}
            )
            self.forms[category] = BasicLineForm(self.data, initial=initial, prefix=f"basic-{category}")
        self.forms["check"] = DeclaredTotalForm(self.data, prefix="check")

    def line_forms(self) -> list[tuple[str, BasicLineForm]]:
        return [(self.labels[c], self.forms[c]) for c in BasicSpending.Category.values]

    def clean(self) -> None:
        declared = self.forms["check"].cleaned_data.get("declared_total")
        if declared is None:
            return
        computed = sum((self.forms[c].cleaned_data["amount"] for c in BasicSpending.Category.values), Decimal(0))
        if declared != computed:
            error = declared_total_error(str(_("基本支出")), declared, computed)
            self.forms["check"].add_error("declared_total", error)

    def save(self, *, actor: Any) -> None:
        from .services import save_basic_spending

        save_basic_spending(
            evaluation=self.evaluation,
            actor=actor,
            revision=self.revision,
            lines={c: dict(self.forms[c].cleaned_data) for c in BasicSpending.Category.values},
        )

    def figures(self) -> figures.BasicSpendingFigures:
        rows = [
            BasicSpending(
                category=c,
                amount=_valid_or_initial(self.forms[c], "amount") or Decimal(0),
                previous_amount=_valid_or_initial(self.forms[c], "previous_amount") or Decimal(0),
                change_reason=_valid_or_initial(self.forms[c], "change_reason") or "",
            )
            for c in BasicSpending.Category.values
        ]
        return figures.basic_spending_figures(rows)


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


class ItemRowForm(RowModelForm):
    source_id = forms.TypedChoiceField(label=_("资金来源"), coerce=int)
    amount = AmountField(label=_("决算数（元）"))

    class Meta:
        model = ProjectItem
        fields = ["source_id", "name", "description", "amount"]

    def __init__(self, *args: Any, source_choices: list[tuple[Any, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Choices are fetched once for the whole page, not once per row.
        self.fields["source_id"].choices = [("", "——"), *source_choices]


SourceRowFormSet = row_formset(SourceRowForm, SourceFormSet)
ItemRowFormSet = row_formset(ItemRowForm)

SOURCE_STILL_USED = _("资金来源“%(name)s”下还有项目，不能删除：请先删除这些项目或改选其他资金来源。")


class ProjectSpendingPage(SectionPage):
    section = "project"
    title = _("项目支出")
    template = "editor/project.html"

    def build(self) -> None:
        self.sources = list(self.evaluation.fund_sources.all())
        self.items = list(self.evaluation.project_items.all())
        items = self.items
        self.forms = {
            "sources": SourceRowFormSet(
                self.data, prefix="sources", initial=initial_rows(self.sources, ["id", "name", "description"])
            ),
            "items": ItemRowFormSet(
                self.data,
                prefix="items",
                initial=initial_rows(items, ["id", "source_id", "name", "description", "amount"]),
                form_kwargs={"source_choices": [(source.pk, source.name) for source in self.sources]},
            ),
            "check": DeclaredTotalForm(self.data, prefix="check"),
        }

    def clean(self) -> None:
        kept_sources = {row["id"] for row in self.forms["sources"].rows() if row["id"] is not None}
        names = {source.pk: source.name for source in self.sources}
        for row_form in self.forms["items"].kept_forms():
            source_id = row_form.cleaned_data["source_id"]
            if source_id not in kept_sources:
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
            sources=self.forms["sources"].rows(),
            items=self.forms["items"].rows(),
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
                and form.cleaned_data.get("source_id")
            ]
        else:
            items = self.items
        return figures.project_spending_figures(self.sources, items)


# ---------------------------------------------------------------------------
# Budget execution (the funds block of the 自评表)
# ---------------------------------------------------------------------------


class ExecutionLineForm(forms.Form):
    initial_budget = AmountField(label=_("年初预算数（元）"), required=False)
    full_year_budget = AmountField(label=_("全年预算数（元）"), required=False)
    executed = AmountField(label=_("全年执行数（元）"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = crispy_helper()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("executed") is not None and not cleaned.get("full_year_budget"):
            self.add_error("full_year_budget", _("填写了全年执行数，也请填写全年预算数，才能计算执行率。"))
        return cleaned


class ExecutionPage(SectionPage):
    section = "execution"
    title = _("预算执行")
    template = "editor/execution.html"

    def build(self) -> None:
        rows = {row.kind: row for row in self.evaluation.budget_execution.all()}
        self.labels = dict(BudgetExecution.Kind.choices)
        self.form_titles = {key: str(label) for key, label in self.labels.items()}
        for kind in BudgetExecution.Kind.values:
            row = rows.get(kind)
            initial = (
                {name: getattr(row, name) for name in ("initial_budget", "full_year_budget", "executed")} if row else {}
            )
            self.forms[kind] = ExecutionLineForm(self.data, initial=initial, prefix=f"execution-{kind}")

    def line_forms(self) -> list[tuple[str, ExecutionLineForm]]:
        return [(self.labels[k], self.forms[k]) for k in BudgetExecution.Kind.values]

    def save(self, *, actor: Any) -> None:
        from .services import save_execution

        save_execution(
            evaluation=self.evaluation,
            actor=actor,
            revision=self.revision,
            lines={k: dict(self.forms[k].cleaned_data) for k in BudgetExecution.Kind.values},
        )

    def figures(self) -> figures.ExecutionFigures:
        rows = [
            BudgetExecution(
                kind=k,
                initial_budget=_valid_or_initial(self.forms[k], "initial_budget"),
                full_year_budget=_valid_or_initial(self.forms[k], "full_year_budget"),
                executed=_valid_or_initial(self.forms[k], "executed"),
            )
            for k in BudgetExecution.Kind.values
        ]
        return figures.execution_figures(rows)
