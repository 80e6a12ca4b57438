"""Report views: the report as a web page and as a PDF, for signed-in people who may see the evaluation."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from evaluations.models import Evaluation
from evaluations.selectors import get_evaluation_for_user

from .. import prepared, tasks
from ..rendering import PreviewRateLimited, cached_preview_pdf, content_disposition, pdf_response, report_filename
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
def report_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The PDF as a download, or shown by the browser itself with ?inline=1. With a worker, the PDF of this revision
    of the report is prepared by it, once: until it is ready the person sees a page that waits for it."""
    evaluation = _get_evaluation_for_user(request, pk)
    inline = request.GET.get("inline") == "1"
    if not prepared.in_worker():
        # No worker (make run): rendered here, once per content (cached_preview_pdf), at most so many a minute.
        return preview_pdf_response(request, evaluation, inline=inline)
    name = prepared.preview_name(evaluation)
    storage = prepared.prepared_storage()
    if storage.exists(name):
        response = FileResponse(storage.open(name, "rb"), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition(report_filename(evaluation), inline=inline)
        return response
    # Queued once per revision (best effort across processes; a second render of a revision is only wasted work).
    if cache.add(f"preparing:{name}", True, timeout=PREPARING_FOR):
        tasks.prepare_preview.delay(evaluation.pk, name)
    return render(request, "report/preparing.html", _preparing_context(evaluation, inline, ready=False), status=202)


# How long a queued preview counts as under way before a new request queues it again (a lost message).
PREPARING_FOR = 300


@login_required
@require_safe
@cache_control(private=True, no_cache=True)
def report_pdf_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Whether the preview of the report's current revision is ready, for the waiting page's polling."""
    evaluation = _get_evaluation_for_user(request, pk)
    ready = prepared.prepared_storage().exists(prepared.preview_name(evaluation))
    inline = request.GET.get("inline") == "1"
    return render(request, "report/_preparing_status.html", _preparing_context(evaluation, inline, ready=ready))


def _preparing_context(evaluation: Evaluation, inline: bool, *, ready: bool) -> dict[str, object]:
    query = "?inline=1" if inline else ""
    return {
        "what": _("报告PDF"),
        "back_url": reverse("evaluation_detail", args=[evaluation.pk]),
        "back_label": evaluation.year,
        "ready": ready,
        "file_url": reverse("evaluation_report_pdf", args=[evaluation.pk]) + query,
        "status_url": reverse("evaluation_report_pdf_status", args=[evaluation.pk]) + query,
    }


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
