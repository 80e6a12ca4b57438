"""王芳 scores her unit's report on the 自评评分 page: every leaf of the scheme with its 分值, its rule and formula,
the score the engine gives it and why, what is missing with a link to where it is entered; she judges the
qualitative leaves and marks what does not apply, and watches the total and the grade follow her typing before she
saves. A refused save keeps everything she typed, with the message beside the field."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.urls import reverse

from achievements.models import Indicator
from evaluations.leaf_assessments import LEAF_NOT_APPLICABLE_WITHOUT_REASON
from evaluations.models import Evaluation, LeafAssessment, ScoringScheme, SectionRevision, Unit
from evaluations.schemes import HUNAN
from reports.scoring_page import SCHEME_CHANGED
from tests.base import add_departments
from tests.scoring_support import MANAGEMENT_SCHEME, score_unit_with

from . import test_editor
from .test_access_matrix import PERSONAS, READERS, STATES, sees
from .test_editor import EditorTestCase

D = Decimal
OUT_OF_RANGE = "“部分达成”档的得分须在36.00至48.00分之间。"
# The management scheme's leaves, in order: 预决算信息公开 (60), 资产管理安全性 (20), 固定资产利用率 (20).
DISCLOSURE, ASSETS, FIXED_ASSETS = "leaf-0", "leaf-1", "leaf-2"


class ScoringTestCase(EditorTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.scheme = score_unit_with(cls.unit_a, MANAGEMENT_SCHEME)

    def judged(self, *, disclosure: str = "40", user=None) -> dict[str, str]:
        """The page as opened, with 预决算信息公开 部分达成, 资产管理安全性 达成 18 and 固定资产利用率 不适用."""
        data = self.open("scoring", user=user)
        data.update(
            {
                f"{DISCLOSURE}-tier": "partly",
                f"{DISCLOSURE}-score": disclosure,
                f"{DISCLOSURE}-reason": "部门预算公开及时，个别表格迟报",
                f"{ASSETS}-tier": "achieved",
                f"{ASSETS}-score": "18",
                f"{ASSETS}-reason": "资产账实相符",
                f"{FIXED_ASSETS}-not_applicable": "on",
                f"{FIXED_ASSETS}-reason": "本单位固定资产由区机关事务中心统一管理",
            }
        )
        return data

    def figures_url(self, section: str = "scoring") -> str:
        return reverse("evaluation_section_figures", args=[self.evaluation.pk, section])


class ScoringPageTests(ScoringTestCase):
    def test_every_leaf_is_shown_with_its_weight_rule_formula_and_what_is_missing(self):
        self.client.force_login(self.wangfang)
        response = self.client.get(self.url("scoring"))
        self.assertContains(response, "评分方案：渌口区管理评分")
        for name in ("预决算信息公开性和完善性", "资产管理安全性", "固定资产利用率"):
            self.assertContains(response, name)
        self.assertContains(response, "计算公式：在用固定资产 ÷ 全部固定资产")
        self.assertContains(response, "达成，得分值的100%至80%；部分达成，得分值的80%至60%；未达成，得分值的60%至0%")
        # The tiers with their ranges in points, from the scheme.
        self.assertContains(response, "部分达成（36.00–48.00分）")
        # Nothing judged and no figures: no total, never 0.
        self.assertContains(response, "总分：无法计算")
        self.assertNotContains(response, "总分 0")
        self.assertContains(
            response,
            f'<a href="{self.url("execution")}">缺少在用固定资产：在“预算执行”页填写</a>',
            html=True,
        )
        self.assertContains(response, '<a href="#id_leaf-0-tier">缺少评价档次：在本页填写</a>', html=True)

    def test_wangfang_saves_her_judgement_and_sees_the_total_and_the_grade(self):
        response = self.client.post(self.url("scoring"), self.judged())
        self.assertRedirects(response, self.url("scoring"), fetch_redirect_response=False)
        self.assertEqual(
            sorted(LeafAssessment.objects.values_list("key", "tier", "score", "not_applicable")),
            [
                ("asset_security", "achieved", D("18"), False),
                ("disclosure", "partly", D("40"), False),
                ("fixed_asset_use_rate", "", None, True),
            ],
        )
        page = self.client.get(self.url("scoring"))
        self.assertContains(page, "“自评评分”已保存。")
        # (40 + 18) of the 80 points that apply, rescaled to 100: 72.50, 中.
        self.assertContains(page, "总分 72.50 分，等级：中")
        self.assertContains(
            page, "“固定资产利用率”不适用，分值共20分不计；其余指标得分58.00分按100÷80折算为72.50分，增加14.50分"
        )
        self.assertContains(page, "自评为“部分达成”（该档36.00至48.00分），得40.00分：部门预算公开及时，个别表格迟报")
        self.assertContains(page, 'value="40"')

    def test_a_score_outside_the_tier_is_refused_beside_the_field_and_nothing_typed_is_lost(self):
        response = self.client.post(self.url("scoring"), self.judged(disclosure="49"))
        self.assertContains(response, OUT_OF_RANGE, status_code=422)
        self.assertContains(response, 'id="id_leaf-0-score_error"', status_code=422)
        self.assertEqual(response.context["page"].forms[DISCLOSURE].errors["score"], [OUT_OF_RANGE])
        self.assertContains(response, 'value="49"', status_code=422)
        self.assertContains(response, "本单位固定资产由区机关事务中心统一管理", status_code=422)
        self.assertContains(response, "资产账实相符", status_code=422)
        self.assertFalse(LeafAssessment.objects.exists())
        self.assertFalse(SectionRevision.objects.filter(evaluation=self.evaluation, section="scoring").exists())

    def test_not_applicable_without_a_reason_is_refused_beside_the_reason(self):
        data = self.judged()
        data[f"{FIXED_ASSETS}-reason"] = ""
        response = self.client.post(self.url("scoring"), data)
        self.assertEqual(response.status_code, 422)
        self.assertEqual(
            response.context["page"].forms[FIXED_ASSETS].errors["reason"], [str(LEAF_NOT_APPLICABLE_WITHOUT_REASON)]
        )
        self.assertFalse(LeafAssessment.objects.exists())

    def test_a_page_opened_before_the_bureau_changed_the_scheme_is_refused(self):
        data = self.judged()
        # The bureau drops 资产管理安全性 and gives its 20 points to 固定资产利用率.
        changed = MANAGEMENT_SCHEME.to_data()
        groups = changed["sections"][0]["groups"]
        groups[1]["leaves"] = [groups[1]["leaves"][1]]
        groups[1]["leaves"][0]["weight"] = "40"
        ScoringScheme.objects.filter(pk=self.scheme.pk).update(data=changed)
        response = self.client.post(self.url("scoring"), data)
        self.assertContains(response, str(SCHEME_CHANGED), status_code=422)
        self.assertFalse(LeafAssessment.objects.exists())

    def test_the_hunan_schemes_missing_inputs_link_to_the_pages_where_they_are_entered(self):
        Unit.objects.filter(pk=self.unit_a.pk).update(scoring_scheme=ScoringScheme.objects.get(builtin=HUNAN))
        self.client.force_login(self.wangfang)
        response = self.client.get(self.url("scoring"))
        links = {
            # 在职人员控制率: the seed publishes headcounts without 编制数 (profile)
            "profile": "缺少编制数：在“单位基本情况”页填写",
            # “三公经费” (预算执行)
            "execution": "缺少公务接待费本年预算数：在“预算执行”页填写",
            # the unit's indicators carry no 分值 (工作成效和绩效指标)
            "achievements": "缺少“工业投资增速”的分值：在“工作成效和绩效指标”页填写",
        }
        for section, text in links.items():
            with self.subTest(section=section):
                self.assertContains(response, f'<a href="{self.url(section)}">{text}</a>', html=True)
        self.assertContains(response, "总分：无法计算")


class NationalSchemeTests(EditorTestCase):
    def test_an_execution_rate_under_ninety_percent_asks_for_its_reason_on_the_execution_page(self):
        from budgets.models import BudgetExecution

        BudgetExecution.objects.filter(evaluation=self.evaluation).update(
            full_year_budget=D("1000000"), executed=D("760000")
        )
        self.client.force_login(self.wangfang)
        response = self.client.get(self.url("scoring"))
        self.assertContains(response, "预算执行率为76.00%，低于90%，须说明原因。")
        self.assertContains(response, f'<a href="{self.url("execution")}">在“预算执行”页填写原因</a>', html=True)
        # 预算执行率 10 × 76% on the national scheme's first leaf.
        self.assertContains(response, "预算执行率 = 76.00%，10×76.00% = 7.60分")


class LiveScoreTests(ScoringTestCase):
    def test_the_total_and_the_grade_follow_the_typed_score_and_nothing_is_saved(self):
        data = self.judged()
        response = self.client.post(self.figures_url(), data)
        self.assertContains(response, "自评得分（按本页填写的内容，尚未保存）")
        self.assertContains(response, "总分 72.50 分，等级：中")
        data[f"{DISCLOSURE}-score"] = "48"
        response = self.client.post(self.figures_url(), data)
        # (48 + 18) ÷ 80 × 100 = 82.50: 良.
        self.assertContains(response, "总分 82.50 分，等级：良")
        # The leaf's own line beside its inputs is replaced too.
        html = response.content.decode()
        leaf = html[html.index('id="leaf-score-0"') :]
        self.assertIn(
            'hx-swap-oob="true"', html[html.index('id="leaf-score-0"') - 60 : html.index('id="leaf-score-0"') + 80]
        )
        self.assertIn("得48.00分", leaf[: leaf.index("</div>")])
        self.assertFalse(LeafAssessment.objects.exists())
        self.assertFalse(SectionRevision.objects.filter(evaluation=self.evaluation).exists())

    def test_a_score_outside_its_tier_is_left_unscored_with_the_reason_never_counted(self):
        response = self.client.post(self.figures_url(), self.judged(disclosure="55"))
        self.assertContains(response, "总分：无法计算")
        self.assertContains(response, "无法计算（得分55.00分超出“部分达成”档的36.00至48.00分）")

    def test_what_does_not_read_as_a_number_falls_back_to_what_is_saved(self):
        self.assertEqual(self.client.post(self.url("scoring"), self.judged()).status_code, 302)
        data = self.judged()
        data[f"{DISCLOSURE}-score"] = "四十五"
        response = self.client.post(self.figures_url(), data)
        self.assertContains(response, "总分 72.50 分，等级：中")


class ScoringAccessTests(ScoringTestCase):
    """Like every editor page: the unit's staff (preparer and head) and administrators edit while the report is a
    draft or returned, read it afterwards; the bureau reads it once submitted and never saves; another unit's
    preparer and the bureau before submission see nothing (404). Unit A's department (周伟) reads like the bureau;
    another department (孙丽) sees nothing."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        add_departments(cls)
        cls.evaluation.refresh_from_db()

    def test_every_persona_in_every_state(self):
        people = {
            "wangfang": self.wangfang,
            "liqiang": self.liqiang,
            "zhaomin": self.zhaomin,
            "chenjing": self.chenjing,
            "zhouwei": self.zhouwei,
            "sunli": self.sunli,
            "admin": self.admin,
        }
        data = self.judged()
        failures = []
        for state in STATES:
            for persona in PERSONAS:
                with transaction.atomic():
                    self.set_status(state)
                    self.client.logout()
                    if persona != "anonymous":
                        self.client.force_login(people[persona])
                    seen = sees(persona, state)
                    editable = state in {Evaluation.Status.DRAFT, Evaluation.Status.RETURNED}
                    may_save = seen and persona not in READERS and editable
                    expected = {
                        "get": 200 if seen else 404,
                        "figures": 200 if seen else 404,
                        "post": 302 if may_save else (422 if seen else 404),
                    }
                    if persona == "anonymous":
                        expected = dict.fromkeys(expected, "login")
                    actual = {
                        "get": self.client.get(self.url("scoring")),
                        "figures": self.client.post(self.figures_url(), data),
                        "post": self.client.post(self.url("scoring"), data),
                    }
                    for what, response in actual.items():
                        got = response.status_code
                        if got == 302 and "/accounts/login/" in response.get("Location", ""):
                            got = "login"
                        if got != expected[what]:
                            failures.append(f"{what} · {persona} · {state}: expected {expected[what]}, got {got}")
                    saved = LeafAssessment.objects.exists()
                    if saved != (may_save and persona != "anonymous"):
                        failures.append(f"saved · {persona} · {state}: {saved}")
                    transaction.set_rollback(True)
        self.assertEqual(failures, [], "\n" + "\n".join(failures))

    def test_a_locked_report_is_shown_read_only(self):
        self.set_status("submitted")
        self.client.force_login(self.liqiang)
        response = self.client.get(self.url("scoring"))
        self.assertContains(response, "本页只读：该绩效自评的状态为“已提交”，不能修改。")
        self.assertNotContains(response, 'type="submit" class="btn btn-primary"')


