"""The evaluation's admin page: everything in an evaluation, from every app, as inline lists on one page."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from achievements.admin import IndicatorInline, ThemeInline
from budgets.admin import BasicSpendingInline, BudgetExecutionInline, FundSourceInline, ProjectItemInline
from evaluations.admin import (
    DutyInline,
    EvaluationInline,
    LockedWhenSubmittedMixin,
    OfficeInline,
    StaffingLineInline,
    StatusChangeInline,
)
from evaluations.leaf_assessments import LeafJudgement, judgement_error
from evaluations.models import Evaluation, LeafAssessment, Section
from evaluations.scoring_schemes import scheme_for

from .models import PublicationCheck, PublishJob


class LeafAssessmentAdminForm(forms.ModelForm):
    """The unit's judgement of a scheme leaf, checked by the rule the editor and the service apply
    (:func:`evaluations.leaf_assessments.judgement_error`) against the evaluation's scheme."""

    class Meta:
        model = LeafAssessment
        fields = ["key", "not_applicable", "tier", "score", "reason"]

    def clean(self):
        cleaned = super().clean()
        if self.errors or self.instance.evaluation_id is None:
            return cleaned
        evaluation = Evaluation.objects.select_related("unit").get(pk=self.instance.evaluation_id)
        judgement = LeafJudgement(
            key=cleaned.get("key") or "",
            not_applicable=bool(cleaned.get("not_applicable")),
            tier=cleaned.get("tier") or "",
            score=cleaned.get("score"),
            reason=cleaned.get("reason") or "",
        )
        found = judgement_error(scheme_for(evaluation), judgement)
        if found is not None:
            field, error = found
            self.add_error(field, error)
        return cleaned


class LeafAssessmentInline(EvaluationInline):
    # Locked with the evaluation like every inline; a row changed here counts up the 自评评分 page's revision.
    model = LeafAssessment
    form = LeafAssessmentAdminForm
    fields = ["key", "not_applicable", "tier", "score", "reason"]


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
        LeafAssessmentInline,
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


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the workflow and the nightly check only: administrators read them, nobody edits them here."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PublishJob)
class PublishJobAdmin(_ReadOnlyAdmin):
    list_display = ["evaluation", "state", "requested_by", "attempts", "created_at", "finished_at"]
    list_filter = ["state"]
    list_select_related = ["evaluation__unit", "requested_by"]


@admin.register(PublicationCheck)
class PublicationCheckAdmin(_ReadOnlyAdmin):
    list_display = ["publication", "ok", "checked_at", "detail"]
    list_filter = ["ok"]
    list_select_related = ["publication"]
