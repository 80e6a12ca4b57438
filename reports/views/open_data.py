"""Open data (公开数据), public like the portal: the frozen document of each published version as JSON and CSV, the
year files of headline figures, the schema and the page that explains them. Nothing unpublished exists here, and a
version published before documents existed has no data files (404; the index page says so).

Every file answers conditional requests (ETag, Last-Modified → 304) and HEAD. The files are the same in every
interface language, so they carry no ``Vary: Accept-Language`` (``config.middleware.ChosenLanguageMiddleware``)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import get_object_or_404, render
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from evaluations.models import Publication

from .. import open_data

JSON_TYPE = "application/json; charset=utf-8"
CSV_TYPE = "text/csv; charset=utf-8"
SCHEMA_TYPE = "application/schema+json"
# A version's file changes only when a correction supersedes it (its status); a year file when anything of the year
# is published. Both revalidate cheaply, so they are cached for an hour.
MAX_AGE = 3600


def _fingerprint(*parts: object) -> str:
    return '"' + hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()[:32] + '"'


def _answer(
    request: HttpRequest, *, etag: str, last_modified: int | None, content_type: str, body: Callable[[], bytes]
) -> HttpResponse:
    """304 when the reader's copy is current (If-None-Match first, then If-Modified-Since), else the body."""
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = HttpResponse(body(), content_type=content_type)
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    # Public data: any site may read it from a browser.
    response["Access-Control-Allow-Origin"] = "*"
    response.language_independent = True
    return response


def _version_file(request: HttpRequest, pk: int, content_type: str, encode: Callable[[dict], bytes]) -> HttpResponse:
    publication = get_object_or_404(Publication.objects.defer("body_html", "scheme_data"), pk=pk)
    if not publication.data:
        # Published before documents were frozen at publication: building one from today's data would publish
        # figures nobody approved. The reason in plain text, for whoever fetched the file with a script.
        return HttpResponseNotFound(
            _("此版本公开时尚未生成公开数据，请使用报告PDF。"), content_type="text/plain; charset=utf-8"
        )
    served, changed_at = open_data.served_document(publication)
    data = encode(served)
    return _answer(
        request,
        etag='"' + hashlib.sha256(data).hexdigest() + '"',
        last_modified=int(changed_at.timestamp()),
        content_type=content_type,
        body=lambda: data,
    )


@require_safe
def publication_json(request: HttpRequest, pk: int) -> HttpResponse:
    return _version_file(request, pk, JSON_TYPE, open_data.json_bytes)


@require_safe
def publication_csv(request: HttpRequest, pk: int) -> HttpResponse:
    response = _version_file(request, pk, CSV_TYPE, lambda served: open_data.csv_bytes(open_data.document_rows(served)))
    response["Content-Disposition"] = f'attachment; filename="publication-{pk}.csv"'
    return response


def _year_file(request: HttpRequest, year: int, content_type: str, encode: Callable) -> HttpResponse:
    all_versions = request.GET.get("versions") == "all"
    state = open_data.year_fingerprint(year, all_versions=all_versions)
    if not state["count"]:
        raise Http404(_("该年度没有已公开的报告。"))
    last = state["last_published"]
    return _answer(
        request,
        etag=_fingerprint(
            year, all_versions, state["count"], state["last_id"], last.isoformat(), open_data.SCHEMA_VERSION
        ),
        last_modified=int(last.timestamp()),
        content_type=content_type,
        body=lambda: encode(year, open_data.year_rows(year, all_versions=all_versions)),
    )


def _year_json(year: int, rows) -> bytes:
    # The year files' columns are explained on the index page (open_data.YEAR_COLUMN_NOTES), not by the schema.
    return open_data.json_bytes({"year": year, "amount_unit": "元", "reports": list(rows)})


def _year_csv(year: int, rows) -> bytes:
    columns = open_data.YEAR_COLUMNS
    return open_data.csv_bytes([columns, *([row[name] for name in columns] for row in rows)])


@require_safe
def year_json(request: HttpRequest, year: int) -> HttpResponse:
    return _year_file(request, year, JSON_TYPE, _year_json)


@require_safe
def year_csv(request: HttpRequest, year: int) -> HttpResponse:
    response = _year_file(request, year, CSV_TYPE, _year_csv)
    response["Content-Disposition"] = f'attachment; filename="open-data-{year}.csv"'
    return response


@require_safe
def schema(request: HttpRequest) -> HttpResponse:
    data = open_data.schema_bytes()
    return _answer(
        request,
        etag='"' + hashlib.sha256(data).hexdigest() + '"',
        last_modified=None,
        content_type=SCHEMA_TYPE,
        body=lambda: data,
    )


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """What the files are, every field explained (from the schema), and the years with their files."""
    return render(
        request,
        "open_data/index.html",
        {
            "years": open_data.years_available(),
            "fields": open_data.field_table(),
            "year_fields": open_data.year_field_table(),
            "schema_path": open_data.SCHEMA_PATH,
        },
    )
