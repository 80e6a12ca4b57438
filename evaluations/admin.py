from django.contrib import admin
from django.core.exceptions import PermissionDenied

from .models import (
    Duty,
    Evaluation,
    Membership,
    Office,
    Publication,
    SectionRevision,
    StaffingLine,
    StatusChange,
    Submission,
    Unit,
)
from .services import EVALUATION_LOCKED, count_up_sections


class LockedWhenSubmittedMixin:
    """Admin editing obeys the workflow: once submitted, an evaluation and everything in it is read-only here too.

    The permission checks hide the buttons; the save and delete hooks are the guard that holds even when a form was
    opened before the evaluation was submitted, or when rows are deleted in bulk from a list."""

    # The editor sections whose revision an admin change counts up, so that an editor page opened before the change
    # refuses to save over it.
    editor_sections: tuple[str, ...] = ()

    def _evaluation_of(self, obj):
        if obj is None:
            return None
        return obj if isinstance(obj, Evaluation) else obj.evaluation

    def _lock_editable(self, evaluation_id: int) -> Evaluation:
        evaluation = Evaluation.objects.select_for_update().get(pk=evaluation_id)
        if not evaluation.is_editable:
            raise PermissionDenied(EVALUATION_LOCKED)
        return evaluation

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "evaluation":
            # Rows can only be added to evaluations that may still change.
            kwargs["queryset"] = Evaluation.objects.filter(
                status__in=[Evaluation.Status.DRAFT, Evaluation.Status.RETURNED]
            ).select_related("unit")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        evaluation_id = obj.pk if isinstance(obj, Evaluation) else obj.evaluation_id
        evaluation = self._lock_editable(evaluation_id) if evaluation_id else None
        super().save_model(request, obj, form, change)
        if evaluation is not None:
            count_up_sections(evaluation, self.editor_sections, request.user)

    def delete_model(self, request, obj):
        evaluation = self._lock_editable(obj.pk if isinstance(obj, Evaluation) else obj.evaluation_id)
        super().delete_model(request, obj)
        if not isinstance(obj, Evaluation):
            count_up_sections(evaluation, self.editor_sections, request.user)

    def delete_queryset(self, request, queryset):
        field = "pk" if queryset.model is Evaluation else "evaluation_id"
        evaluation_ids = set(queryset.values_list(field, flat=True))
        locked = Evaluation.objects.select_for_update().filter(pk__in=evaluation_ids)
        if any(not evaluation.is_editable for evaluation in locked):
            raise PermissionDenied(EVALUATION_LOCKED)
        super().delete_queryset(request, queryset)
        if queryset.model is not Evaluation:
            for evaluation in locked:
                count_up_sections(evaluation, self.editor_sections, request.user)

    def has_change_permission(self, request, obj=None):
        evaluation = self._evaluation_of(obj)
        if evaluation is not None and not evaluation.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        evaluation = self._evaluation_of(obj)
        if evaluation is not None and not evaluation.is_editable:
            return False
        return super().has_delete_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        # Inline add permission is asked with the parent evaluation as obj.
        evaluation = self._evaluation_of(obj) if obj is not None else None
        if evaluation is not None and not evaluation.is_editable:
            return False
        if isinstance(self, admin.options.InlineModelAdmin):
            return super().has_add_permission(request, obj)
        return super().has_add_permission(request)


class EvaluationInline(LockedWhenSubmittedMixin, admin.TabularInline):
    extra = 0
    # Foreign keys whose choices must come from the evaluation being edited: field name → model.
    evaluation_scoped: dict = {}

    def _evaluation_of(self, obj):
        # Inlines are asked about the parent evaluation, not their own rows.
        return obj

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        model = self.evaluation_scoped.get(db_field.name)
        if model is not None:
            evaluation_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            kwargs["queryset"] = model.objects.filter(evaluation_id=evaluation_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class DutyInline(EvaluationInline):
    model = Duty
    fields = ["order", "text"]


class OfficeInline(EvaluationInline):
    model = Office
    fields = ["order", "name"]


class StaffingLineInline(EvaluationInline):
    model = StaffingLine
    fields = ["order", "establishment_type", "approved", "actual"]


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    fields = ["at", "actor", "from_status", "to_status", "comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "level", "region", "code"]
    list_filter = ["region", "level"]
    search_fields = ["name", "short_name", "code"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role", "unit"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    list_select_related = ["user", "unit"]
    autocomplete_fields = ["unit"]


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ["evaluation", "from_status", "to_status", "actor", "at"]
    list_filter = ["to_status", "at"]
    search_fields = ["evaluation__unit__name", "comment"]
    list_select_related = ["evaluation__unit", "actor"]

    # History is data: nobody edits or deletes it.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SectionRevision)
class SectionRevisionAdmin(admin.ModelAdmin):
    list_display = ["evaluation", "section", "revision", "saved_by", "saved_at"]
    list_select_related = ["evaluation__unit", "saved_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only by the workflow: listed and readable here, never added, changed or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ["title", "version", "published_at", "published_by", "pdf_sha256", "pdf_size"]
    list_filter = ["year", "published_at"]
    search_fields = ["unit_name", "title", "pdf_sha256"]
    list_select_related = ["published_by"]
    exclude = ["body_html"]


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["evaluation", "number", "submitted_by", "submitted_at"]
    list_select_related = ["evaluation__unit", "submitted_by"]
