"""Rendering the report: the HTML body, the standalone print document, the PDF, and the file name and
Content-Disposition under which a PDF is served. Everything that turns a report into bytes goes through here.

The PDF is the same body template as the web page with a print stylesheet of its own (no Bootstrap), rendered by
WeasyPrint with a URL fetcher that serves our static files from disk and refuses everything else.
"""

from __future__ import annotations

import atexit
import functools
import gc
import hashlib
import logging
import mimetypes
import re
import threading
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import PurePosixPath
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from evaluations.models import Evaluation

from .document import Report
from .report import REPORT_LANGUAGE, build_report

# The document's base URL. The host does not exist: it only gives relative and /static/ URLs an address that the
# fetcher recognises as ours; nothing is ever requested from it.
BASE_URL = "https://report.invalid/"
_OUR_HOST = urlsplit(BASE_URL).netloc
# Characters no file system or browser accepts in a download name.
_UNSAFE_IN_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
# Rules of WeasyPrint's user-agent stylesheet for pseudo-elements the report never has (list markers, footnotes,
# notes). They match every element, so WeasyPrint computes five extra styles for each of the report's thousands of
# elements and leaves them behind as cyclic garbage (the large benchmark report: ~10 % of its PDF time).
_UNUSED_UA_RULE = re.compile(
    r"^::(?:marker|footnote-call|footnote-marker|note-call|note-marker|note-callback) \{[^}]*\}$", re.M
)
_UNUSED_UA_RULES = 6
# A tagged PDF: a structure tree (headings, paragraphs, tables with header cells) that screen readers and reflow
# follow, besides the /Lang and title WeasyPrint already takes from <html lang> and <title>. Not the "pdf/ua-1"
# variant: that would claim PDF/UA conformance in the metadata, which nothing here validates. Costs ~10 % of the
# demo's PDF time (README.md, "Performance").
PDF_OPTIONS = {"pdf_tags": True}

logger = logging.getLogger(__name__)


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


@functools.cache
def _report_html_class():
    """WeasyPrint's HTML with its user-agent stylesheet less the rules in _UNUSED_UA_RULE; the stock class (slower,
    same output) if this WeasyPrint's stylesheet does not have exactly those rules."""
    import weasyprint.css
    from weasyprint import CSS, HTML
    from weasyprint.css.counters import CounterStyle

    stock = (files(weasyprint.css) / "html5_ua.css").read_text("utf-8")
    trimmed, removed = _UNUSED_UA_RULE.subn("", stock)
    if removed != _UNUSED_UA_RULES:
        logger.warning("WeasyPrint's user-agent stylesheet changed: rendering PDFs with the stock one (slower)")
        return HTML
    # The stock sheet, parsed on import, has already registered the @counter-style rules this one repeats.
    stylesheet = CSS(string=trimmed, counter_style=CounterStyle())

    class ReportHTML(HTML):
        def _ua_stylesheets(self, forms=False):
            return [stylesheet, *super()._ua_stylesheets(forms)[1:]]

    return ReportHTML


