from django.contrib import admin

from evaluations.admin import EvaluationInline, LockedWhenSubmittedMixin

from .forms import BudgetExecutionAdminForm
from .models import BasicSpending, BudgetExecution, CommonFigures, FundSource, ProjectItem


@admin.register(BasicSpending)
class BasicSpendingAdmin(LockedWhenSubmittedMixin, admin.ModelAdmin):
    editor_sections = ("basic",)
    list_display = ["evaluation", "category", "amount", "previous_amount"]
    list_filter = ["category", "evaluation__year"]
    search_fields = ["evaluation__unit__name", "change_reason"]
    list_select_related = ["evaluation__unit"]


@admin.register(FundSource)
class FundSourceAdmin(LockedWhenSubmittedMixin, admin.ModelAdmin):
    editor_sections = ("project",)
    list_display = ["name", "evaluation", "order"]
    list_filter = ["evaluation__year"]
    search_fields = ["name", "evaluation__unit__name"]
    list_select_related = ["evaluation__unit"]


@admin.register(ProjectItem)
class ProjectItemAdmin(LockedWhenSubmittedMixin, admin.ModelAdmin):
    editor_sections = ("project",)
    evaluation_scoped = {"source": FundSource}
    list_display = ["name", "source", "amount", "evaluation"]
    list_filter = ["evaluation__year", "source__name"]
    search_fields = ["name", "description", "evaluation__unit__name"]
    list_select_related = ["evaluation__unit", "source"]


@admin.register(BudgetExecution)
class BudgetExecutionAdmin(LockedWhenSubmittedMixin, admin.ModelAdmin):
    editor_sections = ("execution",)
    form = BudgetExecutionAdminForm
    list_display = ["evaluation", "kind", "initial_budget", "full_year_budget", "executed"]
    list_filter = ["kind", "evaluation__year"]
    search_fields = ["evaluation__unit__name"]
    list_select_related = ["evaluation__unit"]


@admin.register(CommonFigures)
class CommonFiguresAdmin(LockedWhenSubmittedMixin, admin.ModelAdmin):
    editor_sections = ("execution",)
    list_display = ["evaluation", "procurement_budget", "procurement_actual", "key_project_spending"]
    list_filter = ["evaluation__year"]
    search_fields = ["evaluation__unit__name"]
    list_select_related = ["evaluation__unit"]


class BasicSpendingInline(EvaluationInline):
    model = BasicSpending
    fields = ["category", "amount", "previous_amount", "change_reason"]
    max_num = len(BasicSpending.Category.choices)


class FundSourceInline(EvaluationInline):
    model = FundSource
    fields = ["order", "name", "description"]


class ProjectItemInline(EvaluationInline):
    model = ProjectItem
    fields = ["source", "order", "name", "description", "amount"]
    evaluation_scoped = {"source": FundSource}


class BudgetExecutionInline(EvaluationInline):
    model = BudgetExecution
    form = BudgetExecutionAdminForm
    fields = [
        "kind",
        "carryover_from_last_year",
        "initial_budget",
        "additions",
        "reductions",
        "full_year_budget",
        "executed",
        "year_end_carryover",
    ]
    # One line per kind: 基本支出 and 项目支出, and the three sources of funds.
    max_num = len(BudgetExecution.Kind.choices)
