"""Scoring schemes in the database: the shipped ones as the migration wrote them, which scheme an evaluation is
scored with, and 陈静's changes (copy, edit with validation and a new version each time, choice per region and
year)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from django.core.exceptions import ValidationError

from evaluations.models import Evaluation, SchemeAssignment, ScoringScheme, Unit
from evaluations.schemes import BUILTIN, HUNAN, HUNAN_SCHEME, NATIONAL, NATIONAL_SCHEME
from evaluations.scoring import Level1
from evaluations.scoring_schemes import (
    assign_scheme,
    chosen_scheme,
    copy_scheme,
    ensure_builtin_schemes,
    save_scheme,
    scheme_for,
    scheme_spec,
)
from tests.base import BaseTestCase

REGION = "湖南省株洲市渌口区"


class ShippedSchemesTests(BaseTestCase):
    def test_it_has_both_shipped_schemes_in_the_database_as_the_code_defines_them_and_they_validate(self):
        rows = {scheme.builtin: scheme for scheme in ScoringScheme.objects.exclude(builtin="")}
        self.assertEqual(sorted(rows), sorted(BUILTIN))
        for key, spec in BUILTIN.items():
            with self.subTest(key):
                row = rows[key]
                self.assertEqual((row.name, row.description, row.version), (spec.name, spec.description, 1))
                self.assertEqual(row.data, spec.to_data())
                self.assertEqual(scheme_spec(row), spec)
                self.assertEqual(scheme_spec(row).validate(), [])

    def test_ensure_builtin_schemes_writes_nothing_twice(self):
        before = ScoringScheme.objects.count()
        found = ensure_builtin_schemes()
        self.assertEqual(ScoringScheme.objects.count(), before)
        self.assertEqual(sorted(found), sorted(BUILTIN))
        ScoringScheme.objects.filter(builtin=HUNAN).delete()
        ensure_builtin_schemes()
        self.assertEqual(scheme_spec(ScoringScheme.objects.get(builtin=HUNAN)), HUNAN_SCHEME)


class SchemeChoiceTests(BaseTestCase):
    """Which scheme 王芳's 2024 report (unit A, 渌口区) is scored with, as 陈静 and the administrator choose."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.evaluation = Evaluation.objects.create(unit=cls.unit_a, year=2024)
        national = ScoringScheme.objects.get(builtin=NATIONAL)
        cls.every = copy_scheme(national, name="全部地区各年度")
        cls.year_only = copy_scheme(national, name="全部地区2024")
        cls.region_only = copy_scheme(national, name="渌口区各年度")
        cls.region_and_year = copy_scheme(national, name="渌口区2024")
        cls.own = copy_scheme(national, name="单位自己的")

    def chosen(self) -> ScoringScheme | None:
        evaluation = Evaluation.objects.select_related("unit").get(pk=self.evaluation.pk)
        return chosen_scheme(evaluation)

    def test_it_uses_the_shipped_national_scheme_when_nothing_is_chosen(self):
        evaluation = Evaluation.objects.select_related("unit").get(pk=self.evaluation.pk)
        # Queries: the campaign of the year covering the unit (none), the assignments that could apply, then the
        # shipped national scheme.
        with self.assertNumQueries(3):
            chosen = chosen_scheme(evaluation)
        self.assertEqual(chosen.builtin, NATIONAL)
        self.assertEqual(scheme_for(evaluation), NATIONAL_SCHEME)

    def test_it_falls_back_to_the_national_scheme_in_code_when_the_database_holds_none(self):
        ScoringScheme.objects.all().delete()
        evaluation = Evaluation.objects.select_related("unit").get(pk=self.evaluation.pk)
        self.assertIsNone(chosen_scheme(evaluation))
        self.assertIs(scheme_for(evaluation), NATIONAL_SCHEME)

    def test_the_most_specific_choice_wins_and_the_units_own_before_all(self):
        SchemeAssignment.objects.create(region="", year=None, scheme=self.every)
        self.assertEqual(self.chosen(), self.every)
        SchemeAssignment.objects.create(region="", year=2024, scheme=self.year_only)
        self.assertEqual(self.chosen(), self.year_only)
        SchemeAssignment.objects.create(region=REGION, year=None, scheme=self.region_only)
        self.assertEqual(self.chosen(), self.region_only)
        SchemeAssignment.objects.create(region=REGION, year=2024, scheme=self.region_and_year)
        # Another year's and another region's choices do not apply.
        SchemeAssignment.objects.create(region=REGION, year=2025, scheme=self.year_only)
        SchemeAssignment.objects.create(region="别的县", year=2024, scheme=self.every)
        evaluation = Evaluation.objects.select_related("unit").get(pk=self.evaluation.pk)
        # Queries: the campaign of the year covering the unit (none), the assignments that could apply, with their
        # schemes.
        with self.assertNumQueries(2):
            self.assertEqual(chosen_scheme(evaluation), self.region_and_year)
        Unit.objects.filter(pk=self.unit_a.pk).update(scoring_scheme=self.own)
        evaluation = Evaluation.objects.select_related("unit").get(pk=self.evaluation.pk)
        # Query: the unit's own scheme.
        with self.assertNumQueries(1):
            self.assertEqual(chosen_scheme(evaluation), self.own)
        self.assertEqual(scheme_for(evaluation).name, "单位自己的")
        self.assertEqual(scheme_for(evaluation).key, f"scheme-{self.own.pk}")