_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while WeasyPrint works, then one collection of the young objects.

    WeasyPrint builds hundreds of thousands of objects that live until the PDF is written (boxes, styles, glyph
    runs); the collector's full collections walk all of them again and again, for nothing (the large benchmark
    report: four full collections, ~450 ms of its ~1.8 s).
    Nested and concurrent renders share one pause: the collector comes back when the last of them ends."""
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            resume = _gc_pauses == 0 and _gc_was_enabled
            if resume:
                gc.enable()
        if resume:
            # Everything made during the pause is still in the youngest generation: collect just that.
            gc.collect(0)


_per_thread = threading.local()


def _font_config():
    """This thread's WeasyPrint FontConfiguration, kept from one PDF to the next.

    A new one per PDF means a new Pango font map: fontconfig matching, FreeType faces and glyph metrics of the four
    CJK faces all over again (~35 ms of the demo's ~380 ms). Pango font maps are not thread-safe, hence one per
    thread. The stylesheet's @font-face faces are added to it by the first document only: WeasyPrint keeps each
    face's file in the configuration's folder and skips the rule when it finds it there, so nothing accumulates from
    one document to the next."""
    config = getattr(_per_thread, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _per_thread.font_config = FontConfiguration()
        if threading.current_thread() is threading.main_thread():
            # Dropped before the interpreter takes its modules apart, while its __del__ can still remove the
            # folder where it keeps the @font-face files (other threads drop theirs when they end).
            atexit.register(_per_thread.__dict__.pop, "font_config", None)
    return config


def _render_document(html: str):
    """The laid-out weasyprint.Document (benchmarks time its two steps apart)."""
    document = _report_html_class()(string=html, base_url=BASE_URL, url_fetcher=static_url_fetcher())
    return document.render(font_config=_font_config())


def _render_pdf(html: str) -> bytes:
    # Its own function so that the document is garbage by the time the collector runs again.
    return _render_document(html).write_pdf(**PDF_OPTIONS)


def html_to_pdf(html: str) -> bytes:
    """A document of ours (see render_document) as PDF bytes; it may load nothing but our static files."""
    with _collector_paused():
        return _render_pdf(html)


def render_report_pdf(evaluation: Evaluation) -> bytes:
    """The report as an A4 PDF in the official document format, fonts embedded."""
    return html_to_pdf(render_report_html(evaluation))


def render_report_first_page_pdf(evaluation: Evaluation) -> bytes:
    """The first page of the report's PDF as a one-page PDF: laid out exactly as :func:`render_report_pdf` lays out
    the whole (WeasyPrint copies laid-out pages into a new document), so what is previewed is what is published."""
    return html_to_first_page_pdf(render_report_html(evaluation))


def html_to_first_page_pdf(html: str) -> bytes:
    with _collector_paused():
        document = _render_document(html)
        return document.copy(document.pages[:1]).write_pdf(**PDF_OPTIONS)


# ---------------------------------------------------------------------------
# Draft previews: cached per content, rate-limited per person
# ---------------------------------------------------------------------------
# A preview's PDF stays cached this long; a changed report has another key, so this only bounds the memory.
PREVIEW_CACHE_SECONDS = 60 * 60


class PreviewRateLimited(Exception):
    """The person asked for more new PDFs this minute than PREVIEW_RATE_PER_MINUTE allows."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def cached_preview_pdf(evaluation: Evaluation, user, *, first_page: bool = False) -> bytes:
    """A draft's PDF (or its first page) for ``user``: from the cache when the report reads as it did last time,
    otherwise rendered once (WeasyPrint: about a second of a worker's CPU) under the person's per-minute limit.

    The key is the digest of the HTML document the PDF is made from, not a revision counter: the document depends
    on the content, the outline, the scoring scheme, the unit's name, the status and our templates, and a key made of
    counters would serve a stale PDF the day one of them changes without its counter. Building the HTML costs a few
    queries and tens of milliseconds; only the PDF is worth caching."""
    html = render_report_html(evaluation)
    digest = hashlib.sha256(html.encode()).hexdigest()
    key = f"preview-pdf:{evaluation.pk}:{'first' if first_page else 'all'}:{digest}"
    pdf = cache.get(key)
    if pdf is None:
        _count_preview(user)
        pdf = html_to_first_page_pdf(html) if first_page else html_to_pdf(html)
        cache.set(key, pdf, PREVIEW_CACHE_SECONDS)
    return pdf


def _count_preview(user) -> None:
    """One more rendering by ``user`` in this minute, or PreviewRateLimited. A fixed window per minute: simple, and
    at most twice the limit across a minute's boundary, which is enough to stop a script hammering the button."""
    now = time.time()
    window = int(now // 60)
    key = f"preview-rate:{user.pk}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:
        # The counter expired between add and incr (a cache restart): count afresh.
        cache.set(key, 1, timeout=120)
        count = 1
    if count > settings.PREVIEW_RATE_PER_MINUTE:
        raise PreviewRateLimited(retry_after=max(1, int((window + 1) * 60 - now)))


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
