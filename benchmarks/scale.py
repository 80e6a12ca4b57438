"""`make bench`, third part: the public portal and the bureau's start page at a province's scale, served as in
production (gunicorn, 2 sync workers, PostgreSQL, DEBUG off) and loaded over loopback.

1. Data: a PostgreSQL database of its own (``lukou_bench_scale`` on the server of ``--server``), migrated, and
   filled by ``reports.synthetic.generate_units`` (the data of ``manage.py generate_units``: 10,000 units × 5 years,
   ~30,000 published versions) unless it already holds them: the database is kept between runs (``--fresh``
   rebuilds it, ``--drop`` drops it at the end). VACUUM ANALYZE, so that the plans below are the real ones.
2. The URLs, found as a visitor finds them: portal page 200 by the portal's own "next" link (a ``page=`` link is
   numbered directly, a cursor is followed 199 times), the search by the portal form's search field. Nothing of the
   portal's code is imported: the harness measures whatever portal is deployed.
3. Plans: each page is requested in-process once, its queries captured, and every SELECT that touches
   ``evaluations_publication`` EXPLAINed (no ANALYZE); a sequential scan on publications is reported.
4. Load: gunicorn on a free loopback port; for each URL in turn (sign-in page first), ``wrk`` (Debian's; one thread,
   ``--connections`` open connections, default 2: one request in flight per worker, so the worker pool is busy and
   nothing queues) or, without wrk, Python threads with http.client. Throughput, p50 and p95, and the ratio of each
   page's throughput to the sign-in page's measured in the same run (medians over ``--rounds`` rounds).

Targets (issue 15): every page ≥ 0.3 × the sign-in page's throughput, p95 < 150 ms; no Seq Scan on publications.

    .venv/bin/python -m benchmarks.scale --server postgres://postgres@127.0.0.1:5432/lukou
"""

from __future__ import annotations

import argparse
import html
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

