"""The finance bureau's report outlines: list them with where each applies, copy one under a new name, edit a copy's
headings, and choose the outline of a region and year. Shipped outlines are read-only: a bureau words its own by
copying one. Only the bureau and administrators reach these pages; unit staff follow the outline they are given."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from evaluations.models import Block, Numbering, OutlineAssignment, OutlineNode, ReportOutline, Unit
from evaluations.outlines import (
    assign_outline,
    copy_outline,
    known_regions,
    may_manage_outlines,
    save_headings,
)


def _require_manager(request: HttpRequest) -> None:
    """The one access rule of these pages: the finance bureau and administrators."""
    if not may_manage_outlines(request.user):
        raise PermissionDenied


# ---------------------------------------------------------------------------
# Forms
# ---------------------------------------------------------------------------
class OutlineNameForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("提纲名称"), max_length=60)
    description = forms.CharField(
        label=gettext_lazy("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class HeadingForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput)
    order = forms.IntegerField(label=gettext_lazy("序号"), min_value=0, max_value=999)
    title = forms.CharField(label=gettext_lazy("标题"), max_length=80)
    numbering = forms.ChoiceField(label=gettext_lazy("编号样式"), choices=Numbering.choices)
    block = forms.ChoiceField(label=gettext_lazy("内容"), choices=Block.choices, required=False)
    required = forms.BooleanField(label=gettext_lazy("必填"), required=False)
    item_numbering = forms.ChoiceField(label=gettext_lazy("条目编号样式"), choices=Numbering.choices)
    items_inline = forms.BooleanField(label=gettext_lazy("条目写在同一段"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            # The table's header names the columns; each input still carries its own name for screen readers.
            widget.attrs["aria-label"] = str(field.label)
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select form-select-sm"
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs["class"] = "form-control form-control-sm"


HeadingFormSet = forms.formset_factory(HeadingForm, extra=0)

HEADING_FIELDS = ["id", "order", "title", "numbering", "block", "required", "item_numbering", "items_inline"]


class AssignmentForm(forms.Form):
    region = forms.ChoiceField(label=gettext_lazy("地区"), required=False)
    year = forms.IntegerField(
        label=gettext_lazy("年度"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=gettext_lazy("留空则适用于各年度。"),
    )
    outline = forms.ModelChoiceField(label=gettext_lazy("报告提纲"), queryset=ReportOutline.objects.all())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only regions units belong to: a misspelt region would apply to nobody, silently.
        self.fields["region"].choices = [("", _("全部地区")), *((region, region) for region in known_regions())]


# ---------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------
def _tree(outline: ReportOutline) -> list[tuple[OutlineNode, int]]:
    """The headings in reading order (parents before their children), each with its depth (one query)."""
    nodes = list(outline.nodes.order_by("order", "id"))
    children: dict[int | None, list[OutlineNode]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    ordered: list[tuple[OutlineNode, int]] = []

    def visit(parent_id: int | None, depth: int) -> None:
        for node in children.get(parent_id, []):
            ordered.append((node, depth))
            visit(node.pk, depth + 1)

    visit(None, 0)
    return ordered


def _list_page(request: HttpRequest, assignment_form: AssignmentForm, status: int = 200) -> HttpResponse:
    outlines = list(ReportOutline.objects.annotate(headings=Count("nodes")).order_by("builtin", "name"))
    assignments = list(OutlineAssignment.objects.select_related("outline").order_by("region", "year"))
    own = list(Unit.objects.filter(outline__isnull=False).select_related("outline").order_by("name"))
    return render(
        request,
        "outlines/list.html",
        {"outlines": outlines, "assignments": assignments, "own": own, "assignment_form": assignment_form},
        status=status,
    )


@login_required
@require_safe
def outline_list(request: HttpRequest) -> HttpResponse:
    """Every outline, where each applies (the bureau's choices and the units an administrator gave their own), and
    the form to choose the outline of a region and year."""
    _require_manager(request)
    return _list_page(request, AssignmentForm())


@login_required
@require_http_methods(["GET", "POST"])
def outline_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """An outline's headings: read-only for a shipped one, a form of every heading for the bureau's own."""
    _require_manager(request)
    outline = get_object_or_404(ReportOutline, pk=pk)
    tree = _tree(outline)
    initial = [{name: getattr(node, name) for name in HEADING_FIELDS} for node, _depth in tree]
    name_form = OutlineNameForm(
        request.POST if request.method == "POST" else None,
        initial={"name": outline.name, "description": outline.description},
        prefix="outline",
    )
    formset = HeadingFormSet(request.POST if request.method == "POST" else None, initial=initial, prefix="headings")
    errors: list[str] = []
    if request.method == "POST" and name_form.is_valid() and formset.is_valid():
        try:
            save_headings(
                outline=outline,
                name=name_form.cleaned_data["name"],
                description=name_form.cleaned_data["description"],
                headings=[form.cleaned_data for form in formset.forms],
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("提纲“%(name)s”已保存。") % {"name": name_form.cleaned_data["name"]})
            return redirect("outline_edit", outline.pk)
    rows = [(form, node, depth) for form, (node, depth) in zip(formset.forms, tree, strict=False)]
    invalid = request.method == "POST"
    return render(
        request,
        "outlines/edit.html",
        {"outline": outline, "tree": tree, "rows": rows, "formset": formset, "name_form": name_form, "errors": errors},
        status=422 if invalid else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def outline_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """A copy of an outline with all its headings, under a new name, to word as the bureau wants."""
    _require_manager(request)
    outline = get_object_or_404(ReportOutline, pk=pk)
    form = OutlineNameForm(
        request.POST if request.method == "POST" else None,
        initial={"name": _("%(name)s（副本）") % {"name": outline.name}, "description": outline.description},
    )
    if request.method == "POST" and form.is_valid():
        try:
            copy = copy_outline(outline, name=form.cleaned_data["name"], description=form.cleaned_data["description"])
        except ValidationError as error:
            form.add_error("name", error)
        else:
            messages.success(request, _("已复制为“%(name)s”，可以修改它的标题。") % {"name": copy.name})
            return redirect("outline_edit", copy.pk)
    return render(
        request,
        "outlines/copy.html",
        {"outline": outline, "tree": _tree(outline), "form": form},
        status=422 if form.is_bound else 200,
    )


@login_required
@require_POST
def outline_assign(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = AssignmentForm(request.POST)
    if form.is_valid():
        try:
            assignment = assign_outline(
                outline=form.cleaned_data["outline"], region=form.cleaned_data["region"], year=form.cleaned_data["year"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已指定：%(assignment)s。") % {"assignment": assignment})
            return redirect("outline_list")
    return _list_page(request, form, status=422)


@login_required
@require_POST
def outline_unassign(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    assignment = get_object_or_404(OutlineAssignment.objects.select_related("outline"), pk=pk)
    label = str(assignment)
    assignment.delete()
    messages.success(request, _("已取消：%(assignment)s。") % {"assignment": label})
    return redirect("outline_list")
