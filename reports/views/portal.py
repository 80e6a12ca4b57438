"""The public portal: published reports only, no sign-in. Nothing else exists here: a draft, an unpublished state
or a version that was never published is 404, not 403."""

from __future__ import annotations

import re

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_safe

from evaluations.models import Publication, Unit

from ..publication import PublishedFileMissing, read_pdf
from ..rendering import pdf_response

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
    publications = (
        form.filter(Publication.objects.current()).order_by("-published_at", "-id").defer("body_html", "data")
    )
    page = Paginator(publications, PAGE_SIZE).get_page(request.GET.get("page"))
    # The filter, without the page number, for the pagination links.
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "portal/portal.html", {"form": form, "page": page, "query": query.urlencode()})


@require_GET
def publication_detail(request: HttpRequest, pk: int) -> HttpResponse:
    publication = get_object_or_404(Publication, pk=pk)
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
def publication_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored bytes of this version, never rendered again. The bytes behind a version never change, so the
    fingerprint is the ETag and the publication time the Last-Modified: a revalidation is answered 304 without
    reading the store, and a download that broke off resumes with a ``Range`` (one range, RFC 9110)."""
    publication = get_object_or_404(Publication, pk=pk)
    etag = f'"{publication.pdf_sha256}"'
    last_modified = int(publication.published_at.timestamp())
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        return _cacheable(not_modified, etag, last_modified)
    try:
        data = read_pdf(publication)
    except PublishedFileMissing as error:
        raise Http404(str(error)) from None
    wanted = None
    if_range = request.headers.get("If-Range")
    if if_range is None or if_range == etag:
        wanted = requested_range(request.headers.get("Range", ""), len(data))
    if wanted == UNSATISFIABLE:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{len(data)}"
        return _cacheable(response, etag, last_modified)
    if wanted is not None:
        first, last = wanted
        response = pdf_response(data[first : last + 1], publication.pdf_filename)
        response.status_code = 206
        response["Content-Range"] = f"bytes {first}-{last}/{len(data)}"
        return _cacheable(response, etag, last_modified)
    return _cacheable(pdf_response(data, publication.pdf_filename), etag, last_modified)


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
