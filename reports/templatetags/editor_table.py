"""Rendering a list formset of the editor as a table: the input of one cell, without the label and help text that
crispy would repeat in every row (the column's header carries both, once)."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()

_CONTROL_CLASSES = {
    "select": "form-select form-select-sm",
    "checkbox": "form-check-input",
}


def column_help_id(formset_prefix: str, field_name: str) -> str:
    """The id of a column's help text in the table's header, which every input of that column points at."""
    return f"{formset_prefix}-{field_name}-help"


@register.simple_tag
def cell_input(field: BoundField, formset_prefix: str, own_help: bool = False) -> SafeString:
    """The field's input for a table cell: Bootstrap's compact classes, the error state, and aria-describedby
    naming the column's help text and the cell's own errors, so that a screen reader hears both beside the input.
    ``own_help``: the help text is the field's own (``<id>_help``), as in a details row that has no column header."""
    classes = [field.field.widget.attrs.get("class", ""), _CONTROL_CLASSES.get(field.widget_type, "")]
    if not classes[1]:
        classes[1] = "form-control form-control-sm"
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_help" if own_help else column_help_id(formset_prefix, field.name))
    if field.errors:
        classes.append("is-invalid")
        described_by.append(f"{field.auto_id}_error")
    attrs = {"class": " ".join(name for name in classes if name)}
    if described_by:
        # Given explicitly: Django would otherwise point at a per-input help text that the table does not render.
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)


@register.simple_tag
def help_id(formset_prefix: str, field_name: str) -> str:
    return column_help_id(formset_prefix, field_name)