class SchemeChangesTests(BaseTestCase):
    """陈静 copies the Hunan scheme and edits her copy."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.hunan = ScoringScheme.objects.get(builtin=HUNAN)

    def test_a_copy_has_everything_of_the_original_under_its_own_name_at_version_one(self):
        copy = copy_scheme(self.hunan, name="渌口区评分方案", description="县里用的")
        self.assertEqual((copy.builtin, copy.version, copy.description), ("", 1, "县里用的"))
        spec = scheme_spec(copy)
        self.assertEqual(spec.sections, HUNAN_SCHEME.sections)
        self.assertEqual(spec.grades, HUNAN_SCHEME.grades)
        self.assertEqual(spec.name, "渌口区评分方案")
        with self.assertRaises(ValidationError) as refused:
            copy_scheme(self.hunan, name="渌口区评分方案")
        self.assertIn("已有名为“渌口区评分方案”的评分方案", refused.exception.messages[0])
        self.assertEqual(ScoringScheme.objects.filter(name="渌口区评分方案").count(), 1)

    def test_each_save_counts_the_version_up_and_the_original_stays_as_shipped(self):
        copy = copy_scheme(self.hunan, name="渌口区评分方案")
        spec = scheme_spec(copy)
        # 投入 15 → 20 and 过程 40 → 35: 预算执行 15 → 10, its 三公经费控制率 6 → 1.
        investment, process, *rest = spec.sections
        level2 = investment.groups[0]
        investment = dataclasses.replace(
            investment,
            weight=Decimal("20"),
            groups=(
                dataclasses.replace(
                    level2,
                    weight=Decimal("20"),
                    leaves=(dataclasses.replace(level2.leaves[0], weight=Decimal("10")), *level2.leaves[1:]),
                ),
            ),
        )
        execution = process.groups[0]
        leaves = (*execution.leaves[:3], dataclasses.replace(execution.leaves[3], weight=Decimal("1")))
        process = dataclasses.replace(
            process,
            weight=Decimal("35"),
            groups=(dataclasses.replace(execution, weight=Decimal("10"), leaves=leaves), *process.groups[1:]),
        )
        edited = dataclasses.replace(spec, sections=(investment, process, *rest))
        self.assertEqual(edited.validate(), [])
        saved = save_scheme(scheme=copy, spec=edited, version=1)
        self.assertEqual(saved.version, 2)
        stored = scheme_spec(ScoringScheme.objects.get(pk=copy.pk))
        self.assertEqual([level1.weight for level1 in stored.sections], [20, 35, 25, 20])
        self.assertEqual(stored.leaf("staff_control_rate").weight, 10)
        self.assertEqual(save_scheme(scheme=copy, spec=edited, version=2).version, 3)
        self.assertEqual(scheme_spec(self.hunan), HUNAN_SCHEME)

    def test_a_scheme_that_does_not_add_up_is_refused_with_every_problem_and_nothing_is_stored(self):
        copy = copy_scheme(self.hunan, name="渌口区评分方案")
        spec = scheme_spec(copy)
        first = spec.sections[0]
        broken = dataclasses.replace(
            spec, sections=(Level1(first.name, Decimal("20"), first.groups), *spec.sections[1:])
        )
        with self.assertRaises(ValidationError) as refused:
            save_scheme(scheme=copy, spec=broken, version=1)
        self.assertEqual(
            refused.exception.messages,
            ["一级指标分值合计为105分，应为100分。", "“投入”的下级指标分值合计为15分，应等于其分值20分。"],
        )
        copy.refresh_from_db()
        self.assertEqual((copy.version, scheme_spec(copy).sections), (1, HUNAN_SCHEME.sections))

    def test_a_shipped_scheme_and_a_page_opened_before_another_save_are_refused(self):
        with self.assertRaises(ValidationError) as refused:
            save_scheme(scheme=self.hunan, spec=HUNAN_SCHEME, version=1)
        self.assertEqual(refused.exception.messages, ["随系统提供的评分方案不能修改，请复制后修改副本。"])
        copy = copy_scheme(self.hunan, name="渌口区评分方案")
        save_scheme(scheme=copy, spec=scheme_spec(copy), version=1)
        with self.assertRaises(ValidationError) as stale:
            save_scheme(scheme=copy, spec=dataclasses.replace(scheme_spec(copy), description="晚了"), version=1)
        self.assertEqual(stale.exception.messages, ["评分方案已被他人修改（现为第2版），请重新打开本页后再修改。"])
        copy.refresh_from_db()
        self.assertEqual((copy.version, copy.description), (2, self.hunan.description))

    def test_a_choice_is_one_per_region_and_year_and_only_for_a_region_units_belong_to(self):
        assignment = assign_scheme(scheme=self.hunan, region=f" {REGION} ", year=2024)
        self.assertEqual((assignment.region, assignment.year), (REGION, 2024))
        national = ScoringScheme.objects.get(builtin=NATIONAL)
        with self.assertRaises(ValidationError) as taken:
            assign_scheme(scheme=national, region=REGION, year=2024)
        self.assertIn("已指定评分方案“湖南部门整体支出评价", taken.exception.messages[0])
        with self.assertRaises(ValidationError) as unknown:
            assign_scheme(scheme=national, region="不存在的县", year=None)
        self.assertEqual(unknown.exception.messages, ["没有哪个预算单位属于地区“不存在的县”，请检查名称。"])
        self.assertEqual(SchemeAssignment.objects.count(), 1)
        assign_scheme(scheme=national, region="", year=None)
        self.assertEqual(SchemeAssignment.objects.count(), 2)
