"""The public portal: published reports only, no sign-in. Nothing else exists here: a draft, an unpublished state
or a version that was never published is 404, not 403."""

from __future__ import annotations

import re
from collections.abc import Iterator

from django import forms
from django.conf import settings
from django.core.files import File
from django.db.models import F
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.functional import SimpleLazyObject
from django.utils.http import http_date
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_safe

from config.middleware import language_independent
from evaluations.models import Publication

from ..portal import (
    COUNT_TTL,
    SUGGESTIONS_TTL,
    Cursor,
    Facets,
    PortalQuery,
    cached_count,
    current_publications,
    facets,
    keyset_page,
    latest_publication_id,
    published_body,
    unit_suggestions,
    unit_years,
    year_charts,
)
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


class PortalFilterForm(forms.Form):
    q = forms.CharField(label=_("单位名称、简称或地区"), required=False, max_length=100)
    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None)
    region = forms.ChoiceField(label=_("所属地区"), required=False)
    grade = forms.ChoiceField(label=_("等级"), required=False)
    department = forms.TypedChoiceField(label=_("主管部门"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, facets: Facets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("全部年度")), *((year, f"{year}") for year in facets.years)]
        self.fields["region"].choices = [("", _("全部地区")), *((region, region) for region in facets.regions)]
        self.fields["grade"].choices = [("", _("全部等级")), *((grade, grade) for grade in facets.grades)]
        self.fields["department"].choices = [("", _("全部主管部门")), *facets.departments]
        for name in ["year", "region", "grade", "department"]:
            self.fields[name].widget.attrs["class"] = "form-select"

    def query(self) -> PortalQuery:
        """What was asked, as far as it is valid: a stale choice in a bookmarked link (a year since withdrawn) is
        dropped, not an error page."""
        self.is_valid()
        data = {name: value for name, value in getattr(self, "cleaned_data", {}).items() if value}
        return PortalQuery(
            q=(data.get("q") or "").strip(),
            year=data.get("year"),
            region=data.get("region", ""),
            grade=data.get("grade", ""),
            department=data.get("department"),
        )


@require_GET
def portal(request: HttpRequest) -> HttpResponse:
    """The current version of every published report, newest first, a page at a time (keyset: ``after`` and
    ``before`` are cursors, see reports.portal.Cursor)."""
    generation = latest_publication_id()
    form = PortalFilterForm(request.GET or None, facets=facets(generation))
    query = form.query()
    publications = current_publications(query)
    after, before = Cursor.parse(request.GET.get("after")), Cursor.parse(request.GET.get("before"))
    # The filter, without the cursor, for the page links.
    filters = request.GET.copy()
    for name in ["after", "before", "page"]:
        filters.pop(name, None)
    return render(
        request,
        "portal/portal.html",
        {
            "form": form,
            # Read only if the list is not in the cache already (the template caches it, see RESULTS_KEPT): the
            # same query, page and newest publication give the same rows.
            "page": SimpleLazyObject(lambda: keyset_page(publications, after=after, before=before)),
            # A callable: the template calls it where it is shown, inside the cached list.
            "count": lambda: cached_count(query, publications, generation),
            "filters": filters.urlencode(),
            "results_key": f"{generation}:{query.cache_key()}:{after}:{before}",
            "results_kept": RESULTS_KEPT,
            "suggestions_url": reverse("portal_units"),
        },
    )


# The rendered list of a page of results is kept for as long as the count (the key holds the newest publication's
# id, so anything published makes a new key at once): the public's most visited page, the same for every reader.
RESULTS_KEPT = COUNT_TTL


@require_GET
def portal_units(request: HttpRequest) -> JsonResponse:
    """The search box's suggestions: names of units with something published that match ``q``, a page at a time."""
    q = request.GET.get("q", "")[:100]
    try:
        page = max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        page = 1
    # Suggestions are read from the top; a page beyond the thousandth is someone walking the list, not typing.
    response = JsonResponse(unit_suggestions(q, min(page, 1000)), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = f"public, max-age={SUGGESTIONS_TTL}"
    return response


@require_GET
def publication_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # With its unit, and its file's latest integrity check (same query): the page says when the download is held
    # back.
    publication = get_object_or_404(
        with_last_check(Publication.objects.annotate(unit_id=F("evaluation__unit_id"))), pk=pk
    )
    versions = list(
        Publication.objects.filter(evaluation_id=publication.evaluation_id)
        .order_by("-version")
        .only("id", "version", "published_at")
    )
    # The newest version replaces this one if it is not this one: the list above already says which it is.
    superseded_by = versions[0] if versions[0].version > publication.version else None
    years = unit_years(publication.unit_id)
    return render(
        request,
        "portal/publication.html",
        {
            "publication": publication,
            "superseded_by": superseded_by,
            "versions": versions,
            "body": published_body(publication),
            "other_years": [p for p in years if p.evaluation_id != publication.evaluation_id],
            "charts": year_charts(years),
        },
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
    return stored_pdf_response(request, publication)


def stored_pdf_response(request: HttpRequest, publication: StoredFile) -> HttpResponseBase:
    """The download of a version whose file is not held back: 304, 416, a range, the whole file, or nginx's or the
    store's delivery of it. Needs nothing of the request but its method and headers, so
    :class:`reports.middleware.PublishedFilesMiddleware` can answer with it before the session is read."""
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
