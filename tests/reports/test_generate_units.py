"""The synthetic data the benchmark measures the bureau's pages with: ``manage.py generate_units``."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from evaluations.models import Evaluation, Publication, Unit
from reports.models import KeyFigures
from reports.publication import read_pdf
from tests.base import BaseTestCase
from tests.reports.workflow_support import TemporaryPublicationsStore


class GenerateUnitsTests(TemporaryPublicationsStore, BaseTestCase):
    def generate(self, *args: str) -> str:
        out = StringIO()
        call_command("generate_units", "--last-year", "2024", *args, stdout=out)
        return out.getvalue()

    def test_it_creates_units_with_a_report_each_year_and_is_idempotent(self):
        output = self.generate("--units", "12", "--years", "3", "--prefix", "合成")
        self.assertIn("New: 12 units, 36 evaluations", output)
        self.assertEqual(Unit.objects.filter(name__startswith="合成").count(), 12)
        self.assertEqual(
            sorted(set(Evaluation.objects.filter(unit__name__startswith="合成").values_list("year", flat=True))),
            [2022, 2023, 2024],
        )
        # Key figures exactly for the handed-over reports, a publication exactly for the published ones.
        handed_over = Evaluation.objects.filter(
            unit__name__startswith="合成", status__in=["submitted", "approved", "published"]
        )
        self.assertEqual(KeyFigures.objects.count(), handed_over.count())
        published = handed_over.filter(status="published")
        self.assertEqual(Publication.objects.current().count(), published.count())
        self.assertTrue(read_pdf(Publication.objects.first()).startswith(b"%PDF"))
        counts = (Unit.objects.count(), Evaluation.objects.count(), KeyFigures.objects.count())
        self.assertIn(
            "New: 0 units, 0 evaluations, 0 key figures, 0 publications",
            self.generate("--units", "12", "--years", "3", "--prefix", "合成"),
        )
        self.assertEqual((Unit.objects.count(), Evaluation.objects.count(), KeyFigures.objects.count()), counts)

    def test_publications_freeze_the_key_figures_and_a_correction_supersedes_version_1(self):
        self.generate("--units", "60", "--years", "2", "--prefix", "合成")
        corrected = Publication.objects.filter(version=2)
        self.assertTrue(corrected.exists())
        for second in corrected:
            first = Publication.objects.get(evaluation_id=second.evaluation_id, version=1)
            self.assertEqual((first.is_current, second.is_current), (False, True))
            self.assertGreater(second.published_at, first.published_at)
            self.assertNotEqual(first.index_number, second.index_number)
        for publication in Publication.objects.select_related("evaluation__key_figures"):
            figures = publication.evaluation.key_figures
            self.assertEqual(
                (publication.total_spending, publication.budget, publication.execution_rate, publication.score_total),
                (figures.total_spending, figures.budget, figures.execution_rate, figures.score_total),
            )
            self.assertEqual(publication.publisher, publication.unit_name)
            self.assertTrue(publication.index_number)
        # Blank stays blank: a report without a budget has no execution rate, never 0.
        unknown = Publication.objects.filter(budget__isnull=True)
        self.assertTrue(unknown.exists())
        self.assertFalse(unknown.filter(execution_rate__isnull=False).exists())

    def test_a_prefix_makes_another_set_of_units(self):
        self.generate("--units", "3", "--years", "1", "--prefix", "甲")
        self.generate("--units", "3", "--years", "1", "--prefix", "乙")
        self.assertEqual(Unit.objects.filter(name__startswith="乙").count(), 3)
        self.assertEqual(Unit.objects.filter(name__startswith="甲").count(), 3)
