"""The finance bureau's scoring-scheme pages: 陈静 copies the Hunan scheme, edits its weights, bands and grades (every
problem shown in Chinese, nothing saved until the whole scheme adds up, each save a new version), chooses it for
渌口区 and previews how the seed unit would score; unit staff have no access."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from achievements.models import Indicator
from budgets.models import BudgetExecution
from evaluations.models import Evaluation, SchemeAssignment, ScoringScheme, Unit
from evaluations.schemes import BUILTIN, HUNAN, NATIONAL
from evaluations.scoring_rules import Band
from evaluations.scoring_schemes import copy_scheme, scheme_spec
from reports.views.schemes import SchemeForm, bands_text, parse_bands
from tests.base import SeedTestCase

REGION = "湖南省株洲市渌口区"


def edit_post(scheme: ScoringScheme, **changes: object) -> dict[str, str]:
    """The edit page's form as it was opened, with ``changes`` by field name (a bool for a checkbox)."""
    form = SchemeForm(scheme_spec(scheme), scheme.version)
    data: dict[str, str] = {}
    for name in form.fields:
        value = changes.get(name, form[name].value())
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
    return data


class SchemePagesTests(SeedTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.hunan = ScoringScheme.objects.get(builtin=HUNAN)
        cls.national = ScoringScheme.objects.get(builtin=NATIONAL)

    def test_chenjing_lists_the_shipped_schemes_and_where_each_applies(self):
        own = copy_scheme(self.hunan, name="渌口区评分方案")
        SchemeAssignment.objects.create(region=REGION, year=2024, scheme=own)
        Unit.objects.filter(pk=self.unit_b.pk).update(scoring_scheme=self.hunan)
        self.client.force_login(self.chenjing)
        # Queries: session, user, membership (the access rule); the schemes, the choices with their schemes, the
        # units with their own scheme; the regions and the schemes of the choice form.
        with self.assertNumQueries(8):
            response = self.client.get(reverse("scheme_list"))
        for spec in BUILTIN.values():
            self.assertContains(response, spec.name)
        self.assertContains(response, "渌口区评分方案")
        self.assertContains(response, f"{REGION} · 2024")
        self.assertContains(response, "株洲市渌口区农业农村局（单独指定）")
        self.assertContains(response, reverse("scheme_copy", args=[self.hunan.pk]))
        self.assertContains(response, reverse("scheme_preview", args=[own.pk]))
        self.assertContains(self.client.get(reverse("home")), reverse("scheme_list"))

    def test_unit_staff_are_refused_and_see_no_link(self):
        for person in (self.wangfang, self.liqiang, self.zhaomin):
            self.client.force_login(person)
            with self.subTest(person.username):
                self.assertEqual(self.client.get(reverse("scheme_list")).status_code, 403)
                self.assertEqual(self.client.get(reverse("scheme_preview", args=[self.hunan.pk])).status_code, 403)
                self.assertNotContains(self.client.get(reverse("home")), reverse("scheme_list"))

    def test_chenjing_copies_the_hunan_scheme_on_its_page(self):
        self.client.force_login(self.chenjing)
        page = self.client.get(reverse("scheme_copy", args=[self.hunan.pk]))
        self.assertContains(page, "湖南部门整体支出评价（财预〔2013〕53号框架）（副本）")
        self.assertContains(page, "重点支出安排率")
        response = self.client.post(reverse("scheme_copy", args=[self.hunan.pk]), {"name": "渌口区评分方案"})
        copy = ScoringScheme.objects.get(name="渌口区评分方案")
        self.assertRedirects(response, reverse("scheme_edit", args=[copy.pk]))
        self.assertEqual(scheme_spec(copy).sections, BUILTIN[HUNAN].sections)
        taken = self.client.post(reverse("scheme_copy", args=[self.hunan.pk]), {"name": "渌口区评分方案"})
        self.assertContains(taken, "已有名为“渌口区评分方案”的评分方案", status_code=422)

    def test_a_shipped_scheme_is_shown_read_only(self):
        self.client.force_login(self.chenjing)
        page = self.client.get(reverse("scheme_edit", args=[self.hunan.pk]))
        self.assertContains(page, "随系统提供的评分方案不能修改，请复制后修改副本。")
        self.assertContains(page, "90%及以上，5分")
        self.assertNotContains(page, 'name="version"')
        refused = self.client.post(reverse("scheme_edit", args=[self.hunan.pk]), edit_post(self.hunan))
        self.assertEqual(refused.status_code, 422)
        self.hunan.refresh_from_db()
        self.assertEqual((self.hunan.version, self.hunan.data), (1, BUILTIN[HUNAN].to_data()))

    def test_chenjing_edits_weights_bands_and_grades_and_each_save_is_a_new_version(self):
        copy = copy_scheme(self.hunan, name="渌口区评分方案")
        self.client.force_login(self.chenjing)
        page = self.client.get(reverse("scheme_edit", args=[copy.pk]))
        self.assertContains(page, "[90, ) 5")
        self.assertContains(page, 'name="leaf-0-0-2-bands"')
        # 投入 15 → 20 (在职人员控制率 5 → 10), 过程 40 → 35 (预算执行 15 → 10: “三公经费”控制率 6 → 1); the key
        # spending bands become ≥95% 5, [80%, 95%) 3, below 80% 0; 优 from 85; 在职人员控制率 −1 per point.
        data = edit_post(
            copy,
            **{
                "l1-0-weight": "20",
                "l2-0-0-weight": "20",
                "leaf-0-0-0-weight": "10",
                "leaf-0-0-0-per_point": "1",
                "leaf-0-0-2-bands": "[95, ) 5\n[80, 95) 3\n[, 80) 0",
                "l1-1-weight": "35",
                "l2-1-0-weight": "10",
                "leaf-1-0-3-weight": "1",
                "grade-0-lower": "85",
                "execution_cap": True,
            },
        )
        response = self.client.post(reverse("scheme_edit", args=[copy.pk]), data)
        self.assertRedirects(response, reverse("scheme_edit", args=[copy.pk]))
        copy.refresh_from_db()
        self.assertEqual(copy.version, 2)
        spec = scheme_spec(copy)
        self.assertEqual([level1.weight for level1 in spec.sections], [20, 35, 25, 20])
        self.assertEqual(spec.leaf("staff_control_rate").rule.per_point, 1)
        self.assertEqual(
            spec.leaf("key_spending_rate").rule.bands,
            (
                Band(Decimal("0.95"), None, Decimal("5")),
                Band(Decimal("0.8"), Decimal("0.95"), Decimal("3")),
                Band(None, Decimal("0.8"), Decimal("0")),
            ),
        )
        self.assertEqual(spec.grades.bands[0], (Decimal("85"), "优"))
        self.assertIsNotNone(spec.execution_cap)
        self.assertEqual(spec.validate(), [])
        # Saved again unchanged: still a new version, and nothing else moves.
        self.client.post(reverse("scheme_edit", args=[copy.pk]), edit_post(copy))
        copy.refresh_from_db()
        self.assertEqual((copy.version, scheme_spec(copy)), (3, spec))

    def test_weights_that_do_not_add_up_are_refused_in_chinese_and_nothing_is_saved(self):
        copy = copy_scheme(self.hunan, name="渌口区评分方案")
        self.client.force_login(self.chenjing)
        data = edit_post(copy, **{"l1-0-weight": "20", "leaf-0-0-2-bands": "[90, ) 5\n[70, 80) 3", "grade-1-lower": ""})
        response = self.client.post(reverse("scheme_edit", args=[copy.pk]), data)
        # The field errors beside their fields first: a band line the page cannot read, a blank grade.
        self.assertContains(response, "请更正下面标出的各项。", status_code=422)
        self.assertContains(response, "这个字段是必填项。", status_code=422)
        data["grade-1-lower"] = "80"
        response = self.client.post(reverse("scheme_edit", args=[copy.pk]), data)
        self.assertContains(response, "一级指标分值合计为105分，应为100分。", status_code=422)
        self.assertContains(response, "“投入”的下级指标分值合计为15分，应等于其分值20分。", status_code=422)
        self.assertContains(response, "“重点支出安排率”的评分档次在80%处不连续或有重叠。", status_code=422)
        # What was typed stays on the page.
        self.assertContains(response, "[70, 80) 3", status_code=422)
        unreadable = self.client.post(reverse("scheme_edit", args=[copy.pk]), {**data, "leaf-0-0-2-bands": "90以上 5"})
        self.assertContains(unreadable, "第1行“90以上 5”无法识别，格式如 [80, 90) 4。", status_code=422)
        copy.refresh_from_db()
        self.assertEqual((copy.version, scheme_spec(copy).sections), (1, BUILTIN[HUNAN].sections))

    def test_a_page_opened_before_another_save_is_refused(self):
        copy = copy_scheme(self.hunan, name="渌口区评分方案")
        self.client.force_login(self.chenjing)
        opened = edit_post(copy, description="第一次")
        self.client.post(reverse("scheme_edit", args=[copy.pk]), edit_post(copy, description="别人先改了"))
        response = self.client.post(reverse("scheme_edit", args=[copy.pk]), opened)
        self.assertContains(response, "评分方案已被他人修改（现为第2版）", status_code=422)
        copy.refresh_from_db()
        self.assertEqual((copy.version, copy.description), (2, "别人先改了"))

    def test_chenjing_chooses_a_scheme_for_a_region_and_year(self):
        own = copy_scheme(self.hunan, name="渌口区评分方案")
        self.client.force_login(self.chenjing)
        response = self.client.post(reverse("scheme_assign"), {"region": REGION, "year": "2024", "scheme": own.pk})
        self.assertRedirects(response, reverse("scheme_list"))
        assignment = SchemeAssignment.objects.get()
        self.assertEqual((assignment.region, assignment.year, assignment.scheme), (REGION, 2024, own))
        taken = self.client.post(
            reverse("scheme_assign"), {"region": REGION, "year": "2024", "scheme": self.national.pk}
        )
        self.assertContains(taken, "已指定评分方案“渌口区评分方案”", status_code=422)
        self.client.post(reverse("scheme_unassign", args=[assignment.pk]))
        self.assertFalse(SchemeAssignment.objects.exists())

    def test_the_bands_text_reads_back_what_it_shows(self):
        for spec in BUILTIN.values():
            for leaf in spec.leaves():
                bands = getattr(leaf.rule, "bands", None)
                if bands is not None:
                    with self.subTest(leaf.key):
                        self.assertEqual(parse_bands(bands_text(bands)), bands)


class SchemePreviewTests(SeedTestCase):
    """陈静 previews how units would score: the seed unit's submitted report by default."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.hunan = ScoringScheme.objects.get(builtin=HUNAN)
        cls.national = ScoringScheme.objects.get(builtin=NATIONAL)
        Evaluation.objects.filter(pk=cls.evaluation.pk).update(status=Evaluation.Status.SUBMITTED)

    def test_the_seed_units_sheet_lists_what_is_missing_and_scores_nothing_missing_as_zero(self):
        self.client.force_login(self.chenjing)
        # Queries: session, user, membership (the access rule); the scheme; the evaluations 陈静 may see; for the
        # one previewed, its common indicators (common figures, execution lines, 日常公用经费, stated totals, project
        # items, staffing lines; the reason for a low execution rate is on the common figures), the funds block,
        # the stated totals (the rate the report prints when the funds block has none), the indicators and the
        # unit's judgement of the scheme's leaves.
        with self.assertNumQueries(15):
            response = self.client.get(reverse("scheme_preview", args=[self.hunan.pk]))
        self.assertEqual(response.context["evaluation"], self.evaluation)
        self.assertContains(response, "株洲市渌口区科技和工业信息化局 · 2024")
        self.assertContains(response, "总分：无法计算")
        self.assertContains(response, "在职人员控制率：无法计算（缺少在职人员数、编制数）")
        self.assertContains(response, "预决算信息公开性和完善性：无法计算（缺少评价档次）")
        self.assertContains(response, "产出指标：无法计算（缺少“规模工业增加值增速”的分值）")
        sheet = response.context["sheet"]
        self.assertIsNone(sheet.total)
        self.assertIsNone(sheet.grade)
        self.assertEqual([leaf.points for leaf in sheet.leaves()], [None] * len(sheet.leaves()))
        self.assertNotContains(response, ">0.00<")
        self.assertNotContains(response, "等级：优")

    def test_a_unit_with_every_input_gets_a_total_and_a_grade(self):
        # 区农业农村局 2024: 全年预算 100,000 元, executed 90,000 → 90% of 10 = 9; 产出 100 of 100 (50) → 50;
        # 效益 8 of ≥10 (30) → 24; 满意度 95 of ≥90 (10) → 10. Total 93.00, 优.
        other = Evaluation.objects.create(unit=self.unit_b, year=2024, status=Evaluation.Status.SUBMITTED)
        BudgetExecution.objects.create(
            evaluation=other, kind="basic", full_year_budget=Decimal("60000"), executed=Decimal("60000")
        )
        BudgetExecution.objects.create(
            evaluation=other, kind="project", full_year_budget=Decimal("40000"), executed=Decimal("30000")
        )
        for order, (level1, target, actual, weight) in enumerate(
            [("产出指标", "100", "100", "50"), ("效益指标", "10", "8", "30"), ("满意度指标", "90", "95", "10")]
        ):
            Indicator.objects.create(
                evaluation=other,
                order=order,
                level1=level1,
                level2="数量指标",
                name=f"{level1}一",
                target=Decimal(target),
                actual=Decimal(actual),
                weight=Decimal(weight),
            )
        self.client.force_login(self.chenjing)
        response = self.client.get(reverse("scheme_preview", args=[self.national.pk]), {"evaluation": other.pk})
        self.assertContains(response, "总分 93.00 分，等级：优")
        self.assertContains(response, "预算执行率 = 90.00%，10×90.00% = 9.00分")
        self.assertEqual(response.context["sheet"].parts, [Decimal("9"), Decimal("50"), Decimal("24"), Decimal("10")])

    def test_a_draft_chenjing_may_not_see_is_not_previewed(self):
        draft = Evaluation.objects.create(unit=self.unit_b, year=2023)
        self.client.force_login(self.chenjing)
        response = self.client.get(reverse("scheme_preview", args=[self.hunan.pk]), {"evaluation": draft.pk})
        self.assertEqual(response.status_code, 404)
        self.assertNotIn(draft, self.client.get(reverse("scheme_preview", args=[self.hunan.pk])).context["evaluations"])

    def test_a_scheme_that_does_not_add_up_is_not_scored(self):
        copy = copy_scheme(self.national, name="坏方案")
        data = dict(copy.data)
        data["sections"] = [{**data["sections"][0], "weight": "20"}, *data["sections"][1:]]
        ScoringScheme.objects.filter(pk=copy.pk).update(data=data)
        self.client.force_login(self.chenjing)
        response = self.client.get(reverse("scheme_preview", args=[copy.pk]))
        self.assertContains(response, "本方案有以下问题，无法试算")
        self.assertContains(response, "一级指标分值合计为110分，应为100分。")
        self.assertIsNone(response.context["sheet"])


class SchemeAdminTests(SeedTestCase):
    def test_the_administrator_reads_a_scheme_as_indented_json_and_copies_it(self):
        hunan = ScoringScheme.objects.get(builtin=HUNAN)
        self.client.force_login(self.admin)
        page = self.client.get(reverse("admin:evaluations_scoringscheme_change", args=[hunan.pk]))
        self.assertContains(page, "&quot;key&quot;: &quot;staff_control_rate&quot;")
        self.assertContains(page, "<pre>")
        self.assertNotContains(page, 'name="name"')
        self.assertNotContains(page, reverse("admin:evaluations_scoringscheme_delete", args=[hunan.pk]))
        response = self.client.post(
            reverse("admin:evaluations_scoringscheme_changelist"),
            {"action": "copy_schemes", "_selected_action": [hunan.pk]},
        )
        self.assertEqual(response.status_code, 302)
        copy = ScoringScheme.objects.get(name=f"{hunan.name}（副本）")
        self.assertEqual((copy.builtin, copy.version, scheme_spec(copy).sections), ("", 1, BUILTIN[HUNAN].sections))
        own = self.client.get(reverse("admin:evaluations_scoringscheme_change", args=[copy.pk]))
        self.assertContains(own, 'name="name"')
