"""What the public portal reads: the current versions of published reports, searched, filtered and paged by keyset,
the choices of its filters, the unit names its search box suggests, and one unit's years.

Every page is independent of the number of units and publications (issue 15): the list is read a page at a time
along the partial index ``publication_current_order`` (``published_at``, ``id`` of the current versions), never
counted per request; the search finds the units first (``Unit`` is small beside its publications; on PostgreSQL a
trigram index answers searches of three characters and more, reports migration 0003) and then their publications;
the filters' choices, the count and the suggestions come from Django's cache.

Figures are the publication's frozen ones (total spending, execution rate, score): nothing here recomputes a figure
from the evaluation, which may have been reopened and changed since."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from evaluations.departments import descendant_ids
from evaluations.models import Publication, Unit
from evaluations.money import format_wan

from .charts import bar_chart
from .publication import shown_score
from .report_body import PreparedBody, prepare_body
from .summary import Bar

PAGE_SIZE = 20
SUGGESTIONS_PAGE_SIZE = 10
# How long the suggestions may lag behind a publication; the choices and the count follow the newest publication
# at once (their cache key holds it) and expire after a while only to free the memory.
SUGGESTIONS_TTL = 60
FACETS_TTL = 60 * 60
COUNT_TTL = 10 * 60
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


# ---------------------------------------------------------------------------
# The list: search, filters, keyset pages
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class PortalQuery:
    """What the visitor asked for; empty values ask for nothing."""

    q: str = ""
    year: int | None = None
    region: str = ""
    grade: str = ""
    # A 主管部门: its own reports and those of every unit under it.
    department: int | None = None

    def cache_key(self) -> str:
        return hashlib.sha256(repr((self.q, self.year, self.region, self.grade, self.department)).encode()).hexdigest()


def matching_units(q: str) -> QuerySet[Unit]:
    """Units whose name, short name or region contains ``q`` (case-insensitive)."""
    return Unit.objects.filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(region__icontains=q))


def current_publications(query: PortalQuery) -> QuerySet[Publication]:
    """The current versions the query asks for, newest first, without their bodies.

    The search is unit-first: the units that match (a subquery over ``Unit``), then the publications of those
    units. Matching the publication's own copy of the unit name as well would put an OR across two tables into the
    query, which PostgreSQL can only answer by reading every publication; a unit found under its current name
    shows its reports under the names they were published with."""
    publications = Publication.objects.current()
    if query.q:
        publications = publications.filter(evaluation__unit__in=matching_units(query.q).values("pk"))
    if query.year:
        publications = publications.filter(year=query.year)
    if query.region:
        publications = publications.filter(evaluation__unit__region=query.region)
    if query.department:
        publications = publications.filter(
            Q(evaluation__unit_id=query.department) | Q(evaluation__unit_id__in=descendant_ids(query.department))
        )
    if query.grade:
        publications = publications.filter(grade=query.grade)
    return publications.order_by("-published_at", "-id").defer("body_html", "data")


@dataclass(frozen=True)
class Cursor:
    """A place in the portal's order: the (published_at, id) of a row. In links as ``<microseconds>.<id>``."""

    published_at: datetime.datetime
    id: int

    @classmethod
    def of(cls, publication: Publication) -> Cursor:
        return cls(publication.published_at, publication.pk)

    @classmethod
    def parse(cls, text: str | None) -> Cursor | None:
        """The cursor in a link, or ``None`` for anything that is not one (the first page is shown instead)."""
        micros, _dot, pk = (text or "").partition(".")
        if not (micros.isascii() and micros.isdigit() and pk.isascii() and pk.isdigit()) or len(pk) > 18:
            return None
        try:
            return cls(_EPOCH + datetime.timedelta(microseconds=int(micros)), int(pk))
        except OverflowError:  # beyond the year 9999: not a time anything was published at
            return None

    def __str__(self) -> str:
        # Whole microseconds, exactly: a float timestamp would lose the last digits and skip or repeat a row.
        delta = self.published_at - _EPOCH
        micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        return f"{micros}.{self.id}"