class ScoringQueryCountTests(ScoringTestCase):
    """The page and its live figures cost the same whether the unit has nine indicators or forty-nine."""

    # session, user, membership, evaluation with its unit (access); the section's last save; the scheme (the unit's
    # own); the unit's judgements; the score: the common indicators (日常公用经费, stated totals, project items,
    # common figures, staffing lines, execution lines), the funds block, the stated totals (the rate the report
    # prints when the funds block has none: none here), the indicators; the header's unit
    PAGE = 17
    # the same without the last save and the header
    FIGURES = 15

    def test_the_query_count_stays_fixed_as_indicators_grow(self):
        data = self.judged()
        for rows in ("seed", "seed + 40"):
            if rows != "seed":
                test_editor.QueryCountTests.add_rows(self, 40)
            with self.subTest(rows=rows):
                with self.assertNumQueries(self.PAGE):
                    self.client.get(self.url("scoring"))
                with self.assertNumQueries(self.FIGURES):
                    self.client.post(self.figures_url(), data)


class AchievementsLiveScoreTests(EditorTestCase):
    """On the achievements page the score follows the indicators as typed: each indicator's points and why, the
    total and the grade, scored by the same engine under the unit's scheme."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        from tests.scoring_support import OUTPUT_SCHEME

        score_unit_with(cls.unit_a, OUTPUT_SCHEME)
        # The five 产出 indicators, 20 points each, on target: 100 points.
        Indicator.objects.filter(evaluation=cls.evaluation, level1="产出指标").update(
            weight=D("20"), target=D("100"), actual=D("100")
        )

    def test_the_score_follows_the_typed_actual_before_it_is_saved(self):
        data = self.open("achievements")
        response = self.client.post(self.figures_url(), data)
        self.assertContains(response, "总分 100.00 分，等级：优")
        data["indicators-0-actual"] = "44"
        response = self.client.post(self.figures_url(), data)
        # 规模工业增加值增速: 20 × 44% = 8.80; the total 88.80, 良.
        self.assertContains(
            response, "规模工业增加值增速（分值20）：8.80分，实际完成值÷年度指标值 = 44.00%，20×44.00% = 8.80分"
        )
        self.assertContains(response, "总分 88.80 分，等级：良")
        self.assertContains(response, "自评得分（按本页填写的内容，尚未保存）")
        self.assertEqual(Indicator.objects.get(evaluation=self.evaluation, order=1).actual, D("100"))

    def test_a_field_that_does_not_validate_is_left_out_and_named_never_counted_as_saved(self):
        data = self.open("achievements")
        data["indicators-0-actual"] = "四十四"
        data["indicators-1-actual"] = "50"
        response = self.client.post(self.figures_url(), data)
        # 规模工业增加值增速's saved 100 would look as if "四十四" had been counted: its actual is unknown, the panel
        # says why, and there is no total until it is typed as a number.
        self.assertContains(response, "指标“规模工业增加值增速” 实际完成值无效，未计入（")
        self.assertContains(response, "缺少“规模工业增加值增速”的实际完成值")
        self.assertNotContains(response, "总分 90.00 分")
        data["indicators-0-actual"] = "100"
        response = self.client.post(self.figures_url(), data)
        # Typed as a number: counted; 工业投资增速 is 50% of its target: 10 points.
        self.assertContains(response, "总分 90.00 分，等级：优")

    def figures_url(self) -> str:
        return reverse("evaluation_section_figures", args=[self.evaluation.pk, "achievements"])

    def test_the_query_count_of_the_live_score_stays_fixed_as_indicators_grow(self):
        for rows in ("seed", "seed + 40"):
            if rows != "seed":
                test_editor.QueryCountTests.add_rows(self, 40)
            data = self.open("achievements")
            # session, user, membership, evaluation with its unit (access); the scheme (the unit's own); themes,
            # indicators (the page); the score: the common indicators (日常公用经费, stated totals, project items,
            # common figures, staffing lines, execution lines), the funds block, the stated totals (the rate the
            # report prints when the funds block has none), the unit's judgement of the scheme's leaves
            with self.subTest(rows=rows), self.assertNumQueries(16):
                self.client.post(self.figures_url(), data)
