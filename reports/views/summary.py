"""The finance bureau's summary table (汇总表) of a year, its exports and a unit's years side by side. Only the
bureau and administrators reach these pages; the figures are the ones frozen at submission (reports.key_figures),
so a page costs the same few queries for 2 units or 10,000."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from evaluations.models import Evaluation, Unit
from evaluations.money import format_percent, format_wan
from evaluations.outlines import known_regions, may_manage_outlines

from .. import prepared, summary_exports, tasks
from .. import summary as summary_rules
from ..charts import bar_chart
from ..excel.safe_writer import XLSX_CONTENT_TYPE, workbook_bytes
from ..key_figures import HANDED_OVER
from ..models import KeyFigures

PAGE_SIZE = 50
BLANK = "—"


def _require_bureau(request: HttpRequest) -> None:
    """The one access rule of these pages: the finance bureau and administrators."""
    if not may_manage_outlines(request.user):
        raise PermissionDenied


class _Query:
    """The table's filters and order, read from the query string; unknown values are ignored."""

    def __init__(self, request: HttpRequest) -> None:
        get = request.GET
        self.state = get.get("state", "") if get.get("state", "") in summary_rules.STATE_LABELS else ""
        self.grade = get.get("grade", "")[:4]
        self.region = get.get("region", "")[:60]
        self.department = get.get("department", "") if get.get("department", "").isdigit() else ""
        self.sort = get.get("sort", "") if get.get("sort", "") in summary_rules.SORTS else summary_rules.DEFAULT_SORT
        self.descending = get.get("dir") == "desc"

    def filters(self) -> dict[str, str]:
        return {"state": self.state, "grade": self.grade, "region": self.region, "department": self.department}

    def encoded(self, **changes: str) -> str:
        values = {**self.filters(), "sort": self.sort, "dir": "desc" if self.descending else "", **changes}
        return urlencode({key: value for key, value in values.items() if value})

    def sort_link(self, column: str) -> str:
        descending = column == self.sort and not self.descending
        return "?" + self.encoded(sort=column, dir="desc" if descending else "", page="")


def _units(year: int, units: QuerySet[Unit] | None = None) -> QuerySet[Unit]:
    # The department's summary passes its own units; the bureau sees the year's campaign's, or every unit.
    return summary_rules.units_of_year(year) if units is None else units


def _rows(year: int, query: _Query, units: QuerySet[Unit] | None = None) -> tuple[QuerySet[Unit], QuerySet[Unit]]:
    filtered = summary_rules.filtered_units(year, _units(year, units), **query.filters())
    return filtered, summary_rules.summary_rows(filtered, sort=query.sort, descending=query.descending)


def _display(row: Unit) -> Unit:
    """What a row shows, formatted once here: 万元 with two decimals, rates half-up, blank as —."""
    row.state_label = summary_rules.STATE_LABELS.get(row.state, row.state)
    row.spending_shown = format_wan(row.total_spending) or BLANK
    row.budget_shown = format_wan(row.budget) or BLANK
    row.rate_shown = format_percent(row.execution_rate)
    row.score_shown = BLANK if row.score_total is None else f"{row.score_total:.2f}"
    row.review_shown = BLANK if row.review_score is None else f"{row.review_score:.2f}"
    row.rank_shown = row.rank if row.score_total is not None else BLANK
    return row


@login_required
@require_safe
def summary_latest(request: HttpRequest) -> HttpResponse:
    """The table of the newest year with a report (last year when there is none)."""
    _require_bureau(request)
    year = Evaluation.objects.order_by("-year").values_list("year", flat=True).first()
    return redirect("summary", year=year or timezone.localdate().year - 1)


@login_required
@require_safe
def summary(request: HttpRequest, year: int) -> HttpResponse:
    """The table, eleven queries whatever the number of units: the session, the user and their membership, the
    campaign that chooses the units, the count and the page, the two charts (one each), the regions, the departments
    and the grades to filter by."""
    _require_bureau(request)
    return render(request, "summary/table.html", summary_context(request, year))


