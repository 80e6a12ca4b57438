"""Report views: the report as a web page and as a PDF, for signed-in people who may see the evaluation."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from evaluations.models import Evaluation
from evaluations.selectors import get_evaluation_for_user

from ..rendering import PreviewRateLimited, cached_preview_pdf, pdf_response, report_filename
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
    return preview_pdf_response(request, evaluation, inline=request.GET.get("inline") == "1")


def preview_pdf_response(
    request: HttpRequest, evaluation: Evaluation, *, inline: bool, first_page: bool = False
) -> HttpResponse:
    """A draft's PDF (cached per content, see rendering.cached_preview_pdf), or a 429 page saying to wait a minute
    when this person has asked for too many new ones."""
    try:
        pdf = cached_preview_pdf(evaluation, request.user, first_page=first_page)
    except PreviewRateLimited as limited:
        response = render(
            request, "report/preview_limited.html", {"limit": settings.PREVIEW_RATE_PER_MINUTE}, status=429
        )
        response["Retry-After"] = str(limited.retry_after)
        return response
    return pdf_response(pdf, report_filename(evaluation), inline=inline)
