"""The evaluation's admin page: everything in an evaluation, from every app, as inline lists on one page."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from achievements.admin import IndicatorInline, ThemeInline
from budgets.admin import BasicSpendingInline, BudgetExecutionInline, FundSourceInline, ProjectItemInline
from evaluations.admin import (
    DutyInline,
    LockedWhenSubmittedMixin,
    OfficeInline,
    StaffingLineInline,
    StatusChangeInline,
)
from evaluations.models import Evaluation, Section


@admin.register(Evaluation)
class EvaluationAdmin(LockedWhenSubmittedMixin, admin.ModelAdmin):
    # The change page edits everything in the evaluation through its inlines.
    editor_sections = tuple(Section.values)
    list_display = ["unit", "year", "status", "signature_date", "updated_at"]
    list_filter = ["status", "year", "unit__region"]
    search_fields = ["unit__name", "unit__short_name"]
    list_select_related = ["unit"]
    # The status changes only through the workflow services, never by editing the field.
    readonly_fields = ["status", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["unit", "year", "status", "signature_date"]}),
        (
            _("单位概况"),
            {
                "fields": [
                    "mandate",
                    "staff_transferred_in",
                    "staff_transferred_out",
                    "staff_retired",
                    "retirees_deceased",
                ]
            },
        ),
        (
            _("报告正文"),
            {
                "fields": [
                    "overall_goal",
                    "overall_goal_result",
                    "problems",
                    "measures",
                    "results_use",
                    "no_spending_note",
                ]
            },
        ),
        (_("记录"), {"fields": ["created_at", "updated_at"]}),
    ]
    inlines = [
        DutyInline,
        OfficeInline,
        StaffingLineInline,
        BasicSpendingInline,
        FundSourceInline,
        ProjectItemInline,
        BudgetExecutionInline,
        ThemeInline,
        IndicatorInline,
        StatusChangeInline,
    ]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            # Moving an evaluation to another unit or year would corrupt its history.
            return [*self.readonly_fields, "unit", "year"]
        return self.readonly_fields

    def save_related(self, request, form, formsets, change):
        # The inlines write the evaluation's rows: through the same gate as the evaluation's own fields.
        with self._changing(request, [form.instance.pk]):
            super().save_related(request, form, formsets, change)