def summary_context(request: HttpRequest, year: int, units: QuerySet[Unit] | None = None) -> dict[str, Any]:
    """The table's context for ``units`` (default: the year's campaign's, or every unit). A department's summary
    calls this with its own units after its own access check."""
    query = _Query(request)
    filtered, rows = _rows(year, query, units)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page.object_list:
        _display(row)
    grades = summary_rules.grade_distribution(filtered)
    histogram = summary_rules.score_histogram(filtered)
    columns = [
        ("rank", _("排名")),
        ("unit", _("预算单位")),
        ("state", _("状态")),
        ("submitted", _("提交日期")),
        ("spending", _("实际支出合计（万元）")),
        ("budget", _("预算数（万元）")),
        ("rate", _("预算执行率")),
        ("score", _("自评得分")),
        ("grade", _("自评等级")),
        ("review", _("复核得分")),
        ("shortfalls", _("未说明原因的未达标指标")),
        ("checks", _("未通过的数字核对")),
    ]
    context: dict[str, Any] = {
        "year": year,
        "query": query,
        "page": page,
        "columns": [
            {
                "key": key,
                "label": label,
                "link": query.sort_link(key),
                "sorted": "descending"
                if key == query.sort and query.descending
                else "ascending"
                if key == query.sort
                else "",
            }
            for key, label in columns
        ],
        "states": list(summary_rules.STATE_LABELS.items()),
        "regions": known_regions(),
        "departments": summary_rules.departments(),
        "grade_choices": list(
            KeyFigures.objects.filter(evaluation__year=year)
            .exclude(grade="")
            .order_by("grade")
            .values_list("grade", flat=True)
            .distinct()
        ),
        "grade_chart": bar_chart(grades, title=_("%(year)s年度自评等级分布") % {"year": year}, chart_id="grades"),
        "score_chart": bar_chart(histogram, title=_("%(year)s年度自评得分分布") % {"year": year}, chart_id="scores"),
        "page_query": query.encoded(),
        "sheets_limit": summary_exports.SHEETS_LIMIT,
    }
    return context


@login_required
@require_safe
def summary_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    """The table as it is filtered and sorted, every page (four queries and the session's)."""
    _require_bureau(request)
    _filtered, rows = _rows(year, _Query(request))
    title = _("%(year)s年度部门整体支出绩效自评汇总表") % {"year": year}
    wb = summary_exports.summary_workbook(rows.iterator(chunk_size=2000), title=title)
    return _attachment(HttpResponse(workbook_bytes(wb), content_type=XLSX_CONTENT_TYPE), f"{title}.xlsx")


@login_required
@require_safe
def summary_sheets(request: HttpRequest, year: int) -> HttpResponseBase:
    """Every listed unit's 自评表 in one workbook, a sheet per unit that has a submitted report (see the limit)."""
    _require_bureau(request)
    query = _Query(request)
    filtered, _ordered = _rows(year, query)
    evaluations = Evaluation.objects.filter(
        year=year,
        unit__in=filtered.values("pk"),
        status__in=HANDED_OVER,
    )
    count = evaluations.count()
    if count > summary_exports.SHEETS_LIMIT:
        messages.error(
            request,
            _("共有 %(count)s 个单位，一次最多导出 %(limit)s 个单位的自评表。请按地区、状态或等级筛选后分批导出。")
            % {"count": count, "limit": summary_exports.SHEETS_LIMIT},
        )
        return redirect(f"{reverse('summary', args=[year])}?{query.encoded()}")
    title = _("%(year)s年度各单位自评表") % {"year": year}
    if prepared.in_worker():
        return _prepared_sheets(request, year, list(evaluations.values_list("pk", flat=True)), title)
    wb = summary_exports.self_evaluation_workbook(evaluations)
    if not wb.worksheets:
        wb.create_sheet(_("无"))
    return _attachment(HttpResponse(workbook_bytes(wb), content_type=XLSX_CONTENT_TYPE), f"{title}.xlsx")


