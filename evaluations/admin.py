import json
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .forms import AmountField
from .history import Via, recording
from .models import (
    Campaign,
    Duty,
    Evaluation,
    Membership,
    Office,
    OutlineAssignment,
    OutlineNode,
    Publication,
    Reminder,
    ReportOutline,
    SchemeAssignment,
    ScoringScheme,
    SectionRevision,
    StaffingLine,
    StatusChange,
    Submission,
    Unit,
)
from .money import MoneyField
from .outlines import UNKNOWN_REGION, copy_outline
from .scoring_schemes import copy_scheme
from .services import content_change, ensure_editable

OTHER_EVALUATION = _("只能选择同一绩效自评中的行，这一行属于另一份绩效自评。")
EDITABLE_STATES = [Evaluation.Status.DRAFT, Evaluation.Status.RETURNED]


def evaluation_scoped_form(form_class: type[forms.ModelForm], scoped: Iterable[str]) -> type[forms.ModelForm]:
    """``form_class`` with a check that each of the ``scoped`` links (an item's 资金来源, an indicator's 主题) points
    to a row of the same evaluation as the row being saved. The choices are narrowed too (see
    :meth:`LockedWhenSubmittedMixin.formfield_for_foreignkey`), but a posted form is not bound by what was offered,
    and a new row's or a moved row's evaluation is only known once the form is posted."""
    names = tuple(scoped)

    class EvaluationScopedForm(form_class):
        def clean(self):
            cleaned = super().clean()
            chosen = cleaned.get("evaluation") if "evaluation" in self.fields else None
            # An inline form's row already has its evaluation (the parent); a standalone form names it.
            evaluation_id = chosen.pk if chosen is not None else self.instance.evaluation_id
            for name in names:
                related = cleaned.get(name)
                if related is not None and evaluation_id is not None and related.evaluation_id != evaluation_id:
                    self.add_error(name, OTHER_EVALUATION)
            return cleaned

    EvaluationScopedForm.__name__ = form_class.__name__
    return EvaluationScopedForm


