"""The finance bureau's summary table (汇总表) of one year: every unit with its state and the key figures frozen at
submission (:mod:`reports.key_figures`), the bureau's review score, a ranking by score, and the charts' counts.

Everything is read from stored rows in a fixed number of queries, whatever the number of units: the table is one
query over the units joined to their evaluation of the year, its key figures and its review; nothing is scored
here. The caller passes the units to list (all units, a campaign's, later a department's), so access and scope
stay with the caller."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, F, FilteredRelation, IntegerField, Max, Q, QuerySet, Value, When, Window
from django.db.models.functions import Coalesce, Rank
from django.utils.translation import gettext_lazy as _

from evaluations.departments import descendant_ids
from evaluations.models import Campaign, CampaignUnit, Evaluation, Unit

# A unit without an evaluation of the year.
NOT_STARTED = "not_started"
STATE_LABELS = {
    NOT_STARTED: _("未开始"),
    **{status.value: status.label for status in Evaluation.Status},
}
STATE_ORDER = (
    NOT_STARTED,
    Evaluation.Status.DRAFT,
    Evaluation.Status.RETURNED,
    Evaluation.Status.SUBMITTED,
    Evaluation.Status.APPROVED,
    Evaluation.Status.DEPT_APPROVED,
    Evaluation.Status.PUBLISHING,
    Evaluation.Status.PUBLISHED,
)

# The columns one may sort by: name in the URL → the expression (a unit field or an annotation below).
SORTS = {
    "unit": "name",
    "state": "state_order",
    "submitted": "submitted_at",
    "spending": "total_spending",
    "budget": "budget",
    "rate": "execution_rate",
    "score": "score_total",
    # Grades are bands of the score: best grade first is highest score first, whatever the grades are called.
    "grade": "score_total",
    "review": "review_score",
    "shortfalls": "unexplained_shortfalls",
    "checks": "failed_checks",
    "rank": "rank",
}
DEFAULT_SORT = "unit"

# The score histogram's bins: [0, 10), [10, 20) … [90, 100].
HISTOGRAM_BINS = tuple(range(0, 100, 10))


def units_of_year(year: int) -> QuerySet[Unit]:
    """The units the table lists by default: those the year's campaign covers, or every unit without one."""
    campaign = Campaign.objects.filter(year=year).values_list("pk", flat=True).first()
    if campaign is None:
        return Unit.objects.all()
    return Unit.objects.filter(pk__in=CampaignUnit.objects.filter(campaign_id=campaign).values("unit_id"))


def filtered_units(
    year: int,
    units: QuerySet[Unit],
    *,
    state: str = "",
    grade: str = "",
    region: str = "",
    department: str = "",
) -> QuerySet[Unit]:
    """``units`` annotated with their evaluation of ``year`` (``evaluation_id``, ``state``), its key figures and
    the review score, filtered. The charts count these; :func:`summary_rows` ranks and sorts them."""
    rows = units.annotate(
        ev=FilteredRelation("evaluations", condition=Q(evaluations__year=year)),
    ).annotate(
        evaluation_id=F("ev__id"),
        state=Coalesce(F("ev__status"), Value(NOT_STARTED)),
        submitted_at=F("ev__key_figures__submitted_at"),
        total_spending=F("ev__key_figures__total_spending"),
        budget=F("ev__key_figures__budget"),
        execution_rate=F("ev__key_figures__execution_rate"),
        score_total=F("ev__key_figures__score_total"),
        grade=Coalesce(F("ev__key_figures__grade"), Value("")),
        unexplained_shortfalls=F("ev__key_figures__unexplained_shortfalls"),
        failed_checks=F("ev__key_figures__failed_checks"),
        review_score=F("ev__review__score_total"),
        review_released_at=F("ev__review__released_at"),
    )
    if state:
        rows = rows.filter(state=state)
    if grade:
        rows = rows.filter(grade=grade)
    if region:
        rows = rows.filter(region=region)
    if department.isdigit():
        # The 主管部门 itself and every unit under it, at any depth (one recursive subquery).
        rows = rows.filter(Q(pk=int(department)) | Q(pk__in=descendant_ids(int(department))))
    return rows


def departments() -> list[tuple[int, str]]:
    """The units that have units under them, to filter the table by (one query)."""
    # The parents named by some unit, read from the index on parent: a join of every unit with its children and a
    # DISTINCT took 12 ms at 10,000 units on PostgreSQL, this 0.1 ms.
    parents = Unit.objects.filter(parent__isnull=False).values("parent_id")
    return list(Unit.objects.filter(pk__in=parents).order_by("name").values_list("pk", "name"))


def summary_rows(rows: QuerySet[Unit], *, sort: str = DEFAULT_SORT, descending: bool = False) -> QuerySet[Unit]:
    """The table's rows (from :func:`filtered_units`) with ``rank`` (by score, highest first, ties sharing a rank;
    over the rows shown, so a region's table ranks within the region), sorted with the unit's name then pk as a
    stable secondary order. Blank figures stay ``None`` and sort last in either direction. One query."""
    rows = rows.annotate(
        rank=Window(Rank(), order_by=F("score_total").desc(nulls_last=True)),
        # The workflow's order, not the alphabet's.
        state_order=Case(
            *(When(state=state, then=Value(order)) for order, state in enumerate(STATE_ORDER)),
            default=Value(len(STATE_ORDER)),
            output_field=IntegerField(),
        ),
    )
    key = SORTS.get(sort, SORTS[DEFAULT_SORT])
    expression = F(key).desc(nulls_last=True) if descending else F(key).asc(nulls_last=True)
    if key == "rank":
        # Unscored units show no rank; they sort last either way.
        expression = F("score_total").asc(nulls_last=True) if descending else F("score_total").desc(nulls_last=True)
    return rows.order_by(expression, "name", "pk")


@dataclass(frozen=True)
class Bar:
    label: str
    count: int | Decimal
    # What is printed over the bar, where it is not the count itself (an amount in 万元, "—" for an unknown figure).
    text: str = ""


def grade_distribution(rows: QuerySet[Unit]) -> list[Bar]:
    """How many units of the table have each grade, in the order of the grades' first appearance by score (one
    query); units without a grade are counted as 未评分."""
    counts = (
        rows.order_by()
        .values("grade")
        .annotate(count=Count("pk"), best=Coalesce(Max("score_total"), Value(Decimal("-1"))))
        .order_by("-best", "grade")
    )
    return [Bar(row["grade"] or str(_("未评分")), row["count"]) for row in counts]


def score_histogram(rows: QuerySet[Unit]) -> list[Bar]:
    """How many scored units fall in each ten-point bin (one query); 100 falls in the last bin."""
    bins = {}
    for lower in HISTOGRAM_BINS:
        upper = lower + 10
        condition = Q(score_total__gte=lower) & (Q(score_total__lt=upper) if upper < 100 else Q(score_total__lte=100))
        bins[f"bin_{lower}"] = Count("pk", filter=condition)
    counts = rows.order_by().aggregate(**bins)
    return [
        Bar(f"{lower}–{lower + 10}" if lower < 90 else "90–100", counts[f"bin_{lower}"] or 0)
        for lower in HISTOGRAM_BINS
    ]
