"""主管部门 and 下属单位: the tree of units, the one rule that keeps it a tree, and whether a year's reports of a unit
need its department's review before publication.

The department's reviewer is the head (单位负责人) of the department's own unit: the issue names "the department's
head", and a person has one membership, so a separate role would make the department's head choose between
approving the department's own report and reviewing its units'. Nothing to keep in sync either: a unit becomes a
department by having children.

The units under a department are read with a recursive common table expression, embedded as a subquery: one query
whatever the depth, no parameter list that grows with the units, and the same SQL on SQLite and PostgreSQL. ``UNION``
(not ``UNION ALL``) keeps the recursion finite even if a cycle were ever written past :func:`cycle_refusal`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from .models import Campaign, Evaluation, Unit

OWN_DEPARTMENT = _("单位不能作为自己的主管部门。")
CYCLE = _("“%(parent)s”是本单位的下属单位，不能作为本单位的主管部门。")


def descendant_ids(unit_id: int) -> RawSQL:
    """The ids of every unit under the department (children, their children, …), as a subquery for ``__in``."""
    table = Unit._meta.db_table
    return RawSQL(
        f"WITH RECURSIVE under_department(id) AS ("  # the table name is ours, the id a parameter
        f" SELECT id FROM {table} WHERE parent_id = %s"
        f" UNION SELECT child.id FROM {table} child JOIN under_department ON child.parent_id = under_department.id"
        f") SELECT id FROM under_department",
        (unit_id,),
    )


def units_under(department: Unit | int) -> QuerySet[Unit]:
    """Every unit under the department, at any depth (one query when evaluated)."""
    department_id = department.pk if isinstance(department, Unit) else department
    return Unit.objects.filter(pk__in=descendant_ids(department_id))


def cycle_refusal(unit: Unit, parent_id: int | None) -> str | None:
    """Why the unit cannot have this parent (itself, or one of its own units), or None. One query: the (id, parent)
    pairs are read once and the parent's chain of departments walked upwards in Python."""
    if parent_id is None:
        return None
    if unit.pk is not None and parent_id == unit.pk:
        return str(OWN_DEPARTMENT)
    if unit.pk is None:
        # A unit not yet saved has no units under it.
        return None
    parents = dict(Unit.objects.values_list("pk", "parent_id"))
    seen: set[int] = set()
    current: int | None = parent_id
    while current is not None and current not in seen:
        if current == unit.pk:
            name = Unit.objects.filter(pk=parent_id).values_list("name", flat=True).first() or ""
            return str(CYCLE % {"parent": name})
        seen.add(current)
        current = parents.get(current)
    return None


def set_department(*, unit: Unit, department: Unit | None) -> Unit:
    """Put the unit under a department (or under none). Both rows are locked so that two people making A the
    department of B and B the department of A at once are served one after the other, and the second is refused."""
    with transaction.atomic():
        ids = [unit.pk] + ([department.pk] if department is not None else [])
        list(Unit.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        locked = Unit.objects.get(pk=unit.pk)
        refusal = cycle_refusal(locked, department.pk if department is not None else None)
        if refusal is not None:
            raise ValidationError({"parent": refusal}, code="cycle")
        locked.parent = department
        locked.save(update_fields=["parent"])
    unit.parent = department
    return locked


def requires_department_review(evaluation: Evaluation) -> bool:
    """Whether the evaluation must be passed by its unit's department before publication: the unit has a department
    and the campaign of the year, covering the unit, asks for it. One query (none for a unit without department),
    remembered on the evaluation object, since every guard on a page asks."""
    cached = getattr(evaluation, "_requires_department_review", None)
    if cached is not None:
        return cached
    required = (
        evaluation.unit.parent_id is not None
        and Campaign.objects.filter(
            year=evaluation.year, coverage__unit_id=evaluation.unit_id, requires_department_review=True
        ).exists()
    )
    evaluation._requires_department_review = required
    return required
