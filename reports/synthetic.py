"""Synthetic units for measuring the bureau's pages at a province's scale (``manage.py generate_units`` and
``make bench``): units, their evaluations over several years in every state, the key figures of the handed-over ones
and the published versions of the published ones (a tenth of them corrected once: version 1 superseded, version 2
current), with the figures and metadata a real publication freezes, all written with ``bulk_create`` in batches.

The numbers are pseudo-random from a fixed seed, so two runs write the same data. Idempotent: units are named
``<prefix>00001`` …; what exists already (a unit, a unit's year, a row of figures, a publication) is kept. Every
publication points at one small PDF stored once under its hash, as publications share content-addressed files."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from evaluations.models import Evaluation, Publication, Unit

from .key_figures import HANDED_OVER
from .models import KeyFigures
from .publication import store_pdf

BATCH = 2000
REGIONS = ("湖南省株洲市渌口区", "湖南省株洲市芦淞区", "湖南省株洲市荷塘区", "湖南省株洲市石峰区", "湖南省株洲市天元区")
GRADES = ((Decimal("90"), "优"), (Decimal("80"), "良"), (Decimal("60"), "中"), (Decimal("0"), "差"))
PDF = b"%PDF-1.4\n% synthetic report for benchmarks\n%%EOF\n"
# The share of published reports that were corrected once after publication (a second version).
CORRECTED = 0.1
STATUSES = (
    # Weights of each state in a synthetic year: most units have published.
    (Evaluation.Status.DRAFT, 10),
    (Evaluation.Status.RETURNED, 5),
    (Evaluation.Status.SUBMITTED, 15),
    (Evaluation.Status.APPROVED, 15),
    (Evaluation.Status.PUBLISHED, 55),
)


@dataclass(frozen=True)
class Generated:
    units: int
    evaluations: int
    key_figures: int
    publications: int


def _grade(score: Decimal) -> str:
    return next(label for lower, label in GRADES if score >= lower)


def generate_units(
    *,
    units: int,
    years: int,
    last_year: int | None = None,
    prefix: str = "合成单位",
    seed: int = 11,
    pdf: bytes = PDF,
) -> Generated:
    """Create ``units`` units with an evaluation in each of ``years`` years ending with ``last_year`` (last year by
    default), in one transaction; returns how many rows of each kind were new. ``pdf``: the bytes every publication
    points at (a benchmark of the zip wants a realistic size)."""
    last_year = last_year or timezone.localdate().year - 1
    first_year = last_year - years + 1
    rng = random.Random(seed)
    publisher, _created = get_user_model().objects.get_or_create(
        username="synthetic-publisher", defaults={"first_name": "合成数据"}
    )
    pdf_name, digest = store_pdf(pdf)
    with transaction.atomic():
        before = Unit.objects.filter(name__startswith=prefix).count()
        Unit.objects.bulk_create(
            [
                Unit(name=f"{prefix}{number:05d}", short_name=f"{prefix[:4]}{number:05d}", region=REGIONS[number % 5])
                for number in range(1, units + 1)
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        unit_rows = list(
            Unit.objects.filter(name__startswith=prefix).order_by("name").values_list("pk", "name")[:units]
        )
        evaluations = []
        plan: dict[tuple[int, int], tuple[str, str]] = {}
        for unit_id, name in unit_rows:
            for year in range(first_year, last_year + 1):
                status = rng.choices([s for s, _w in STATUSES], weights=[w for _s, w in STATUSES])[0]
                plan[(unit_id, year)] = (status, name)
                evaluations.append(Evaluation(unit_id=unit_id, year=year, status=status))
        existing = Evaluation.objects.filter(unit_id__in=[pk for pk, _name in unit_rows]).count()
        Evaluation.objects.bulk_create(evaluations, batch_size=BATCH, ignore_conflicts=True)
        rows = list(
            Evaluation.objects.filter(unit_id__in=[pk for pk, _name in unit_rows], year__gte=first_year)
            .filter(year__lte=last_year)
            .order_by("pk")
            .values_list("pk", "unit_id", "year", "status")
        )
        figures, publications = [], []
        for pk, unit_id, year, status in rows:
            if status not in HANDED_OVER:
                continue
            basic = Decimal(rng.randrange(1_000_000, 20_000_000))
            project = Decimal(rng.randrange(0, 50_000_000))
            total = basic + project
            # Blank is not zero: a few reports do not know their budget, and so have no execution rate either.
            budget = (total * Decimal(rng.randrange(95, 125)) / 100).quantize(Decimal("0.01"))
            budget = budget if rng.random() < 0.95 else None
            rate = (total / budget).quantize(Decimal("1e-8")) if budget is not None else None
            scored = rng.random() < 0.9
            score = Decimal(rng.randrange(5500, 10001)) / 100 if scored else None
            submitted = datetime.datetime(year + 1, 4, 1, tzinfo=datetime.UTC) + datetime.timedelta(
                minutes=rng.randrange(0, 60 * 24 * 60)
            )
            frozen = {
                "total_spending": total,
                "basic_spending": basic,
                "project_spending": project,
                "budget": budget,
                "executed": total if budget is not None else None,
                "execution_rate": rate,
                "score_total": score,
                "grade": _grade(score) if score is not None else "",
                "scheme_name": "全国通用自评表（财预〔2020〕10号）",
            }
            figures.append(
                KeyFigures(
                    evaluation_id=pk,
                    submitted_at=submitted,
                    unexplained_shortfalls=rng.choice((0, 0, 0, 1, 2)),
                    failed_checks=rng.choice((0, 0, 0, 0, 1)),
                    **frozen,
                )
            )
            if status == Evaluation.Status.PUBLISHED:
                name = plan.get((unit_id, year), ("", ""))[1]
                published = submitted + datetime.timedelta(days=rng.randrange(7, 60), minutes=rng.randrange(0, 1440))
                versions = 2 if rng.random() < CORRECTED else 1
                for version in range(1, versions + 1):
                    publications.append(
                        Publication(
                            evaluation_id=pk,
                            version=version,
                            published_at=published + datetime.timedelta(days=30 * (version - 1)),
                            published_by=publisher,
                            unit_name=name,
                            year=year,
                            title=f"{name}{year}年度部门整体支出绩效自评报告",
                            body_html="<p>合成数据</p>",
                            pdf_name=pdf_name,
                            pdf_filename=f"{year}.pdf",
                            pdf_sha256=digest,
                            pdf_size=len(pdf),
                            index_number=settings.PUBLICATION_INDEX_PATTERN.format(
                                code=f"U{unit_id:06d}", year=year, version=version, unit_id=unit_id
                            ),
                            publisher=name,
                            written_on=(submitted + datetime.timedelta(days=3)).date(),
                            topic=settings.PUBLICATION_TOPIC,
                            is_current=version == versions,
                            **frozen,
                        )
                    )
        figures_before = KeyFigures.objects.filter(evaluation__unit__name__startswith=prefix).count()
        KeyFigures.objects.bulk_create(figures, batch_size=BATCH, ignore_conflicts=True)
        publications_before = Publication.objects.filter(unit_name__startswith=prefix).count()
        Publication.objects.bulk_create(publications, batch_size=BATCH, ignore_conflicts=True)
        return Generated(
            units=Unit.objects.filter(name__startswith=prefix).count() - before,
            evaluations=len(rows) - existing,
            key_figures=KeyFigures.objects.filter(evaluation__unit__name__startswith=prefix).count() - figures_before,
            publications=Publication.objects.filter(unit_name__startswith=prefix).count() - publications_before,
        )
