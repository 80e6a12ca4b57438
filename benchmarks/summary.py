"""`make bench`, second part: the finance bureau's summary table (汇总表) and its exports at a province's scale.

Generates synthetic units × years (``reports.synthetic.generate_units``, the data of ``manage.py generate_units``)
in a throwaway test database — on PostgreSQL when DATABASE_URL points to it (``test_<name>`` on that server,
dropped afterwards), otherwise on SQLite — then reports:

- the summary page: queries and median time over several requests (default order, sorted by score, filtered),
  and as a ratio to the sign-in page timed in the same run;
- the table's workbook: time and peak Python memory (tracemalloc);
- the zip of the year's published PDFs: time, size, and peak memory against the size of the archive;
- the per-unit 自评表 workbook for a sample of units: time, queries and memory (capped at SHEETS_LIMIT units).

Defaults keep `make bench` short: 1,000 units × 5 years on SQLite, 10,000 × 5 on PostgreSQL. For example:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lukou make bench
    DATABASE_URL=postgres://… .venv/bin/python -m benchmarks.summary --units 10000 --years 5
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable

TARGET_PAGE_MS = 300
PDF_SIZE = 150 * 1024


def setup(folder: str) -> bool:
    """Django with the publications in ``folder``; True when the database is PostgreSQL."""
    os.environ["PUBLICATIONS_ROOT"] = folder
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # In-process requests over plain HTTP: production's HTTPS redirect would answer every one with a 301.
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    import django

    django.setup()
    from django.db import connection

    return connection.vendor == "postgresql"


def median_ms(action: Callable[[], object], runs: int) -> tuple[float, float, float]:
    action()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times), max(times)


def traced(action: Callable[[], object]) -> tuple[float, int, object]:
    """Seconds and peak Python memory (bytes) of one run under tracemalloc."""
    tracemalloc.start()
    start = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, help="default: 10,000 on PostgreSQL, 1,000 on SQLite")
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=15, help="timed page requests per variant")
    parser.add_argument("--sheets", type=int, default=20, help="units in the sampled 自评表 workbook")
    options = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="summary-bench-")
    try:
        postgres = setup(folder)
        run(options, postgres)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(options: argparse.Namespace, postgres: bool) -> None:
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    units = options.units or (10_000 if postgres else 1_000)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        measure(options, units)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def measure(options: argparse.Namespace, units: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from evaluations.models import Evaluation, Membership
    from reports import summary_exports
    from reports.synthetic import generate_units

    print(f"\n== summary table (汇总表): {units} units × {options.years} years on {connection.vendor}")
    pdf = b"%PDF-1.4\n" + os.urandom(PDF_SIZE) + b"\n%%EOF\n"
    start = time.perf_counter()
    made = generate_units(units=units, years=options.years, last_year=2024, pdf=pdf)
    print(
        f"generate_units: {time.perf_counter() - start:.1f} s for {made.units} units, {made.evaluations} evaluations, "
        f"{made.key_figures} key figures, {made.publications} publications"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    bureau = get_user_model().objects.create_user("bench-bureau", first_name="陈静")
    Membership.objects.create(user=bureau, unit=None, role=Membership.Role.BUREAU)
    client = Client()
    client.force_login(bureau)
    url = reverse("summary", args=[2024])
    variants = {
        "default order": {},
        "by score, desc": {"sort": "score", "dir": "desc"},
        "region + published, by rate": {"region": "湖南省株洲市渌口区", "state": "published", "sort": "rate"},
        "page 100": {"page": "100"},
    }
    # The sign-in page, timed in the same run: the machine is shared and noisy, so the page is also given as a ratio
    # to it.
    anonymous = Client()
    sign_in = median_ms(lambda: anonymous.get(reverse("login")), options.runs)[0]
    print(f"sign-in page (reference)             median {sign_in:7.1f} ms")
    page_medians = []
    for label, params in variants.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        assert response.status_code == 200, response.status_code
        # Counted now: the captured list is a view of the connection's log, which the next request clears.
        count = len(queries)
        median, low, high = median_ms(lambda params=params: client.get(url, params), options.runs)
        page_medians.append(median)
        print(
            f"page {label:30s} median {median:7.1f} ms  min {low:7.1f}  max {high:7.1f}  ({count} queries)  "
            f"{median / sign_in:.1f}× the sign-in page"
        )

    def table() -> int:
        return len(client.get(reverse("summary_xlsx", args=[2024])).content)

    seconds, peak, size = traced(table)
    plain = median_ms(table, 1)[0] / 1000
    print(
        f"table.xlsx     {plain:6.2f} s ({seconds:.2f} s traced)  {size / 1024:8.0f} KB  "
        f"peak Python memory {peak / 2**20:6.1f} MB"
    )

    def zipped() -> int:
        response = client.get(reverse("summary_zip", args=[2024]))
        return sum(len(chunk) for chunk in response.streaming_content)

    seconds, peak, size = traced(zipped)
    print(
        f"reports.zip    {seconds:6.2f} s (traced)  {size / 2**20:8.1f} MB  peak Python memory {peak / 2**20:6.1f} MB "
        f"= {peak / size:.3f} of the archive (one PDF: {len(pdf) / 1024:.0f} KB)"
    )

    sample = Evaluation.objects.filter(
        year=2024, status__in=("submitted", "approved", "published"), unit__name__startswith="合成单位"
    ).order_by("pk")
    ids = list(sample.values_list("pk", flat=True)[: options.sheets])
    with CaptureQueriesContext(connection) as queries:
        seconds, peak, _wb = traced(
            lambda: summary_exports.self_evaluation_workbook(Evaluation.objects.filter(pk__in=ids))
        )
    sheet_queries = len(queries)
    print(
        f"sheets.xlsx    {len(ids)} units: {seconds:.2f} s ({seconds / max(len(ids), 1) * 1000:.0f} ms a unit), "
        f"{sheet_queries} queries (the same whatever the number of units), "
        f"peak Python memory {peak / 2**20:.1f} MB; at the cap of {summary_exports.SHEETS_LIMIT} units ≈ "
        f"{seconds / max(len(ids), 1) * summary_exports.SHEETS_LIMIT:.0f} s"
    )
    page = statistics.median(page_medians)
    print(
        f"\n== target: page median {page:.1f} ms (target < {TARGET_PAGE_MS} ms): "
        f"{'met' if page < TARGET_PAGE_MS else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
