"""`manage.py loaddemo` reproduces the seed, once."""

import re
from decimal import Decimal
from io import StringIO
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from achievements.models import Indicator, Theme
from budgets.models import BasicSpending, FundTypeSpending, ProjectItem, SpendingSummary
from evaluations.models import Duty, Evaluation, Office, ReportOutline, Unit
from evaluations.outlines import HUNAN
from reports.demo import agriculture_2024 as other
from reports.demo import lukou_2024 as seed

SEED_FILE = Path(__file__).resolve().parents[2].parent / "shared" / "seed" / "lukou-2024-self-evaluation.txt"


class LoadDemoTests(TestCase):
    def load(self) -> str:
        out = StringIO()
        call_command("loaddemo", stdout=out)
        return out.getvalue()

    def test_it_creates_the_seed_unit_and_its_complete_evaluation(self):
        self.load()
        unit = Unit.objects.get(name="株洲市渌口区科技和工业信息化局")
        evaluation = Evaluation.objects.get(unit=unit, year=2024)
        self.assertEqual(evaluation.duties.count(), 16)
        self.assertEqual(evaluation.offices.count(), 6)
        self.assertEqual(sum(line.actual for line in evaluation.staffing_lines.all()), 21)
        self.assertEqual(evaluation.project_items.count(), 10)
        self.assertEqual(evaluation.fund_sources.count(), 3)
        self.assertEqual(evaluation.themes.count(), 5)
        self.assertEqual(str(evaluation.signature_date), "2025-05-22")

    def test_running_it_twice_leaves_exactly_one_copy(self):
        self.load()
        output = self.load()
        self.assertIn("已存在", output)
        self.assertEqual(Unit.objects.count(), 2)
        self.assertEqual(Evaluation.objects.count(), 2)
        self.assertEqual(Duty.objects.filter(evaluation__unit__code="LK-KGXJ").count(), 16)
        self.assertEqual(Office.objects.filter(evaluation__unit__code="LK-KGXJ").count(), 6)
        self.assertEqual(ProjectItem.objects.count(), 10)
        self.assertEqual(Theme.objects.filter(evaluation__unit__code="LK-KGXJ").count(), 5)
        self.assertEqual(Theme.objects.count(), 5 + len(other.THEMES))
        self.assertEqual(Indicator.objects.count(), len(seed.INDICATORS))
        self.assertEqual(get_user_model().objects.count(), 5)

    def test_the_second_unit_follows_the_hunan_outline_with_totals_only_in_wan_yuan(self):
        self.load()
        unit = Unit.objects.get(code="LK-NYNCJ")
        self.assertEqual(unit.outline, ReportOutline.objects.get(builtin=HUNAN))
        self.assertIsNone(Unit.objects.get(code="LK-KGXJ").outline, "the seed keeps the default (seed) outline")
        evaluation = Evaluation.objects.get(unit=unit, year=2024)
        self.assertEqual(evaluation.status, Evaluation.Status.DRAFT)
        self.assertEqual(evaluation.amount_unit, "wan")
        summary = SpendingSummary.objects.get(evaluation=evaluation)
        self.assertEqual(
            [summary.total_budget, summary.total_spending, summary.basic_total, summary.project_total],
            [Decimal("26800000"), Decimal("25963800"), Decimal("6124500"), Decimal("19839300")],
        )
        self.assertFalse(BasicSpending.objects.filter(evaluation=evaluation).exists(), "no split of basic spending")
        self.assertFalse(ProjectItem.objects.filter(evaluation=evaluation).exists(), "no project items")
        self.assertEqual(
            {(f.fund_type, f.has_spending) for f in FundTypeSpending.objects.filter(evaluation=evaluation)},
            {("government_fund", True), ("state_capital", False), ("social_insurance", False)},
        )
        self.assertEqual((evaluation.staff_on_roll, evaluation.staffing_authority), (39, "区编委"))
        # Staff movements nobody stated stay unknown.
        self.assertEqual(
            [evaluation.staff_transferred_in, evaluation.staff_transferred_out, evaluation.staff_retired],
            [2, None, 1],
        )
        self.assertEqual(evaluation.offices.count(), 6)

    def test_it_prints_every_demo_account(self):
        output = self.load()
        for username in ["wangfang", "liqiang", "zhaomin", "chenjing", "admin"]:
            self.assertIn(username, output)
        self.assertIn("lukou-demo-2024", output)

    def test_the_demo_accounts_can_sign_in(self):
        self.load()
        # Through the sign-in page: the throttling backend (django-axes) needs the request that client.login lacks.
        response = self.client.post(reverse("login"), {"username": "wangfang", "password": "lukou-demo-2024"})
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)


class SeedTextTests(TestCase):
    """Every sentence of the seed's prose is held as data, without its heading numbers."""

    def test_every_stored_paragraph_appears_in_the_seed(self):
        if not SEED_FILE.exists():
            self.skipTest("shared/seed is not beside this checkout")
        text = SEED_FILE.read_text(encoding="utf-8")
        for paragraph in [*seed.DUTIES, seed.PROBLEMS, seed.MEASURES, seed.RESULTS_USE]:
            self.assertIn(paragraph, text)
        for title, body in seed.THEMES:
            self.assertIn(f"{title}。{body}", text)

    def test_no_stored_paragraph_keeps_a_heading_number(self):
        heading = re.compile(r"^\s*([（(][一二三四五六七八九十]+[)）]|\d+[、.])")
        for paragraph in [*seed.DUTIES, *(body for _, body in seed.THEMES)]:
            self.assertIsNone(heading.match(paragraph), paragraph)
