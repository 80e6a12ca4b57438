"""Rendering the report: the HTML body, the standalone print document, the PDF, and the file name and
Content-Disposition under which a PDF is served. Everything that turns a report into bytes goes through here.

The PDF is the same body template as the web page with a print stylesheet of its own (no Bootstrap), rendered by
WeasyPrint with a URL fetcher that serves our static files from disk and refuses everything else.
"""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from pathlib import PurePosixPath
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from .models import Evaluation
from .report import REPORT_LANGUAGE, Report, build_report

# The document's base URL. The host does not exist: it only gives relative and /static/ URLs an address that the
# fetcher recognises as ours; nothing is ever requested from it.
BASE_URL = "https://report.invalid/"
_OUR_HOST = urlsplit(BASE_URL).netloc
# Characters no file system or browser accepts in a download name.
_UNSAFE_IN_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


class UnsafeResourceError(ValueError):
    """The report asked for something other than one of our static files."""


def _static_path(url: str) -> str:
    """The file on disk behind one of our static URLs, or :class:`UnsafeResourceError`."""
    parts = urlsplit(url)
    static_prefix = urlsplit(settings.STATIC_URL).path
    if parts.scheme != "https" or parts.netloc != _OUR_HOST or not parts.path.startswith(static_prefix):
        raise UnsafeResourceError(f"Refused to fetch {url[:200]!r}: only our static files may be loaded")
    relative = unquote(parts.path[len(static_prefix) :])
    if not relative or ".." in PurePosixPath(relative).parts:
        raise UnsafeResourceError(f"Refused to fetch {url[:200]!r}")
    try:
        path = finders.find(relative)
    except SuspiciousFileOperation as error:
        raise UnsafeResourceError(f"Refused to fetch {url[:200]!r}") from error
    if not path:
        raise UnsafeResourceError(f"No static file {relative!r}")
    return path


def _url_fetcher_class():
    # WeasyPrint is imported on first use only: it loads Pango and fonts, which most requests never need.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        """Serves our static files from disk; http, file://, data: and everything else are refused."""

        def fetch(self, url, headers=None):
            path = _static_path(url)
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            with open(path, "rb") as file:
                body = file.read()
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return StaticFilesFetcher


def static_url_fetcher():
    """A WeasyPrint URL fetcher that only serves our static files."""
    return _url_fetcher_class()()


def render_body(report: Report) -> str:
    with translation.override(REPORT_LANGUAGE):
        return render_to_string("report/_body.html", {"report": report})


def render_report_body(evaluation: Evaluation) -> str:
    """The report body as an escaped HTML fragment: title, every section and table, the signature. The same for
    the web page, the PDF and the snapshot frozen at publication (shown with static/css/report.css)."""
    return render_body(build_report(evaluation))


def render_document(report: Report) -> str:
    with translation.override(REPORT_LANGUAGE):
        return render_to_string("report/document.html", {"report": report})


def render_report_html(evaluation: Evaluation) -> str:
    """The standalone HTML document the PDF is made from: lang="zh-CN", the print stylesheet, no Bootstrap."""
    return render_document(build_report(evaluation))


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=BASE_URL, url_fetcher=static_url_fetcher()).write_pdf()


def render_report_pdf(evaluation: Evaluation) -> bytes:
    """The report as an A4 PDF in the official document format, fonts embedded."""
    return html_to_pdf(render_report_html(evaluation))


def report_filename(evaluation: Evaluation) -> str:
    """<unit full name><year>年度部门整体支出绩效自评报告.pdf, safe on every file system."""
    stem = _UNSAFE_IN_FILENAME.sub("_", evaluation.title).strip(" .") or "report"
    return f"{stem}.pdf"


def ascii_filename(filename: str) -> str:
    """The fallback for browsers that ignore filename*: only letters, digits, '.', '-' and '_'."""
    stem, dot, extension = filename.rpartition(".")
    if not dot:
        stem, extension = filename, ""
    decomposed = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", decomposed).strip("-_")
    if safe != stem:
        # Something was lost (the Chinese name, usually): say what the file is rather than leave a bare year.
        safe = f"report-{safe}" if safe else "report"
    extension = re.sub(r"[^A-Za-z0-9]+", "", extension)
    return f"{safe}.{extension}" if extension else safe


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """RFC 6266: an ASCII filename for old clients and filename*=UTF-8''… that every current browser prefers."""
    disposition = "inline" if inline else "attachment"
    return f"{disposition}; filename=\"{ascii_filename(filename)}\"; filename*=UTF-8''{quote(filename, safe='')}"


def pdf_response(pdf_bytes: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    """A PDF download (or, with ``inline``, a PDF the browser shows itself) under its Chinese name."""
    response = HttpResponse(pdf_bytes, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    response["Content-Length"] = str(len(pdf_bytes))
    return response
