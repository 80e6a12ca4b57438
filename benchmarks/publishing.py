"""`make bench`, publishing: twenty heads of twenty units click 公开 at the same moment, against gunicorn, a real
Celery worker, Redis and PostgreSQL (a throwaway database on the server of DATABASE_URL, or of BENCH_PG_URL).

Reports the slowest of the twenty requests (each must answer within a second: it only queues the render), the
worker's peak resident memory (the worker and its pool processes, sampled from /proc every 50 ms) against its
concurrency, the time until all twenty are published, and that each report was published exactly once (one
Publication, one status change to published, one job).

    .venv/bin/python -m benchmarks.publishing [--reports 20] [--concurrency 2]
"""

from __future__ import annotations

import argparse
import sys
import threading
import time

from . import serving

TARGET_REQUEST_SECONDS = 1.0


def make_reports(count: int) -> list[tuple[int, dict[str, str]]]:
    """``count`` units, each with the seed's complete report approved and a head signed in: (evaluation, headers)."""
    from django.contrib.auth import get_user_model

    from evaluations.models import Evaluation, Membership, Unit
    from reports.management.commands.loaddemo import add_scoring_data, assign_demo_scheme, build_seed_evaluation

    reports = []
    for number in range(1, count + 1):
        unit = Unit.objects.create(name=f"基准单位{number:02d}", level="正科级行政单位", region="湖南省株洲市渌口区")
        head = get_user_model().objects.create_user(username=f"head{number:02d}", first_name=f"负责人{number:02d}")
        Membership.objects.create(user=head, unit=unit, role=Membership.Role.HEAD)
        evaluation = build_seed_evaluation(unit)
        if number == 1:
            assign_demo_scheme(unit)
        add_scoring_data(evaluation)
        Evaluation.objects.filter(pk=evaluation.pk).update(status=Evaluation.Status.APPROVED)
        reports.append((evaluation.pk, serving.signed_in_headers(head)))
    return reports


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=2, help="the worker's CELERY_WORKER_CONCURRENCY")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for every publication")
    options = parser.parse_args()
    if not serving.redis_is_up():
        print(f"publishing benchmark skipped: no Redis at {serving.REDIS_URL} (scripts/ensure-redis.sh starts one)")
        return 0

    with serving.throwaway_database("publishing") as url, serving.temporary_folder("bench-publishing-") as folder:
        site = serving.Site(database_url=url, folder=folder)
        site.setup_django()
        from django.db import connection

        from evaluations.models import Evaluation, Publication, StatusChange
        from reports.models import PublishJob

        reports = make_reports(options.reports)
        connection.close()
        with serving.gunicorn(site), serving.celery_worker(site, options.concurrency) as worker:
            peak = {"rss": 0}
            sampling = threading.Event()

            def sample() -> None:
                while not sampling.is_set():
                    peak["rss"] = max(peak["rss"], serving.tree_rss_bytes(worker.pid))
                    time.sleep(0.05)

            threading.Thread(target=sample, daemon=True).start()
            # Every gunicorn worker has served a page (templates compiled, connections open), as on a running site;
            # meanwhile the Celery worker connects and forks its pool.
            warm = [
                threading.Thread(target=serving.request, args=(site.port, "GET", f"/app/evaluations/{pk}/", h))
                for pk, h in reports
            ]
            for thread in warm:
                thread.start()
            for thread in warm:
                thread.join()
            time.sleep(2)
            idle_rss = serving.tree_rss_bytes(worker.pid)
            barrier = threading.Barrier(len(reports))
            latencies: dict[int, tuple[int, float]] = {}

            def click(pk: int, headers: dict[str, str]) -> None:
                form = {**headers, "Content-Type": "application/x-www-form-urlencoded"}
                barrier.wait()
                start = time.perf_counter()
                status, _body = serving.request(
                    site.port, "POST", f"/app/evaluations/{pk}/publish/", form, b"submission=0"
                )
                latencies[pk] = (status, time.perf_counter() - start)

            started = time.perf_counter()
            threads = [threading.Thread(target=click, args=report) for report in reports]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            accepted = time.perf_counter() - started

            pks = [pk for pk, _headers in reports]
            deadline = time.monotonic() + options.timeout
            while time.monotonic() < deadline:
                if not PublishJob.objects.filter(evaluation_id__in=pks, state__in=["queued", "running"]).exists():
                    break
                time.sleep(0.5)
            finished = time.perf_counter() - started
            sampling.set()

        statuses = sorted({status for status, _seconds in latencies.values()})
        slowest = max(seconds for _status, seconds in latencies.values())
        published = {pk: Publication.objects.filter(evaluation_id=pk).count() for pk in pks}
        transitions = {pk: StatusChange.objects.filter(evaluation_id=pk, to_status="published").count() for pk in pks}
        jobs = {pk: PublishJob.objects.filter(evaluation_id=pk).count() for pk in pks}
        states = set(Evaluation.objects.filter(pk__in=pks).values_list("status", flat=True))
        failed = list(PublishJob.objects.filter(evaluation_id__in=pks, state="failed").values_list("error", flat=True))
        connection.close()

    once = all(count == 1 for count in [*published.values(), *transitions.values(), *jobs.values()])
    print(f"Publishing: {len(pks)} simultaneous requests against gunicorn + Celery worker + Redis + PostgreSQL")
    print(f"  request answers: HTTP {statuses}; slowest {slowest:.3f} s (target < {TARGET_REQUEST_SECONDS:.1f} s)")
    print(f"  all {len(pks)} accepted within {accepted:.2f} s; all done after {finished:.1f} s")
    print(
        f"  worker concurrency {options.concurrency}: RSS idle {idle_rss / 2**20:.0f} MB, "
        f"peak {peak['rss'] / 2**20:.0f} MB ({peak['rss'] / 2**20 / (options.concurrency + 1):.0f} MB per process)"
    )
    print(
        f"  published exactly once: {'yes' if once else 'NO'} "
        f"({sum(published.values())} publications, statuses {sorted(states)}, failed jobs {len(failed)})"
    )
    print("  each request (s): " + " ".join(f"{seconds:.2f}" for _status, seconds in sorted(latencies.values())))
    for error in failed[:3]:
        print(f"    failed: {error}")
    ok = once and slowest < TARGET_REQUEST_SECONDS and statuses == [302]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