class LockedWhenSubmittedMixin:
    """Admin editing obeys the workflow: once submitted, an evaluation and everything in it is read-only here too.

    The permission checks hide the buttons; the save and delete hooks are the guard that holds even when a form was
    opened before the evaluation was submitted, or when rows are deleted in bulk from a list.

    One scoping rule for links between rows of an evaluation, on the standalone pages and the evaluation's inlines
    alike: ``evaluation_scoped`` names the foreign keys whose choices are the rows of the same evaluation."""

    # The editor sections whose revision an admin change counts up, so that an editor page opened before the change
    # refuses to save over it.
    editor_sections: tuple[str, ...] = ()
    # Foreign keys whose choices must come from the row's own evaluation: field name → model.
    evaluation_scoped: dict = {}
    # Amounts typed in the admin are read by parse_amount, like the editor's. (The field's own Decimal form field
    # would add max_digits and decimal_places, which a text input has no use for.)
    formfield_overrides = {MoneyField: {"form_class": AmountField}}

    def _evaluation_of(self, obj):
        if obj is None:
            return None
        return obj if isinstance(obj, Evaluation) else obj.evaluation

    def _scope_evaluation_id(self, request) -> int | None:
        """The evaluation whose rows the scoped links may choose from: the changed row's (None on an add page)."""
        object_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        if object_id is None:
            return None
        return self.model.objects.filter(pk=object_id).values_list("evaluation_id", flat=True).first()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "evaluation":
            # Rows can only be added to evaluations that may still change.
            kwargs["queryset"] = Evaluation.objects.filter(status__in=EDITABLE_STATES).select_related("unit")
        model = self.evaluation_scoped.get(db_field.name)
        if model is not None:
            evaluation_id = self._scope_evaluation_id(request)
            # On an add page the evaluation is chosen in the same form: offer the rows of evaluations that may
            # change, and let the form's check hold the choice to the evaluation chosen.
            if evaluation_id is not None:
                kwargs["queryset"] = model.objects.filter(evaluation_id=evaluation_id)
            elif isinstance(self, admin.options.InlineModelAdmin):
                # An inline on a new evaluation's page: it has no rows to link to yet.
                kwargs["queryset"] = model.objects.none()
            else:
                kwargs["queryset"] = model.objects.filter(evaluation__status__in=EDITABLE_STATES)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        if self.evaluation_scoped:
            kwargs.setdefault("form", evaluation_scoped_form(self.form, self.evaluation_scoped))
        return super().get_form(request, obj, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        # Inlines only: the same check on every form of the formset.
        if self.evaluation_scoped:
            kwargs.setdefault("form", evaluation_scoped_form(self.form, self.evaluation_scoped))
        return super().get_formset(request, obj, **kwargs)

    @contextmanager
    def _changing(self, request, evaluation_ids: Iterable[int]) -> Iterator[None]:
        """Every admin write to an evaluation's content passes the same gate as the editor and the import
        (:func:`evaluations.services.content_change`): lock, workflow guard, the admin's right to edit, history with
        the path "admin", and the sections' revisions counted up so that an editor page opened before is stale."""
        try:
            with ExitStack() as stack:
                for evaluation_id in sorted(set(evaluation_ids)):
                    stack.enter_context(
                        content_change(
                            evaluation=Evaluation(pk=evaluation_id),
                            actor=request.user,
                            via=Via.ADMIN,
                            sections=self.editor_sections,
                        )
                    )
                yield
        except ValidationError as error:
            raise PermissionDenied(" ".join(error.messages)) from None

    def save_model(self, request, obj, form, change):
        evaluation_id = obj.pk if isinstance(obj, Evaluation) else obj.evaluation_id
        if evaluation_id is None:
            # A new evaluation: nothing to guard yet, but its first content is history too.
            with recording(actor=request.user, via=Via.ADMIN):
                super().save_model(request, obj, form, change)
            return
        with self._changing(request, [evaluation_id]):
            super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        if isinstance(obj, Evaluation):
            with self._deleting_evaluations(request, [obj.pk]):
                super().delete_model(request, obj)
            return
        with self._changing(request, [obj.evaluation_id]):
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        if queryset.model is Evaluation:
            with self._deleting_evaluations(request, queryset.values_list("pk", flat=True)):
                super().delete_queryset(request, queryset)
            return
        with self._changing(request, queryset.values_list("evaluation_id", flat=True)):
            super().delete_queryset(request, queryset)

    @contextmanager
    def _deleting_evaluations(self, request, evaluation_ids: Iterable[int]) -> Iterator[None]:
        # A whole evaluation goes with its section revisions, so there is nothing to count up: only the guard and
        # the history of every row deleted with it.
        with transaction.atomic(), recording(actor=request.user, via=Via.ADMIN):
            for evaluation in Evaluation.objects.select_for_update().filter(pk__in=list(evaluation_ids)):
                try:
                    ensure_editable(evaluation)
                except ValidationError as error:
                    raise PermissionDenied(" ".join(error.messages)) from None
            yield

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

    def _evaluation_of(self, obj):
        # Inlines are asked about the parent evaluation, not their own rows.
        return obj

    def _scope_evaluation_id(self, request) -> int | None:
        # An inline sits on the evaluation's own page: the page's object is the evaluation.
        object_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        return int(object_id) if object_id is not None and str(object_id).isdigit() else None


class DutyInline(EvaluationInline):
    model = Duty
    fields = ["order", "text"]


class OfficeInline(EvaluationInline):
    model = Office
    fields = ["order", "group", "name"]


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
    # An administrator may give a unit its own outline here; left blank, the unit follows the bureau's choice.
    # The 主管部门 (parent) makes a tree of units; Unit.clean() refuses a unit under itself or under one of its own.
    list_display = ["name", "short_name", "parent", "level", "region", "code", "outline", "scoring_scheme"]
    list_filter = ["region", "level", "outline"]
    search_fields = ["name", "short_name", "code"]
    list_select_related = ["parent", "outline", "scoring_scheme"]
    autocomplete_fields = ["parent"]


class OutlineNodeInline(admin.TabularInline):
    model = OutlineNode
    fields = ["parent", "order", "key", "title", "numbering", "block", "required", "item_numbering", "items_inline"]
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            # A heading's parent is a heading of the same outline.
            outline_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            kwargs["queryset"] = OutlineNode.objects.filter(outline_id=outline_id).order_by("order", "id")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ShippedOutlineReadOnly:
    """The shipped outlines are the reference every copy starts from: read-only, here as on the bureau's pages."""

    def _outline_of(self, obj):
        return obj if isinstance(obj, ReportOutline) else None

    def has_change_permission(self, request, obj=None):
        outline = self._outline_of(obj)
        if outline is not None and outline.builtin:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        outline = self._outline_of(obj)
        if outline is not None and outline.builtin:
            return False
        return super().has_delete_permission(request, obj)


class ShippedOutlineNodeInline(ShippedOutlineReadOnly, OutlineNodeInline):
    def has_add_permission(self, request, obj=None):
        if obj is not None and obj.builtin:
            return False
        return super().has_add_permission(request, obj)


@admin.register(ReportOutline)
class ReportOutlineAdmin(ShippedOutlineReadOnly, admin.ModelAdmin):
    list_display = ["name", "builtin", "description"]
    search_fields = ["name", "description"]
    readonly_fields = ["builtin"]
    inlines = [ShippedOutlineNodeInline]
    actions = ["copy_outlines"]

    @admin.action(description=_("复制所选提纲（含全部标题）"))
    def copy_outlines(self, request, queryset):
        for outline in queryset:
            name = gettext("%(name)s（副本）") % {"name": outline.name}
            try:
                copy = copy_outline(outline, name=name)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(request, gettext("已复制为“%(name)s”。") % {"name": copy.name})


class OutlineAssignmentForm(forms.ModelForm):
    class Meta:
        model = OutlineAssignment
        fields = ["region", "year", "outline"]

    def clean_region(self):
        # The bureau's pages offer only regions units belong to; here the region is typed, so the same rule is checked.
        region = self.cleaned_data["region"].strip()
        if region and not Unit.objects.filter(region=region).exists():
            raise ValidationError(UNKNOWN_REGION, code="unknown_region", params={"region": region})
        return region


@admin.register(OutlineAssignment)
class OutlineAssignmentAdmin(admin.ModelAdmin):
    form = OutlineAssignmentForm
    list_display = ["region", "year", "outline"]
    list_filter = ["year", "outline"]
    search_fields = ["region", "outline__name"]
    list_select_related = ["outline"]


@admin.register(ScoringScheme)
class ScoringSchemeAdmin(admin.ModelAdmin):
    """Schemes are edited on the bureau's pages, where every save is validated and counts the version up; here
    they are listed, read (the data as indented JSON) and copied. A shipped scheme cannot be deleted."""

    list_display = ["name", "builtin", "version", "updated_at"]
    search_fields = ["name", "description"]
    fields = ["name", "description", "builtin", "version", "updated_at", "pretty_data"]
    readonly_fields = ["builtin", "version", "updated_at", "pretty_data"]
    actions = ["copy_schemes"]

    @admin.display(description=_("方案内容"))
    def pretty_data(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.data, ensure_ascii=False, indent=2))

    def get_readonly_fields(self, request, obj=None):
        # Name and description of a shipped scheme stay as shipped, like everything else of it.
        if obj is not None and obj.builtin:
            return [*self.readonly_fields, "name", "description"]
        return self.readonly_fields

    def has_add_permission(self, request):
        # A scheme starts as a copy: an empty one would score nothing.
        return False

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.builtin:
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description=_("复制所选评分方案"))
    def copy_schemes(self, request, queryset):
        for scheme in queryset:
            name = gettext("%(name)s（副本）") % {"name": scheme.name}
            try:
                copy = copy_scheme(scheme, name=name)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(request, gettext("已复制为“%(name)s”。") % {"name": copy.name})


