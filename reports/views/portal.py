"""The public portal: published reports only, no sign-in. Nothing else exists here: a draft, an unpublished state
or a version that was never published is 404, not 403."""

from __future__ import annotations

import re
from collections.abc import Iterator

from django import forms
from django.conf import settings
from django.core.files import File
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_safe

from config.middleware import language_independent
from evaluations.models import Publication, Unit

from ..publication import (
    CHUNK,
    INTEGRITY_FAILED,
    PublishedFileMissing,
    StoredFile,
    open_pdf,
    publications_storage,
    stored_file,
    with_last_check,
)
from ..rendering import content_disposition

PAGE_SIZE = 20


class PortalFilterForm(forms.Form):
    q = forms.CharField(label=_("单位名称"), required=False, max_length=100)
    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None)
    unit = forms.TypedChoiceField(label=_("预算单位"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only years and units that have something published: a choice that can only give an empty list is noise.
        years = Publication.objects.order_by("-year").values_list("year", flat=True).distinct()
        self.fields["year"].choices = [("", _("全部年度")), *((year, f"{year}") for year in years)]
        units = Unit.objects.filter(evaluations__publications__isnull=False).distinct().order_by("name")
        self.fields["unit"].choices = [("", _("全部单位")), *((unit.pk, unit.name) for unit in units)]
        for name in ["year", "unit"]:
            self.fields[name].widget.attrs["class"] = "form-select"

    def filter(self, publications: QuerySet[Publication]) -> QuerySet[Publication]:
        if not self.is_valid():
            return publications
        data = self.cleaned_data
        if data["q"]:
            publications = publications.filter(unit_name__icontains=data["q"].strip())
        if data["year"]:
            publications = publications.filter(year=data["year"])
        if data["unit"]:
            publications = publications.filter(evaluation__unit_id=data["unit"])
        return publications


@require_GET
def portal(request: HttpRequest) -> HttpResponse:
    """The current version of every published report, newest first."""
    form = PortalFilterForm(request.GET or None)
    publications = form.filter(Publication.objects.current()).order_by("-published_at", "-id").defer("body_html")
    page = Paginator(publications, PAGE_SIZE).get_page(request.GET.get("page"))
    # The filter, without the page number, for the pagination links.
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "portal/portal.html", {"form": form, "page": page, "query": query.urlencode()})


@require_GET
def publication_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # With its file's latest integrity check (same query): the page says when the download is held back.
    publication = get_object_or_404(with_last_check(Publication.objects.all()), pk=pk)
    versions = list(
        Publication.objects.filter(evaluation_id=publication.evaluation_id).order_by("-version").defer("body_html")
    )
    # The newest version replaces this one if it is not this one: the list above already says which it is.
    superseded_by = versions[0] if versions[0].version > publication.version else None
    return render(
        request,
        "portal/publication.html",
        {"publication": publication, "superseded_by": superseded_by, "versions": versions},
    )


@require_safe
@language_independent
def publication_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The stored bytes of this version, never rendered again, served like a static file: streamed from the file
    system (or by nginx, with X-Accel-Redirect; or straight from an S3-compatible store by a presigned redirect).
    The bytes behind a version never change, so the fingerprint is the ETag and the publication time the
    Last-Modified: a revalidation is answered 304 without touching the store, and a download that broke off resumes
    with a ``Range`` (one range, RFC 9110). The SHA-256 is checked when the file is stored and nightly
    (``verify_publications``), not here: a file whose latest check failed is refused with a page that says so."""
    publication = stored_file(pk)
    if publication is None:
        raise Http404
    if publication.failed_check:
        return _unavailable(request, str(INTEGRITY_FAILED))
    etag = f'"{publication.pdf_sha256}"'
    last_modified = int(publication.published_at.timestamp())
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        return _cacheable(not_modified, etag, last_modified)
    size = publication.pdf_size
    wanted = None
    if_range = request.headers.get("If-Range")
    if if_range is None or if_range == etag:
        wanted = requested_range(request.headers.get("Range", ""), size)
    if wanted == UNSATISFIABLE:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return _cacheable(response, etag, last_modified)
    elsewhere = _served_elsewhere(publication)
    if elsewhere is not None:
        return elsewhere if isinstance(elsewhere, HttpResponseRedirect) else _cacheable(elsewhere, etag, last_modified)
    first, last = wanted if wanted is not None else (0, size - 1)
    if request.method == "HEAD":
        response = HttpResponse(content_type="application/pdf")
    else:
        try:
            stored = open_pdf(publication)
        except PublishedFileMissing as error:
            return _unavailable(request, str(error))
        if wanted is None:
            # The whole file: a FileResponse, which a WSGI server with a file wrapper (gunicorn) sends by sendfile.
            response = FileResponse(stored, content_type="application/pdf")
        else:
            response = StreamingHttpResponse(
                _read_span(stored, first, last - first + 1), content_type="application/pdf"
            )
    response["Content-Disposition"] = content_disposition(publication.pdf_filename)
    response["Content-Length"] = str(last - first + 1)
    if wanted is not None:
        response.status_code = 206
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    return _cacheable(response, etag, last_modified)


def _served_elsewhere(publication: StoredFile) -> HttpResponseBase | None:
    """nginx sends the file (X-Accel-Redirect, PUBLICATIONS_X_ACCEL_PREFIX; it answers ranges itself), or a store
    without a file system sends it from a presigned URL; None when Django streams it."""
    prefix = settings.PUBLICATIONS_X_ACCEL_PREFIX
    if prefix:
        response = HttpResponse(content_type="application/pdf")
        response["X-Accel-Redirect"] = f"{prefix}/{publication.pdf_name}"
        response["Content-Disposition"] = content_disposition(publication.pdf_filename)
        return response
    storage = publications_storage()
    try:
        storage.path(publication.pdf_name)
    except NotImplementedError:
        # S3-compatible (django-storages): a URL signed for a short while, naming the download as ours does.
        parameters = {"ResponseContentDisposition": content_disposition(publication.pdf_filename)}
        return HttpResponseRedirect(storage.url(publication.pdf_name, parameters=parameters))
    return None


def _read_span(stored: File, first: int, length: int) -> Iterator[bytes]:
    """``length`` bytes from ``first``, in chunks (a file never has to fit in memory); closes the file."""
    try:
        stored.seek(first)
        while length > 0:
            chunk = stored.read(min(CHUNK, length))
            if not chunk:
                break
            length -= len(chunk)
            yield chunk
    finally:
        stored.close()


def _unavailable(request: HttpRequest, message: str) -> HttpResponse:
    # 503, not 404: the version exists and its page stays; the file is held back until an administrator has
    # restored it, and nothing should cache this answer.
    response = render(request, "portal/file_unavailable.html", {"message": message}, status=503)
    response["Cache-Control"] = "no-store"
    return response


def _cacheable(response: HttpResponse, etag: str, last_modified: int) -> HttpResponse:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = "public, max-age=86400"
    response["Accept-Ranges"] = "bytes"
    return response


UNSATISFIABLE = "unsatisfiable"
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def requested_range(header: str, size: int) -> tuple[int, int] | str | None:
    """The one byte range a ``Range`` header asks for, as (first, last) inclusive; :data:`UNSATISFIABLE` when it lies
    beyond the file; ``None`` when there is none or it is not one plain byte range (then the whole file is sent, as
    RFC 9110 allows)."""
    match = _RANGE.match(header.strip())
    if match is None or match.groups() == ("", ""):
        return None
    start, end = match.groups()
    if start == "":
        # The last N bytes.
        length = int(end)
        if length == 0:
            return UNSATISFIABLE
        return max(size - length, 0), size - 1
    first = int(start)
    if first >= size:
        return UNSATISFIABLE
    last = size - 1 if end == "" else min(int(end), size - 1)
    if last < first:
        return None
    return first, last
