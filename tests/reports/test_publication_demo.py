"""`loaddemo` publishes the seed's 2024 report through the workflow, once."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from evaluations.models import Evaluation, Publication, SchemeAssignment, ScoringScheme, StatusChange, Unit
from evaluations.schemes import HUNAN
from tests.reports.workflow_support import TemporaryPublicationsStore, fake_rendering


class LoadDemoPublishesTests(TemporaryPublicationsStore, TestCase):
    def load(self, *args: str) -> str:
        out = StringIO()
        with fake_rendering():
            call_command("loaddemo", *args, stdout=out)
        return out.getvalue()

    def test_it_publishes_the_seed_report_as_liqiang_after_wangfang_submits_it_once(self):
        self.assertIn("已公开：", self.load())
        self.assertIn("（未改动）", self.load())
        evaluation = Evaluation.objects.get(year=2024, unit__name="株洲市渌口区科技和工业信息化局")
        self.assertEqual(evaluation.status, Evaluation.Status.PUBLISHED)
        steps = StatusChange.objects.filter(evaluation=evaluation).values_list("actor__username", "to_status")
        self.assertEqual(
            list(steps),
            [
                ("wangfang", "submitted"),
                ("liqiang", "approved"),
                ("liqiang", "publishing"),
                ("liqiang", "published"),
            ],
        )
        publication = Publication.objects.get()
        self.assertEqual((publication.version, publication.published_by.username), (1, "liqiang"))
        # Scored under the shipped Hunan scheme, chosen once for the region and year however often the demo loads
        # (the total is checked by hand in tests/reports/test_publication_score.py).
        self.assertEqual((publication.score_total, publication.grade), (Decimal("91.51"), "优"))
        self.assertEqual((publication.scheme.builtin, publication.scheme_version), (HUNAN, 1))
        [assignment] = SchemeAssignment.objects.all()
        self.assertEqual(
            (assignment.region, assignment.year, assignment.scheme), ("湖南省株洲市渌口区", 2024, publication.scheme)
        )

    def test_a_choice_the_bureau_already_made_for_the_region_is_kept(self):
        national = ScoringScheme.objects.get(builtin="national")
        Unit.objects.create(name="株洲市渌口区科技和工业信息化局", region="湖南省株洲市渌口区")
        SchemeAssignment.objects.create(scheme=national, region="湖南省株洲市渌口区", year=2024)
        output = self.load("--no-publish")
        self.assertIn("已有评分方案", output)
        self.assertEqual(SchemeAssignment.objects.get().scheme, national)

    def test_no_publish_leaves_the_draft(self):
        self.load("--no-publish")
        self.assertFalse(Publication.objects.exists())
        self.assertEqual(Evaluation.objects.get(unit__code="LK-KGXJ", year=2024).status, Evaluation.Status.DRAFT)