class SchemeAssignmentForm(forms.ModelForm):
    class Meta:
        model = SchemeAssignment
        fields = ["region", "year", "scheme"]

    def clean_region(self):
        region = self.cleaned_data["region"].strip()
        if region and not Unit.objects.filter(region=region).exists():
            raise ValidationError(UNKNOWN_REGION, code="unknown_region", params={"region": region})
        return region


@admin.register(SchemeAssignment)
class SchemeAssignmentAdmin(admin.ModelAdmin):
    form = SchemeAssignmentForm
    list_display = ["region", "year", "scheme"]
    list_filter = ["year", "scheme"]
    search_fields = ["region", "scheme__name"]
    list_select_related = ["scheme"]


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


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    """Opened and changed on the bureau's pages (evaluations.campaigns), which check the deadline and the units."""

    list_display = ["year", "deadline", "remind_days_before", "opened_by", "opened_at", "changed_by", "closed_at"]
    list_select_related = ["opened_by", "changed_by"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    """Written by the send_reminders command only: the record that a reminder went out."""

    list_display = ["campaign", "unit", "step", "sent_at"]
    list_filter = ["step", "campaign"]
    search_fields = ["unit__name", "recipients"]
    list_select_related = ["campaign", "unit"]


# ---------------------------------------------------------------------------
# People and their permissions
# ---------------------------------------------------------------------------

# Permission names are stored by Django in English when the tables are created ("Can add historical 绩效指标"): the
# admin's permission lists name them from their codename and model instead, in the site's language.
PERMISSION_ACTIONS = {"add": _("可增加"), "change": _("可修改"), "delete": _("可删除"), "view": _("可查看")}
HISTORY_OF = _("%(name)s的修改记录")


def permission_label(permission: Permission) -> str:
    model = permission.content_type.model_class()
    action, _underscore, _model = permission.codename.partition("_")
    if model is None or action not in PERMISSION_ACTIONS:
        return str(permission)
    # django-simple-history's models are named "historical <name>" in English; they keep the tracked model here.
    tracked = getattr(model, "instance_type", None)
    name = HISTORY_OF % {"name": tracked._meta.verbose_name} if tracked else model._meta.verbose_name
    return f"{model._meta.app_config.verbose_name} | {name} | {PERMISSION_ACTIONS[action]}"


class PermissionLabelsMixin:
    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name in {"permissions", "user_permissions"}:
            field.label_from_instance = permission_label
        return field


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class PersonAdmin(PermissionLabelsMixin, UserAdmin):
    pass


@admin.register(Group)
class PermissionGroupAdmin(PermissionLabelsMixin, GroupAdmin):
    pass
