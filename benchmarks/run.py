"""`make bench`: how long the report takes to render, for the demo and for a large synthetic report.

For each report: queries to build it, HTML render time, PDF render time in-process after a warm-up (median, min,
max), PDF size and pages; then the same HTML printed by headless Chromium (Playwright, /usr/bin/chromium, one
reused page) for comparison. Runs on a throwaway SQLite database.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import time
from collections.abc import Callable

from .data import demo_evaluation, large_evaluation, setup_django

TARGET_DEMO_PDF_SECONDS = 1.0
TARGET_DEMO_HTML_SECONDS = 0.050


def timed(action: Callable[[], object], runs: int, warmup: int = 1) -> tuple[list[float], list[float], object]:
    """Wall-clock and CPU seconds of each run. CPU time is this process only: it shows what a busy machine adds to
    the wall clock for WeasyPrint, but does not count Chromium, which works in processes of its own."""
    result = None
    for _ in range(warmup):
        result = action()
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = action()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu, result


def summary(times: list[float], cpu: list[float] | None = None) -> str:
    text = (
        f"median {statistics.median(times) * 1000:8.1f} ms   min {min(times) * 1000:8.1f} ms   "
        f"max {max(times) * 1000:8.1f} ms   ({len(times)} runs)"
    )
    if cpu:
        text += f"   CPU median {statistics.median(cpu) * 1000:.1f} ms"
    return text


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
    options = parser.parse_args()
    runs = max(5, options.runs)

    setup_django()
    from django.contrib.staticfiles import finders
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from pypdf import PdfReader

    from evaluations.models import Evaluation
    from evaluations.rendering import render_report_html, render_report_pdf
    from evaluations.report import build_report

    with open(finders.find("css/report-print.css"), encoding="utf-8") as file:
        print_css = file.read()

    def inline_css(html: str) -> str:
        # Chromium gets the stylesheet inline: it has no fetcher of ours, and the comparison is about layout.
        head, _, rest = html.partition('<link rel="stylesheet" href="/static/css/report-print.css">')
        return f"{head}<style>{print_css}</style>{rest}"

    chromium, close_chromium = (None, None) if options.no_chromium else chromium_pdf_timer(inline_css)

    reports = [
        ("demo (seed 2024)", demo_evaluation()),
        ("large (20 themes, 60 project items, 200 indicators)", large_evaluation()),
    ]
    results = []
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
        if chromium is not None:
            chromium_times, _, chromium_pdf = timed(lambda html=html: chromium(html), runs)
            ratio = statistics.median(pdf_times) / statistics.median(chromium_times)
            print(f"Chromium PDF {summary(chromium_times)}   {len(chromium_pdf) / 1024:.0f} KB")
            print(f"WeasyPrint ÷ Chromium (median): {ratio:.2f}  ({'not slower' if ratio <= 1 else 'SLOWER'})")
        results.append((label, html_times, pdf_times))
    if close_chromium is not None:
        close_chromium()

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
