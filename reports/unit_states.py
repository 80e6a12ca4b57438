"""The bureau's start page at a province's scale: every unit's state in one year, counted per state in one
aggregate query and listed a page at a time, filtered by state, region, 主管部门 and the unit's name.

A row is a unit, not an evaluation: a unit that has not handed its report over is as much news to the bureau as one
that has. The finance bureau sees a draft as 未提交, exactly as if there were no report (drafts do not exist
outside their unit); administrators see drafts as drafts. Nothing here grows with the number of units except the
rows the database reads: the counts are one query, the page one slice whose length the counts already gave."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    Min,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from evaluations.departments import descendant_ids
from evaluations.models import Evaluation, StatusChange, Unit

# A unit without a report of the year that the viewer may see.
NOT_SUBMITTED = "not_submitted"
# The row of state_counts that counts the units themselves (no status is called so).
_ALL_UNITS = "*units"
Status = Evaluation.Status
# The workflow's order; drafts only for those who see them (administrators).
STATES: tuple[tuple[str, Promise], ...] = (
    (NOT_SUBMITTED, _("未提交")),
    (Status.DRAFT.value, Status.DRAFT.label),
    (Status.RETURNED.value, Status.RETURNED.label),
    (Status.SUBMITTED.value, Status.SUBMITTED.label),
    (Status.APPROVED.value, Status.APPROVED.label),
    (Status.DEPT_APPROVED.value, Status.DEPT_APPROVED.label),
    (Status.PUBLISHING.value, Status.PUBLISHING.label),
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
    hidden = _hidden(sees_drafts)
    return Unit.objects.annotate(ev=FilteredRelation("evaluations", condition=Q(evaluations__year=year))).annotate(
        state=Case(When(hidden, then=Value(NOT_SUBMITTED)), default=F("ev__status"), output_field=CharField()),
        evaluation_id=Case(When(hidden, then=Value(None)), default=F("ev__id"), output_field=IntegerField()),
    )


def _hidden(sees_drafts: bool) -> Q:
    # No report, or one the viewer may not see. Conditions on the joined status itself, not on the ``state``
    # annotation: comparing a CASE for every unit made the counts four times slower on PostgreSQL.
    return Q(ev__status__isnull=True) if sees_drafts else Q(ev__status__isnull=True) | Q(ev__status=Status.DRAFT)


def _in_state(state: str, sees_drafts: bool) -> Q:
    return _hidden(sees_drafts) if state == NOT_SUBMITTED else Q(ev__status=state)


def narrowed(units: QuerySet[Unit], filters: Filters) -> QuerySet[Unit]:
    """``units`` narrowed by region, 主管部门 (the department itself and every unit under it) and name; not by state."""
    if filters.region:
        units = units.filter(region=filters.region)
    if filters.department is not None:
        units = units.filter(Q(pk=filters.department) | Q(pk__in=descendant_ids(filters.department)))
    if filters.search:
        units = units.filter(Q(name__icontains=filters.search) | Q(short_name__icontains=filters.search))
    return units


def state_counts(year: int, filters: Filters, *, sees_drafts: bool) -> list[StateCount]:
    """How many units (narrowed by ``filters`` but not by state) are in each state in ``year``: one query, the
    year's reports counted by status from the index on (year, status), and the units counted, in a UNION ALL.
    未提交 is what the other states leave of the units. (Grouping the units joined to their reports read every
    report row and took twice as long at 10,000 units.)"""
    states = states_for(sees_drafts=sees_drafts)
    units = narrowed(Unit.objects.all(), filters)
    reports = Evaluation.objects.filter(year=year)
    if filters.region or filters.department is not None or filters.search:
        reports = reports.filter(unit__in=units)
    by_status = reports.order_by().values("status").annotate(count=Count("*"))
    all_units = units.order_by().annotate(status=Value(_ALL_UNITS)).values("status").annotate(count=Count("pk"))
    counted = {row["status"]: row["count"] for row in by_status.union(all_units, all=True)}
    counts = {state: counted.get(state, 0) for state, _label in states if state != NOT_SUBMITTED}
    counts[NOT_SUBMITTED] = counted.get(_ALL_UNITS, 0) - sum(counts.values())
    return [StateCount(state, label, counts[state]) for state, label in states]


def listed(units: QuerySet[Unit], filters: Filters, *, sees_drafts: bool) -> QuerySet[Unit]:
    """The list's rows as dictionaries (pk, name, region, state, evaluation_id): ``units`` in ``filters.state`` (if
    any), by name. Dictionaries, not units: a page is read, never changed, and model instances cost more to build."""
    if filters.state:
        units = units.filter(_in_state(filters.state, sees_drafts))
    return units.order_by("name", "pk").values("pk", "name", "region", "state", "evaluation_id")


def generation() -> tuple[int, int, int]:
    """What the overview's cache key holds of the data: the newest unit, report and transition (one query, each
    the last entry of a primary key's index). Every new unit, new report and change of state makes a new one; a
    report's state changes only by a transition (reports.workflow records one for each)."""
    tables = [model._meta.db_table for model in (Unit, Evaluation, StatusChange)]
    with connection.cursor() as cursor:
        # The table names are ours; nothing here comes from a request.
        cursor.execute("SELECT " + ", ".join(f"(SELECT MAX(id) FROM {table})" for table in tables))
        row = cursor.fetchone()
    return tuple(value or 0 for value in row)  # type: ignore[return-value]


def years() -> list[int]:
    """From the newest year with a report to the oldest, newest first (one query: the first and last entries of
    the index on year, where a DISTINCT would read every evaluation)."""
    bounds = Evaluation.objects.aggregate(first=Min("year"), last=Max("year"))
    if bounds["last"] is None:
        return []
    return list(range(bounds["last"], bounds["first"] - 1, -1))
