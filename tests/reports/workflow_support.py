"""Helpers for the workflow and publication tests: a throw-away publications store and a stand-in renderer."""

from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from unittest import mock

from django.conf import settings
from django.test import override_settings

FAKE_PDF = b"%PDF-1.7\n% stand-in for the report engineer's renderer\n%%EOF\n"
FAKE_BODY = '<section class="report"><h1>报告正文</h1><p>基本支出474.50万元</p></section>'


class TemporaryPublicationsStore:
    """Every test class writes its published PDFs to its own temporary directory, never to media/."""

    @classmethod
    def setUpClass(cls):
        cls.publications_dir = tempfile.mkdtemp(prefix="publications-")
        storages = {
            **settings.STORAGES,
            "publications": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": cls.publications_dir},
            },
        }
        # Enabled before setUpTestData, which may already publish.
        cls._store_override = override_settings(STORAGES=storages)
        cls._store_override.enable()
        try:
            super().setUpClass()
        except Exception:
            cls._store_override.disable()
            raise

    def empty_store(self) -> None:
        # Files are not rolled back with the test's transaction.
        shutil.rmtree(self.publications_dir, ignore_errors=True)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls._store_override.disable()
        shutil.rmtree(cls.publications_dir, ignore_errors=True)


@contextmanager
def fake_rendering(pdf: bytes = FAKE_PDF, body: str = FAKE_BODY):
    """Publish without WeasyPrint (1.5 s a render): most tests are about the workflow, not the PDF.

    Publication calls these through the rendering module (``rendering.render_report_pdf``), so they are patched
    there; modules that imported them by name (the review page's body) keep rendering for real. They must be
    imported before the patch for that: the URLconf, and with it the views, is imported by the first request, and
    a view module imported inside the patch would keep the stand-ins for every test after it."""
    import reports.urls  # noqa: F401

    with (
        mock.patch("reports.rendering.render_report_pdf", return_value=pdf) as render_pdf,
        mock.patch("reports.rendering.render_report_body", return_value=body),
        mock.patch("reports.rendering.report_filename", return_value="report.pdf"),
    ):
        yield render_pdf


def publishable_evaluation(unit, year: int, status: str = "draft"):
    """The least the default outline requires before a report may be submitted or published: the unit's mandate,
    one duty, one office, basic and project spending as totals, one achievement, the three closing texts and the
    signature date; and what the national scheme scores (a unit outside any region gets it): the funds block and one
    indicator for each of 产出 (50), 效益 (30) and 满意度 (10). Its score is 10 × 350/360 + 90 = 99.72 (优). For
    tests about what happens around publication, not about what a report says."""
    import datetime
    from decimal import Decimal

    from achievements.models import Indicator, Theme
    from budgets.models import BudgetExecution, SpendingSummary
    from evaluations.models import Duty, Evaluation, Office

    evaluation = Evaluation.objects.create(
        unit=unit,
        year=year,
        status=status,
        mandate="主管全区农业农村工作",
        problems="无。",
        measures="无。",
        results_use="在区政府门户网站公开。",
        signature_date=datetime.date(year + 1, 5, 20),
    )
    Duty.objects.create(evaluation=evaluation, order=1, text="贯彻执行农业农村工作的方针政策。")
    Office.objects.create(evaluation=evaluation, order=1, name="办公室")
    SpendingSummary.objects.create(
        evaluation=evaluation, basic_total=Decimal("2500000.00"), project_total=Decimal("1000000.00")
    )
    Theme.objects.create(evaluation=evaluation, order=1, title="农业生产稳定", body="粮食播种面积保持稳定。")
    for kind, budget, executed in (("basic", "2600000.00", "2500000.00"), ("project", "1000000.00", "1000000.00")):
        BudgetExecution.objects.create(
            evaluation=evaluation,
            kind=kind,
            initial_budget=Decimal(budget),
            full_year_budget=Decimal(budget),
            executed=Decimal(executed),
        )
    indicators = [
        ("产出指标", "粮食播种面积", "50"),
        ("效益指标", "农民人均收入增长", "30"),
        ("满意度指标", "群众满意度", "10"),
    ]
    for order, (level1, name, weight) in enumerate(indicators, start=1):
        Indicator.objects.create(
            evaluation=evaluation,
            order=order,
            level1=level1,
            name=name,
            direction="ge",
            target=Decimal("100"),
            actual=Decimal("100"),
            weight=Decimal(weight),
        )
    return evaluation
