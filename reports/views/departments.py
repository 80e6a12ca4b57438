"""The department's pages (主管部门): the summary of its units' reports of a year. Only the head of a unit that has
units under it may open them; the reports themselves open through the ordinary pages, read-only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from evaluations.models import Unit

from ..departments import department_of, summary_rows, summary_units

PAGE_SIZE = 50


def _require_department(request: HttpRequest) -> Unit:
    department = department_of(request.user)
    if department is None:
        raise PermissionDenied
    return department


def _year(request: HttpRequest) -> int:
    # The self-evaluation is of the last fiscal year, done in this one.
    default = timezone.localdate().year - 1
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        return default
    return year if 2000 <= year <= 2100 else default


@login_required
@require_safe
def department_summary(request: HttpRequest) -> HttpResponse:
    """The department's units, a page at a time, with their report of the year: status, submission date and the
    key figures frozen at submission. The same number of queries whatever the number of units."""
    department = _require_department(request)
    year = _year(request)
    page = Paginator(summary_units(department), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "departments/summary.html",
        {
            "department": department,
            "year": year,
            "page": page,
            "page_query": f"year={year}",
            "rows": summary_rows(list(page.object_list), year),
        },
    )