def _prepared_sheets(request: HttpRequest, year: int, evaluation_ids: list[int], title: str) -> HttpResponseBase:
    """With a worker: the workbook of these evaluations as they stand is made once by a task; until it is ready the
    bureau sees a page that waits for it, polling this same address (htmx asks with HX-Request)."""
    name = prepared.sheets_name(year, evaluation_ids)
    storage = prepared.prepared_storage()
    ready = storage.exists(name)
    if ready and not request.headers.get("HX-Request"):
        return _attachment(FileResponse(storage.open(name, "rb"), content_type=XLSX_CONTENT_TYPE), f"{title}.xlsx")
    if not ready and cache.add(f"preparing:{name}", True, timeout=300):
        tasks.prepare_sheets.delay(evaluation_ids, name)
    url = request.get_full_path()
    context = {
        "what": title,
        "back_url": reverse("summary", args=[year]),
        "back_label": _("%(year)s年度汇总表") % {"year": year},
        "ready": ready,
        "file_url": url,
        "status_url": url,
    }
    if request.headers.get("HX-Request"):
        return render(request, "report/_preparing_status.html", context)
    return render(request, "report/preparing.html", context, status=202)


@login_required
@require_safe
def summary_zip(request: HttpRequest, year: int) -> StreamingHttpResponse:
    """The year's published PDFs (current versions) of the listed units, streamed as one zip."""
    _require_bureau(request)
    publications = list(summary_exports.current_publications(year, summary_rules.units_of_year(year)))
    response = StreamingHttpResponse(summary_exports.stream_zip(publications), content_type="application/zip")
    return _attachment(response, _("%(year)s年度已公开报告.zip") % {"year": year})


def _attachment(response: HttpResponse | StreamingHttpResponse, filename: str):
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


YEAR_FIELDS = (
    "year",
    "status",
    "key_figures__submitted_at",
    "key_figures__total_spending",
    "key_figures__basic_spending",
    "key_figures__project_spending",
    "key_figures__budget",
    "key_figures__execution_rate",
    "key_figures__score_total",
    "key_figures__grade",
    "key_figures__unexplained_shortfalls",
    "key_figures__failed_checks",
    "review__score_total",
)


@login_required
@require_safe
def unit_years(request: HttpRequest, pk: int) -> HttpResponse:
    """One unit's key figures and scores across the years, side by side (three queries and the session's: the
    unit, its years)."""
    _require_bureau(request)
    unit = get_object_or_404(Unit, pk=pk)
    years = list(Evaluation.objects.filter(unit=unit).order_by("year").values(*YEAR_FIELDS))
    handed_over = set(HANDED_OVER)

    def line(label: str, shown) -> dict[str, Any]:
        return {"label": label, "values": [shown(row) if row["status"] in handed_over else BLANK for row in years]}

    def score(value) -> str:
        return BLANK if value is None else f"{value:.2f}"

    lines = [
        {"label": _("状态"), "values": [summary_rules.STATE_LABELS[row["status"]] for row in years]},
        line(_("提交日期"), lambda r: _date(r["key_figures__submitted_at"])),
        line(_("实际支出合计（万元）"), lambda r: format_wan(r["key_figures__total_spending"]) or BLANK),
        line(_("基本支出（万元）"), lambda r: format_wan(r["key_figures__basic_spending"]) or BLANK),
        line(_("项目支出（万元）"), lambda r: format_wan(r["key_figures__project_spending"]) or BLANK),
        line(_("预算数（万元）"), lambda r: format_wan(r["key_figures__budget"]) or BLANK),
        line(_("预算执行率"), lambda r: format_percent(r["key_figures__execution_rate"])),
        line(_("自评得分"), lambda r: score(r["key_figures__score_total"])),
        line(_("自评等级"), lambda r: r["key_figures__grade"] or BLANK),
        line(_("复核得分"), lambda r: score(r["review__score_total"])),
        line(_("未说明原因的未达标指标"), lambda r: _count(r["key_figures__unexplained_shortfalls"])),
        line(_("未通过的数字核对"), lambda r: _count(r["key_figures__failed_checks"])),
    ]
    return render(request, "summary/unit_years.html", {"unit": unit, "years": years, "lines": lines})


def _date(value: datetime.datetime | None) -> str:
    return BLANK if value is None else timezone.localtime(value).date().isoformat()


def _count(value: int | None) -> object:
    return BLANK if value is None else value
