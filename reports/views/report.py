"""Report views: the report as a web page and as a PDF, for signed-in people who may see the evaluation."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from evaluations.models import Evaluation
from evaluations.selectors import get_evaluation_for_user

from ..rendering import html_to_pdf, pdf_response, render_document, report_filename
from ..report import build_report
from ..review import released_for


def _get_evaluation_for_user(request: HttpRequest, pk: int) -> Evaluation:
    return get_evaluation_for_user(request.user, pk)


@login_required
@require_safe
@cache_control(private=True, no_cache=True)
def report(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _get_evaluation_for_user(request, pk)
    context = {"evaluation": evaluation, "report": build_report(evaluation), "released": released_for(evaluation)}
    return render(request, "report/page.html", context)


@login_required
@require_safe
@cache_control(private=True, no_cache=True)
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF as a download, or shown by the browser itself with ?inline=1."""
    evaluation = _get_evaluation_for_user(request, pk)
    # html_to_pdf is looked up here so that tests of access can stand in for WeasyPrint.
    pdf = html_to_pdf(render_document(build_report(evaluation)))
    return pdf_response(pdf, report_filename(evaluation), inline=request.GET.get("inline") == "1")
