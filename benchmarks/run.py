"""`make bench`: how long the report takes to render, for the demo and for a large synthetic report.

For each report: queries to build it, HTML render time, PDF render time in-process after a warm-up (median, min,
max; wall clock and CPU), PDF size and pages, WeasyPrint's two steps apart (layout, then writing the PDF); then,
from the same HTML taking turns, the tagged PDF against an untagged one (what tagging costs: issue 12 allows 20 %)
and against headless Chromium (Playwright, /usr/bin/chromium, one reused page, warmed up like WeasyPrint) with the
CPU time of Chromium's own processes; and against the same stylesheet without its @font-face rules, i.e. with the
system's whole Noto CJK collections as before the faces cut by reports.print_fonts (`make fonts`). From the two
reports' medians, each contender's cost per page and fixed cost per PDF. `--compare-stock` also times plain WeasyPrint
(stock user-agent stylesheet, garbage collector left on): what reports.rendering saves. Runs on a throwaway SQLite
database.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import statistics
import time
from collections.abc import Callable

from .data import demo_evaluation, large_evaluation, setup_django

TARGET_DEMO_PDF_SECONDS = 1.0
TARGET_DEMO_HTML_SECONDS = 0.050
# Issue 12: tagging the PDF may cost at most 20 % of its rendering time.
TARGET_TAGGED_RATIO = 1.20


def timed(
    action: Callable[[], object], runs: int, warmup: int = 1, cpu_clock: Callable[[], float] = time.process_time
) -> tuple[list[float], list[float], object]:
    """Wall-clock and CPU seconds of each run. CPU time is this process's unless another clock is given: it shows
    what a busy machine adds to the wall clock."""
    result = None
    for _ in range(warmup):
        result = action()
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), cpu_clock()
        result = action()
        wall.append(time.perf_counter() - start)
        cpu.append(cpu_clock() - start_cpu)
    return wall, cpu, result


def interleaved(
    contenders: dict[str, tuple[Callable[[], bytes], Callable[[], float]]], runs: int
) -> dict[str, tuple[list[float], list[float], bytes]]:
    """Like timed(), for several actions taking turns: each warmed up once, then run 1 of each, run 2 of each…"""
    results = {name: ([], [], action()) for name, (action, _) in contenders.items()}
    for _ in range(runs):
        for name, (action, cpu_clock) in contenders.items():
            wall, cpu, _ = results[name]
            start, start_cpu = time.perf_counter(), cpu_clock()
            output = action()
            wall.append(time.perf_counter() - start)
            cpu.append(cpu_clock() - start_cpu)
            results[name] = (wall, cpu, output)
    return results


def chromium_cpu_seconds() -> float:
    """User and system CPU seconds of every Chromium process started under this one (browser, renderer, GPU and
    utility processes; not Playwright's Node driver in between), read from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents, seconds, names = {}, {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as file:
                stat = file.read()
        except OSError:
            continue  # ended meanwhile
        name, fields = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()
        pid = int(entry)
        # After the name: state, ppid, …, utime and stime (the 14th and 15th fields of proc(5)).
        parents[pid], names[pid], seconds[pid] = int(fields[1]), name, (int(fields[11]) + int(fields[12])) / ticks
    me, total = os.getpid(), 0.0
    for pid, cpu in seconds.items():
        ancestor = parents.get(pid, 0)
        while ancestor not in (0, 1, me):
            ancestor = parents.get(ancestor, 0)
        if ancestor == me and names[pid].startswith("chrom"):
            total += cpu
    return total


def summary(times: list[float], cpu: list[float] | None = None) -> str:
    text = (
        f"median {statistics.median(times) * 1000:8.1f} ms   min {min(times) * 1000:8.1f} ms   "
        f"max {max(times) * 1000:8.1f} ms   ({len(times)} runs)"
    )
    if cpu:
        text += f"   CPU median {statistics.median(cpu) * 1000:.1f} ms"
    return text


def weasyprint_steps(html: str, runs: int) -> tuple[list[float], list[float]]:
    """CPU seconds of WeasyPrint's layout (parse, cascade, boxes, pages) and of writing the PDF (drawing, font
    subsetting, compression), as html_to_pdf runs them."""
    from reports.rendering import PDF_OPTIONS, _collector_paused, _render_document

    layout, writing = [], []
    for _ in range(runs + 1):
        with _collector_paused():
            start = time.process_time()
            document = _render_document(html)
            laid_out = time.process_time()
            document.write_pdf(**PDF_OPTIONS)
            layout.append(laid_out - start)
            writing.append(time.process_time() - laid_out)
            del document
    return layout[1:], writing[1:]


def untagged_html_to_pdf(html: str) -> bytes:
    """html_to_pdf without the structure tree: what tagging costs."""
    from reports.rendering import _collector_paused, _render_document

    with _collector_paused():
        return _render_document(html).write_pdf()


def stock_html_to_pdf(html: str) -> bytes:
    """WeasyPrint as it comes: its whole user-agent stylesheet, the garbage collector on."""
    from weasyprint import HTML

    from reports.rendering import BASE_URL, static_url_fetcher

    return HTML(string=html, base_url=BASE_URL, url_fetcher=static_url_fetcher()).write_pdf()


def chromium_pdf_timer(css_inliner: Callable[[str], str]):
    """A function printing HTML to PDF with one reused Chromium page, or None where Chromium is not available."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None, None
    if not shutil.which(chromium):
        return None, None
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=chromium, args=["--disable-background-networking", "--disable-component-update"]
    )
    page = browser.new_page()

    def render(html: str) -> bytes:
        page.set_content(css_inliner(html), wait_until="load")
        return page.pdf(prefer_css_page_size=True, print_background=True)

    def close() -> None:
        browser.close()
        playwright.stop()

    return render, close


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="timed PDF runs per report (at least 5)")
    parser.add_argument("--html-runs", type=int, default=30)
    parser.add_argument("--no-chromium", action="store_true")
    parser.add_argument("--compare-stock", action="store_true", help="also time WeasyPrint as it comes")
    options = parser.parse_args()
    runs = max(5, options.runs)

    setup_django()
    from django.contrib.staticfiles import finders
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from pypdf import PdfReader

    from evaluations.models import Evaluation
    from reports.rendering import html_to_pdf, render_report_html, render_report_pdf
    from reports.report import build_report

    with open(finders.find("css/report-print.css"), encoding="utf-8") as file:
        print_css = file.read()

    def inline_css(html: str, css: str = print_css) -> str:
        # Chromium gets the stylesheet inline: it has no fetcher of ours, and the comparison is about layout. It
        # cannot load the cut faces either (no base URL): it sets the same outlines from the system's collections.
        head, _, rest = html.partition('<link rel="stylesheet" href="/static/css/report-print.css">')
        return f"{head}<style>{css}</style>{rest}"

    # The stylesheet as before the cut faces: no @font-face, no "Report …" families (not merely unloaded: the font
    # configuration kept per thread remembers the faces of earlier documents).
    system_fonts_css = re.sub(r'@font-face \{[^}]*\}\n?|"Report (?:Serif|Sans) SC", ', "", print_css)
    from reports.print_fonts import missing

    if missing():
        print("WARNING: the cut faces are not built (make fonts): both WeasyPrint variants use the system fonts")

    chromium, close_chromium = (None, None) if options.no_chromium else chromium_pdf_timer(inline_css)

    reports = [
        ("demo (seed 2024)", demo_evaluation()),
        ("large (20 themes, 60 project items, 200 indicators)", large_evaluation()),
    ]
    results = []
    per_report: list[dict[str, tuple[float, int]]] = []

    def pages_of(pdf: bytes) -> int:
        return len(PdfReader(io.BytesIO(pdf)).pages)

    for label, evaluation in reports:

        def fresh(pk=evaluation.pk):
            return Evaluation.objects.select_related("unit").get(pk=pk)

        fetched = fresh()
        with CaptureQueriesContext(connection) as queries:
            build_report(fetched)
        html_times, html_cpu, html = timed(lambda fresh=fresh: render_report_html(fresh()), options.html_runs, warmup=3)
        pdf_times, pdf_cpu, pdf = timed(lambda fresh=fresh: render_report_pdf(fresh()), runs)
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(f"\n== {label}")
        print(f"queries: {len(queries)} to build the report, after 1 for the evaluation with its unit")
        print(f"HTML  {summary(html_times, html_cpu)}   {len(html.encode()) / 1024:.0f} KB")
        print(f"PDF   {summary(pdf_times, pdf_cpu)}   {len(pdf) / 1024:.0f} KB, {pages} pages")
        layout_cpu, writing_cpu = weasyprint_steps(html, runs)
        print(
            f"      WeasyPrint's steps, CPU medians: layout {statistics.median(layout_cpu) * 1000:.1f} ms, "
            f"writing the PDF {statistics.median(writing_cpu) * 1000:.1f} ms"
        )
        # From the same HTML, taking turns run by run so that both see the same load on a shared machine.
        contenders = {
            "WeasyPrint, html_to_pdf": (lambda html=html: html_to_pdf(html), time.process_time),
            "WeasyPrint, untagged": (lambda html=html: untagged_html_to_pdf(html), time.process_time),
        }
        system_html = inline_css(html, system_fonts_css)
        contenders["WeasyPrint, system fonts"] = (lambda html=system_html: html_to_pdf(html), time.process_time)
        if options.compare_stock:
            contenders["WeasyPrint as it comes"] = (lambda html=html: stock_html_to_pdf(html), time.process_time)
        if chromium is not None:
            contenders["Chromium, page.pdf()"] = (lambda html=html: chromium(html), chromium_cpu_seconds)
        measured = interleaved(contenders, runs)
        for name, (wall, cpu, output) in measured.items():
            output_pages = len(PdfReader(io.BytesIO(output)).pages)
            print(f"HTML → PDF  {name:24s} {summary(wall, cpu)}   {len(output) / 1024:.0f} KB, {output_pages} pages")
        tagged, untagged = measured["WeasyPrint, html_to_pdf"], measured["WeasyPrint, untagged"]
        tagged_ratio = statistics.median(tagged[0]) / statistics.median(untagged[0])
        print(
            f"Tagged ÷ untagged PDF, same HTML (medians): wall {tagged_ratio:.2f}, "
            f"CPU {statistics.median(tagged[1]) / statistics.median(untagged[1]):.2f}  "
            f"(target ≤ {TARGET_TAGGED_RATIO:.2f}: {'met' if tagged_ratio <= TARGET_TAGGED_RATIO else 'MISSED'})"
        )
        if chromium is not None:
            ours, theirs = measured["WeasyPrint, html_to_pdf"], measured["Chromium, page.pdf()"]
            ratio = statistics.median(ours[0]) / statistics.median(theirs[0])
            cpu_ratio = statistics.median(ours[1]) / statistics.median(theirs[1])
            print(
                f"WeasyPrint ÷ Chromium, same HTML (medians): wall {ratio:.2f}, CPU {cpu_ratio:.2f}  "
                f"({'not slower' if ratio <= 1 else 'SLOWER'})"
            )
        results.append((label, html_times, pdf_times))
        per_report.append(
            {name: (statistics.median(cpu), pages_of(output)) for name, (_wall, cpu, output) in measured.items()}
        )
    if close_chromium is not None:
        close_chromium()

    # Per page from CPU medians: on a shared machine the wall clock of a busy minute says more about the neighbours.
    # The slope between the two reports is what one more page costs (their pages are not alike: the large report's
    # are dense tables, so the slope is no fixed cost per PDF).
    print("\n== cost per page (CPU medians of HTML → PDF, same run; Chromium: its own processes)")
    demo, large = per_report
    for name in demo:
        (demo_cpu, demo_pages), (large_cpu, large_pages) = demo[name], large[name]
        slope = (large_cpu - demo_cpu) / (large_pages - demo_pages)
        print(
            f"{name:26s} demo {demo_cpu / demo_pages * 1000:5.1f} ms/page, large {large_cpu / large_pages * 1000:5.1f} "
            f"ms/page, one more page {slope * 1000:5.1f} ms"
        )

    _, demo_html, demo_pdf = results[0]
    print("\n== targets (demo)")
    print(
        f"PDF  median {statistics.median(demo_pdf):.3f} s  (target < {TARGET_DEMO_PDF_SECONDS} s): "
        f"{'met' if statistics.median(demo_pdf) < TARGET_DEMO_PDF_SECONDS else 'MISSED'}"
    )
    html_ms, target_ms = statistics.median(demo_html) * 1000, TARGET_DEMO_HTML_SECONDS * 1000
    print(f"HTML median {html_ms:.1f} ms (target < {target_ms:.0f} ms): {'met' if html_ms < target_ms else 'MISSED'}")


if __name__ == "__main__":
    main()