@dataclass(frozen=True)
class PortalPage:
    rows: list[Publication]
    # The links' cursors: the next page starts after ``after``, the previous one ends before ``before``.
    after: Cursor | None
    before: Cursor | None


def keyset_page(
    publications: QuerySet[Publication], *, after: Cursor | None = None, before: Cursor | None = None
) -> PortalPage:
    """One page of ``publications`` (in the portal's order) after or before a cursor, in one query of PAGE_SIZE + 1
    rows: the extra row says whether there is a page beyond. No OFFSET: a deep page costs what the first does.

    The cursor is compared as a row value, ``(published_at, id) < (…, …)``, which PostgreSQL turns into a condition
    on the index itself (an OR of the two columns would be a filter over every row before the page). Django's tuple
    lookups are not documented API in 5.2: tests/reports/test_portal.py pins what they do on both databases, and
    test_portal_plans.py that PostgreSQL reads the row comparison as an index condition."""
    if before is not None:
        rows = list(newer_than(publications, before).order_by("published_at", "id")[: PAGE_SIZE + 1])
        more_before = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE][::-1]
        # We came back from the page that follows these rows, so there is one.
        return PortalPage(
            rows=rows,
            after=Cursor.of(rows[-1]) if rows else None,
            before=Cursor.of(rows[0]) if rows and more_before else None,
        )
    if after is not None:
        publications = older_than(publications, after)
    rows = list(publications[: PAGE_SIZE + 1])
    more_after = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return PortalPage(
        rows=rows,
        after=Cursor.of(rows[-1]) if more_after else None,
        before=Cursor.of(rows[0]) if rows and after is not None else None,
    )


def older_than(publications: QuerySet[Publication], cursor: Cursor) -> QuerySet[Publication]:
    """The rows after ``cursor`` in the portal's order (newest first)."""
    return publications.filter(TupleLessThan(Tuple(F("published_at"), F("id")), (cursor.published_at, cursor.id)))


def newer_than(publications: QuerySet[Publication], cursor: Cursor) -> QuerySet[Publication]:
    """The rows before ``cursor`` in the portal's order."""
    return publications.filter(TupleGreaterThan(Tuple(F("published_at"), F("id")), (cursor.published_at, cursor.id)))


def latest_publication_id() -> int:
    """The newest publication's id (0 before the first): every publication, a correction too, writes a new row, so
    a cache key holding it is stale the moment anything is published. One lookup on the primary key's index."""
    return Publication.objects.aggregate(latest=Max("id"))["latest"] or 0


def cached_count(query: PortalQuery, publications: QuerySet[Publication], generation: int) -> int:
    """How many current versions the query finds, counted once per query and publication (never per request)."""
    key = f"portal:count:{generation}:{query.cache_key()}"
    count = cache.get(key)
    if count is None:
        count = publications.order_by().count()
        cache.set(key, count, COUNT_TTL)
    return count


@dataclass(frozen=True)
class Facets:
    years: list[int]
    regions: list[str]
    grades: list[str]
    # (id, name) of each 主管部门 with a current report of a unit directly under it.
    departments: list[tuple[int, str]] = field(default_factory=list)


def facets(generation: int) -> Facets:
    """The filters' choices: only years, regions, grades and 主管部门 that have something published, since a choice
    that can only give an empty list is noise. Four queries when the cache is cold."""
    key = f"portal:facets:{generation}"
    found = cache.get(key)
    if found is None:
        current = Publication.objects.current()
        years = list(current.order_by("-year").values_list("year", flat=True).distinct())
        regions = list(
            Unit.objects.filter(evaluations__publications__is_current=True)
            .exclude(region="")
            .order_by("region")
            .values_list("region", flat=True)
            .distinct()
        )
        # Best grade first (优 before 良 …), whatever the scheme calls them: by the best score published with it.
        grades = [
            row["grade"]
            for row in current.exclude(grade="")
            .order_by()
            .values("grade")
            .annotate(best=Max("score_total"))
            .order_by(F("best").desc(nulls_last=True), "grade")
        ]
        departments = list(
            Unit.objects.filter(children__evaluations__publications__is_current=True)
            .order_by("name", "pk")
            .values_list("pk", "name")
            .distinct()
        )
        found = Facets(years=years, regions=regions, grades=grades, departments=departments)
        cache.set(key, found, FACETS_TTL)
    return found


