"""The bureau's start page at a province's scale: every unit's state in one year, counted per state in one
aggregate query and listed a page at a time, filtered by state, region, 主管部门 and the unit's name.

A row is a unit, not an evaluation: a unit that has not handed its report over is as much news to the bureau as one
that has. The finance bureau sees a draft as 未提交, exactly as if there were no report (drafts do not exist
outside their unit); administrators see drafts as drafts. Nothing here grows with the number of units except the
rows the database reads: the counts are one query, the page a count and a slice."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, CharField, Count, F, FilteredRelation, IntegerField, Q, QuerySet, Value, When
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from evaluations.departments import descendant_ids
from evaluations.models import Evaluation, Unit

# A unit without a report of the year that the viewer may see.
NOT_SUBMITTED = "not_submitted"
Status = Evaluation.Status
# The workflow's order; drafts only for those who see them (administrators).
STATES: tuple[tuple[str, Promise], ...] = (
    (NOT_SUBMITTED, _("未提交")),
    (Status.DRAFT.value, Status.DRAFT.label),
    (Status.RETURNED.value, Status.RETURNED.label),
    (Status.SUBMITTED.value, Status.SUBMITTED.label),
    (Status.APPROVED.value, Status.APPROVED.label),
    (Status.DEPT_APPROVED.value, Status.DEPT_APPROVED.label),
    (Status.PUBLISHED.value, Status.PUBLISHED.label),
)


@dataclass(frozen=True)
class Filters:
    """What the list is narrowed to; blank means everything. ``state`` narrows the list, never the counts."""

    state: str = ""
    region: str = ""
    department: int | None = None
    search: str = ""


@dataclass(frozen=True)
class StateCount:
    state: str
    label: Promise
    count: int


def states_for(*, sees_drafts: bool) -> list[tuple[str, Promise]]:
    return [(state, label) for state, label in STATES if sees_drafts or state != Status.DRAFT]


def unit_states(year: int, *, sees_drafts: bool) -> QuerySet[Unit]:
    """Every unit with ``state`` in ``year`` (one of :data:`STATES`) and ``evaluation_id`` (None where there is no
    report the viewer may open), by a LEFT JOIN on the year's evaluation: one row per unit."""
    hidden = Q(ev__status__isnull=True) if sees_drafts else Q(ev__status__isnull=True) | Q(ev__status=Status.DRAFT)
    return Unit.objects.annotate(ev=FilteredRelation("evaluations", condition=Q(evaluations__year=year))).annotate(
        state=Case(When(hidden, then=Value(NOT_SUBMITTED)), default=F("ev__status"), output_field=CharField()),
        evaluation_id=Case(When(hidden, then=Value(None)), default=F("ev__id"), output_field=IntegerField()),
    )


def narrowed(units: QuerySet[Unit], filters: Filters) -> QuerySet[Unit]:
    """``units`` narrowed by region, 主管部门 (the department itself and every unit under it) and name; not by state."""
    if filters.region:
        units = units.filter(region=filters.region)
    if filters.department is not None:
        units = units.filter(Q(pk=filters.department) | Q(pk__in=descendant_ids(filters.department)))
    if filters.search:
        units = units.filter(Q(name__icontains=filters.search) | Q(short_name__icontains=filters.search))
    return units


def state_counts(units: QuerySet[Unit], *, sees_drafts: bool) -> list[StateCount]:
    """How many of ``units`` (from :func:`unit_states`, narrowed) are in each state: one aggregate query."""
    states = states_for(sees_drafts=sees_drafts)
    counts = units.order_by().aggregate(
        **{f"n_{index}": Count("pk", filter=Q(state=state)) for index, (state, _label) in enumerate(states)}
    )
    return [StateCount(state, label, counts[f"n_{index}"]) for index, (state, label) in enumerate(states)]


def listed(units: QuerySet[Unit], filters: Filters) -> QuerySet[Unit]:
    """The list's rows: ``units`` in ``filters.state`` (if any), by name."""
    if filters.state:
        units = units.filter(state=filters.state)
    return units.only("pk", "name", "region").order_by("name", "pk")


def years() -> list[int]:
    """The years that have a report, newest first (one query)."""
    return list(Evaluation.objects.order_by("-year").values_list("year", flat=True).distinct())
