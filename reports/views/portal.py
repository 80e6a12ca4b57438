"""The public portal: published reports only, no sign-in. Nothing else exists here: a draft, an unpublished state
or a version that was never published is 404, not 403."""

from __future__ import annotations

import re

from django import forms
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_safe

from evaluations.models import Publication

from ..portal import (
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
from ..publication import PublishedFileMissing, read_pdf
from ..rendering import pdf_response


class PortalFilterForm(forms.Form):
    q = forms.CharField(label=_("单位名称、简称或地区"), required=False, max_length=100)
    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None)
    region = forms.ChoiceField(label=_("所属地区"), required=False)
    grade = forms.ChoiceField(label=_("等级"), required=False)

    def __init__(self, *args, facets: Facets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("全部年度")), *((year, f"{year}") for year in facets.years)]
        self.fields["region"].choices = [("", _("全部地区")), *((region, region) for region in facets.regions)]
        self.fields["grade"].choices = [("", _("全部等级")), *((grade, grade) for grade in facets.grades)]
        for name in ["year", "region", "grade"]:
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
        )


@require_GET
def portal(request: HttpRequest) -> HttpResponse:
    """The current version of every published report, newest first, a page at a time (keyset: ``after`` and
    ``before`` are cursors, see reports.portal.Cursor)."""
    generation = latest_publication_id()
    form = PortalFilterForm(request.GET or None, facets=facets(generation))
    query = form.query()
    publications = current_publications(query)
    page = keyset_page(
        publications, after=Cursor.parse(request.GET.get("after")), before=Cursor.parse(request.GET.get("before"))
    )
    # The filter, without the cursor, for the page links.
    filters = request.GET.copy()
    for name in ["after", "before", "page"]:
        filters.pop(name, None)
    return render(
        request,
        "portal/portal.html",
        {
            "form": form,
            "page": page,
            "count": cached_count(query, publications, generation),
            "filters": filters.urlencode(),
            "suggestions_url": reverse("portal_units"),
        },
    )


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
    publication = get_object_or_404(Publication.objects.annotate(unit_id=F("evaluation__unit_id")), pk=pk)
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
