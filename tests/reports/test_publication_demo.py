"""`loaddemo` publishes the seed's 2024 report through the workflow, once."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from evaluations.models import Evaluation, Publication, StatusChange
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
        self.assertEqual(list(steps), [("wangfang", "submitted"), ("liqiang", "approved"), ("liqiang", "published")])
        publication = Publication.objects.get()
        self.assertEqual((publication.version, publication.published_by.username), (1, "liqiang"))

    def test_no_publish_leaves_the_draft(self):
        self.load("--no-publish")
        self.assertFalse(Publication.objects.exists())
        self.assertEqual(Evaluation.objects.get(unit__code="LK-KGXJ", year=2024).status, Evaluation.Status.DRAFT)
