"""`make bench`, downloads: a published PDF from the portal against a static file of the same size served by
whitenoise, from the same gunicorn in the same run, taking turns (a round of PDF downloads, then a round of the
static file, …), several clients at once. Reports each one's throughput and the ratio (issue 15 asks ≥ 0.8).

    .venv/bin/python -m benchmarks.downloads [--size 1048576] [--rounds 6] [--clients 4] [--requests 25]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time

from . import serving

TARGET_RATIO = 0.8


def make_publication(size: int) -> tuple[int, bytes]:
    """One published version whose stored file has ``size`` bytes; returns its pk and the bytes."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from evaluations.models import Evaluation, Publication, Unit
    from reports.publication import store_pdf

    data = b"%PDF-1.7\n" + os.urandom(size - 9)
    name, digest = store_pdf(data)
    unit = Unit.objects.create(name="基准单位", level="正科级行政单位")
    evaluation = Evaluation.objects.create(unit=unit, year=2024, status=Evaluation.Status.PUBLISHED)
    publisher = get_user_model().objects.create_user(username="publisher")
    publication = Publication.objects.create(
        evaluation=evaluation,
        version=1,
        published_at=timezone.now(),
        published_by=publisher,
        unit_name=unit.name,
        year=2024,
        title="基准报告",
        pdf_name=name,
        pdf_filename="基准报告.pdf",
        pdf_sha256=digest,
        pdf_size=len(data),
    )
    return publication.pk, data


def round_of(port: int, path: str, clients: int, requests: int, expected: int) -> tuple[float, int]:
    """``clients`` threads each downloading ``path`` ``requests`` times: (seconds, bytes received)."""
    received = [0] * clients

    def client(index: int) -> None:
        for _ in range(requests):
            status, body = serving.request(port, "GET", path, {})
            if status != 200 or len(body) != expected:
                raise RuntimeError(f"{path}: HTTP {status}, {len(body)} bytes")
            received[index] += len(body)

    threads = [threading.Thread(target=client, args=(index,)) for index in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, sum(received)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1024 * 1024, help="bytes of the PDF and of the static file")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--requests", type=int, default=25, help="downloads per client per round")
    options = parser.parse_args()

    with serving.throwaway_database("downloads") as url, serving.temporary_folder("bench-downloads-") as folder:
        site = serving.Site(database_url=url, folder=folder)
        site.setup_django()
        from django.db import connection

        pk, data = make_publication(options.size)
        connection.close()
        # The same bytes as a static file, collected before gunicorn starts (whitenoise indexes STATIC_ROOT then).
        (folder / "static" / "bench").mkdir(parents=True)
        (folder / "static" / "bench" / "report.pdf").write_bytes(data)
        paths = {"portal PDF": f"/reports/{pk}/pdf/", "whitenoise static": "/static/bench/report.pdf"}
        rates: dict[str, list[float]] = {name: [] for name in paths}
        with serving.gunicorn(site):
            for path in paths.values():
                round_of(site.port, path, options.clients, 2, len(data))  # warm-up
            for _ in range(options.rounds):
                for name, path in paths.items():
                    seconds, received = round_of(site.port, path, options.clients, options.requests, len(data))
                    rates[name].append(received / seconds)

    medians = {name: statistics.median(values) for name, values in rates.items()}
    ratio = medians["portal PDF"] / medians["whitenoise static"]
    print(
        f"Downloads: {options.size / 2**20:.1f} MB file, {options.clients} clients × {options.requests} requests, "
        f"{options.rounds} interleaved rounds, same gunicorn"
    )
    for name, values in rates.items():
        spread = f"{min(values) / 2**20:.0f}–{max(values) / 2**20:.0f}"
        print(f"  {name:<18} median {medians[name] / 2**20:7.1f} MB/s (rounds {spread} MB/s)")
    print(f"  ratio portal/static: {ratio:.2f} (target ≥ {TARGET_RATIO})")
    return 0 if ratio >= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