DATABASE = "lukou_bench_scale"
PREFIX = "合成单位"
TARGET_RATIO = 0.3
TARGET_P95_MS = 150
ROOT = Path(__file__).resolve().parent.parent
# wrk's summary as one line: requests, microseconds, latency percentiles in microseconds, errors.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), e.status, e.connect + e.read + e.write + e.timeout))
end
"""


@dataclass
class Page:
    label: str
    url: str
    cookie: str = ""
    queries: int = 0
    size: int = 0
    plans: list[tuple[str, str]] = field(default_factory=list)
    rounds: list[tuple[float, float, float, int]] = field(default_factory=list)  # req/s, p50 ms, p95 ms, errors


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def prepare_database(server: str, fresh: bool) -> None:
    """The bench database exists (created empty if not; dropped first with ``fresh``)."""
    import psycopg2

    connection = psycopg2.connect(with_database(server, "postgres"))
    connection.autocommit = True
    with connection.cursor() as cursor:
        if fresh:
            cursor.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{DATABASE}"')
    connection.close()


def drop_database(server: str) -> None:
    import psycopg2

    connection = psycopg2.connect(with_database(server, "postgres"))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
    connection.close()


def server_environment(server: str) -> dict[str, str]:
    """What both this process and gunicorn run with: the bench database, production settings."""
    return {
        "DATABASE_URL": with_database(server, DATABASE),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench"),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        # Plain HTTP over loopback: no redirect to HTTPS, cookies that travel without it (as benchmarks/load.py).
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        # Persistent connections, as a deployment configures them (settings.py defaults to 0).
        "CONN_MAX_AGE": "60",
        "PUBLICATIONS_ROOT": str(Path(tempfile.gettempdir()) / f"{DATABASE}-publications"),
        "LOG_LEVEL": "ERROR",
    }


def fill(units: int, years: int) -> str:
    """Migrate and generate the units unless the database holds them already; ANALYZE."""
    from django.core.management import call_command
    from django.db import connection

    from evaluations.models import Evaluation, Publication
    from reports.synthetic import generate_units

    call_command("migrate", verbosity=0, interactive=False)
    existing = Evaluation.objects.filter(unit__name__startswith=PREFIX).count()
    if existing >= units * years and Publication.objects.exists():
        outcome = f"kept from an earlier run ({existing} evaluations)"
    else:
        start = time.perf_counter()
        made = generate_units(units=units, years=years, prefix=PREFIX)
        outcome = (
            f"generated in {time.perf_counter() - start:.0f} s: {made.units} units, {made.evaluations} evaluations, "
            f"{made.key_figures} key figures, {made.publications} publications"
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # fresh statistics and visibility map, as autovacuum keeps them
    return outcome


def bureau_cookie() -> str:
    """A signed-in session of the finance bureau (stored in the database, so gunicorn's workers accept it)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from evaluations.models import Membership

    user, _created = get_user_model().objects.get_or_create(username="bench-bureau", defaults={"first_name": "财政局"})
    Membership.objects.get_or_create(user=user, defaults={"role": Membership.Role.BUREAU})
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


_NEXT_BY_REL = re.compile(r"<(?:a|link)\b[^>]*\brel=\"[^\"]*\bnext\b[^\"]*\"[^>]*>", re.I)
_NEXT_BY_TEXT = re.compile(r"<a\b([^>]*)>\s*(?:<[^>]+>\s*)*下一页", re.I)
_HREF = re.compile(r"\bhref=\"([^\"]*)\"", re.I)


def next_link(page: str, current: str) -> str | None:
    """The URL of the portal's next page: a link with rel="next", else the link reading 下一页."""
    match = _NEXT_BY_REL.search(page)
    tag = match.group(0) if match else None
    if tag is None:
        match = _NEXT_BY_TEXT.search(page)
        tag = match.group(1) if match else None
    href = _HREF.search(tag) if tag else None
    return urljoin(current, html.unescape(href.group(1))) if href else None


def search_field(page: str) -> str:
    """The name of the portal form's search field (type=search, else the first text input), "q" if none."""
    for pattern in (r"<input\b[^>]*type=\"search\"[^>]*>", r"<input\b[^>]*type=\"text\"[^>]*>"):
        match = re.search(pattern, page, re.I)
        name = re.search(r"\bname=\"([^\"]+)\"", match.group(0)) if match else None
        if name:
            return name.group(1)
    return "q"


def portal_urls(client) -> tuple[str | None, str, str]:
    """Page 200 of the portal (None if it has fewer pages), how it was found, and the search URL."""
    first = client.get("/").content.decode()
    search = f"/?{search_field(first)}=%E5%90%88%E6%88%90%E5%8D%95%E4%BD%8D0012"  # 合成单位0012: ten units
    link = next_link(first, "/")
    if link is None:
        return None, "no next link on page 1", search
    numbered = re.sub(r"([?&]page=)2(?=&|$)", r"\g<1>200", link)
    if numbered != link:
        return numbered, "page=200", search
    url = link
    for _ in range(198):
        url = next_link(client.get(url).content.decode(), url)
        if url is None:
            return None, "fewer than 200 pages", search
    return url, "199 next links followed", search


def explain(page: Page, client) -> None:
    """The page's queries, and the plan of each SELECT on publications."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(page.url)
    assert response.status_code == 200, f"{page.url}: {response.status_code}"
    page.queries, page.size = len(captured), len(response.content)
    for query in captured.captured_queries:
        sql = query["sql"]
        if "evaluations_publication" in sql and sql.lstrip().upper().startswith("SELECT"):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN " + sql)
                page.plans.append((sql, "\n".join(row[0] for row in cursor.fetchall())))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(environment: dict[str, str], port: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "config.wsgi", "--workers", "2", "--worker-class", "sync", "--bind", f"127.0.0.1:{port}"]
    command += ["--log-level", "warning"]
    # Static files are served from the finders (no collectstatic here): whitenoise's warning about it is noise.
    quiet = {"PYTHONWARNINGS": "ignore:No directory at:UserWarning"}
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **environment, **quiet}, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _seconds, _size = fetch(port, "/accounts/login/")
            if status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    process.terminate()
    raise RuntimeError("gunicorn did not answer within a minute")


def fetch(port: int, url: str, cookie: str = "", connection: http.client.HTTPConnection | None = None):
    own = connection is None
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    start = time.perf_counter()
    connection.request("GET", url, headers={"Cookie": cookie} if cookie else {})
    response = connection.getresponse()
    body = response.read()
    seconds = time.perf_counter() - start
    if own or response.will_close:
        connection.close()
    return response.status, seconds, len(body)


def drain(port: int) -> None:
    """Wait until both workers are idle: wrk stops at its deadline, not its requests, and a slow page's last
    requests would otherwise be counted against the next page. Idle is two sign-in pages at once, both quick."""

    def probe(seconds: list[float]) -> None:
        seconds.append(fetch(port, "/accounts/login/")[1])

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        seconds: list[float] = []
        probes = [threading.Thread(target=probe, args=(seconds,)) for _ in range(2)]
        for thread in probes:
            thread.start()
        for thread in probes:
            thread.join()
        if max(seconds, default=1.0) < 0.1:
            return
        time.sleep(0.2)


def load_with_wrk(
    port: int, page: Page, seconds: int, connections: int, script: str
) -> tuple[float, float, float, int]:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", script]
    if page.cookie:
        command += ["-H", f"Cookie: {page.cookie}"]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{page.url}"], capture_output=True, text=True, check=True
    ).stdout
    requests, duration, p50, p95, status_errors, socket_errors = map(int, output.split("RESULT")[1].split())
    return requests / (duration / 1e6), p50 / 1000, p95 / 1000, status_errors + socket_errors


def load_with_threads(port: int, page: Page, seconds: int, connections: int) -> tuple[float, float, float, int]:
    latencies: list[float] = []
    errors = [0]
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        while time.perf_counter() < deadline:
            try:
                status, elapsed, _size = fetch(port, page.url, page.cookie)
            except OSError:
                errors[0] += 1
                continue
            latencies.append(elapsed)
            errors[0] += status != 200

    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    ordered = sorted(latencies) or [0.0]
    percentile = lambda share: ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000  # noqa: E731
    return len(latencies) / elapsed, percentile(0.5), percentile(0.95), errors[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default=os.environ.get("SCALE_PG_URL", "postgres://postgres@127.0.0.1:5432/lukou"))
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=8, help="load per page and round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--fresh", action="store_true", help="rebuild the database")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument("--python-load", action="store_true", help="Python threads even where wrk is installed")
    options = parser.parse_args()

    started = time.perf_counter()
    prepare_database(options.server, options.fresh)
    environment = server_environment(options.server)
    os.environ.update(environment)
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic here, see below
    import django

    django.setup()
    from django.test import Client

    print(f"== scale: {options.units:,} units × {options.years} years, database {DATABASE}")
    print(f"data: {fill(options.units, options.years)}")
    cookie = bureau_cookie()
    visitor, bureau = Client(), Client()
    bureau.cookies.load(cookie)
    page_200, how, search = portal_urls(visitor)
    pages = [Page("sign-in page", "/accounts/login/"), Page("portal, page 1", "/")]
    if page_200 is not None:
        pages.append(Page(f"portal, page 200 ({how})", page_200))
    else:
        print(f"portal page 200: none ({how})")
    pages += [Page("portal, search", search), Page("bureau start page", "/app/", cookie)]
    for page in pages:
        explain(page, bureau if page.cookie else visitor)

    print("\n-- queries and plans (EXPLAIN, every SELECT on evaluations_publication)")
    sequential = 0
    for page in pages:
        print(f"{page.label}: {page.url}  {page.queries} queries, {page.size / 1024:.0f} KB")
        for sql, plan in page.plans:
            scans = [line.strip() for line in plan.splitlines() if "Seq Scan on evaluations_publication" in line]
            sequential += len(scans)
            print(f"  {sql[:150]}…" if len(sql) > 150 else f"  {sql}")
            print(f"    {plan.splitlines()[0].strip()}")
            for scan in scans:
                print(f"    SEQUENTIAL: {scan}")

    port = free_port()
    server = start_gunicorn(environment, port)
    use_wrk = shutil.which("wrk") is not None and not options.python_load
    script = None
    try:
        if use_wrk:
            with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
                file.write(WRK_SCRIPT)
                script = file.name
        for page in pages:  # warm up every worker on every page
            for _ in range(4):
                fetch(port, page.url, page.cookie)
        for _ in range(options.rounds):
            for page in pages:
                if use_wrk:
                    page.rounds.append(load_with_wrk(port, page, options.seconds, options.connections, script))
                else:
                    page.rounds.append(load_with_threads(port, page, options.seconds, options.connections))
                drain(port)
    finally:
        server.terminate()
        server.wait(timeout=30)
        if script:
            os.unlink(script)

    generator = "wrk, 1 thread" if use_wrk else "Python threads"
    print(
        f"\n-- load: gunicorn 2 sync workers, {generator}, {options.connections} connections, "
        f"{options.rounds} × {options.seconds} s per page (medians of the rounds)"
    )
    baseline = statistics.median(r[0] for r in pages[0].rounds)
    missed = []
    for page in pages:
        throughput = statistics.median(r[0] for r in page.rounds)
        p50 = statistics.median(r[1] for r in page.rounds)
        p95 = statistics.median(r[2] for r in page.rounds)
        errors = sum(r[3] for r in page.rounds)
        ratio = throughput / baseline
        verdict = ""
        if page is not pages[0]:
            ok = ratio >= TARGET_RATIO and p95 < TARGET_P95_MS and not errors
            verdict = "met" if ok else "MISSED"
            if not ok:
                missed.append(page.label)
        print(
            f"{page.label:42s} {throughput:8.1f} req/s   p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   "
            f"÷ sign-in {ratio:5.2f}   errors {errors}  {verdict}"
        )
    print(
        f"\n== targets: ≥ {TARGET_RATIO} × sign-in and p95 < {TARGET_P95_MS} ms: "
        f"{'met' if not missed else 'MISSED for ' + ', '.join(missed)}; "
        f"Seq Scan on publications: {sequential or 'none'}"
    )
    if options.drop:
        from django.db import connections

        connections.close_all()
        drop_database(options.server)
    print(f"(the whole benchmark: {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