# ---------------------------------------------------------------------------
# The search box's suggestions
# ---------------------------------------------------------------------------
def unit_suggestions(q: str, page: int) -> dict:
    """One page of the names of units that have something published and match ``q`` (name, short name or region),
    by name, as the JSON the search box reads. Cached for SUGGESTIONS_TTL seconds per query and page: a visitor
    typing asks for the same prefixes as the visitors before."""
    q = q.strip()
    key = f"portal:units:{hashlib.sha256(q.encode()).hexdigest()}:{page}"
    found = cache.get(key)
    if found is not None:
        return found
    published = Publication.objects.filter(is_current=True, evaluation__unit=OuterRef("pk"))
    units = Unit.objects.filter(Exists(published))
    if q:
        units = units.filter(pk__in=matching_units(q).values("pk"))
    start = (page - 1) * SUGGESTIONS_PAGE_SIZE
    rows = list(
        units.order_by("name").values("name", "short_name", "region")[start : start + SUGGESTIONS_PAGE_SIZE + 1]
    )
    found = {
        "q": q,
        "page": page,
        "results": rows[:SUGGESTIONS_PAGE_SIZE],
        "next": page + 1 if len(rows) > SUGGESTIONS_PAGE_SIZE else None,
        "previous": page - 1 if page > 1 else None,
    }
    cache.set(key, found, SUGGESTIONS_TTL)
    return found


# ---------------------------------------------------------------------------
# One report's page
# ---------------------------------------------------------------------------
def published_body(publication: Publication) -> PreparedBody:
    """The body with its table of contents and table frames; cached for good, as a publication never changes."""
    key = f"portal:body:{publication.pk}:{publication.pdf_sha256}"
    found = cache.get(key)
    if found is None:
        found = prepare_body(publication.body_html)
        cache.set(key, found, None)
    return found


def unit_years(unit_id: int) -> list[Publication]:
    """The current version of every published year of one unit, oldest year first (one query; a unit publishes once
    a year, so the list is as long as the years the portal has)."""
    return list(
        Publication.objects.current()
        .filter(evaluation__unit_id=unit_id)
        .order_by("year", "id")
        # scheme_data: shown_score reads the grade's precision from the scheme.
        .only("id", "evaluation_id", "year", "total_spending", "score_total", "grade", "scheme_data")
    )


def year_charts(years: list[Publication]) -> dict[str, SafeString] | None:
    """Two small bar charts over the unit's years, total spending and score, drawn on the server
    (:func:`reports.charts.bar_chart`); none for a unit with one year only, where there is nothing to compare."""
    if len(years) < 2:
        return None
    return {
        "spending": bar_chart(spending_bars(years), title=_("历年实际支出合计（万元）"), chart_id="years-spending"),
        "score": bar_chart(score_bars(years), title=_("历年自评得分"), chart_id="years-score"),
    }


def spending_bars(years: list[Publication]) -> list[Bar]:
    """Total spending by year, in 万元 as published; a year that did not know it shows "—", never a bar of 0."""
    return [
        Bar(label=f"{p.year}", count=p.total_spending or Decimal(0), text=format_wan(p.total_spending) or "—")
        for p in years
    ]


def score_bars(years: list[Publication]) -> list[Bar]:
    """The published score by year, as shown when published; a year published without one shows "—"."""
    return [Bar(label=f"{p.year}", count=p.score_total or Decimal(0), text=shown_score(p) or "—") for p in years]
