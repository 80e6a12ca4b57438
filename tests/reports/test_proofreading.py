"""审校提示: the stored prose checked against the fiscal year and house style. Each rule catches what the seed
gets wrong (domain.md §6) and leaves the seed's correct sentences alone."""

from __future__ import annotations

from django.db import connection
from django.test import SimpleTestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from achievements.models import Indicator, Theme
from budgets.models import BasicSpending, ProjectItem
from evaluations.models import Duty, Evaluation, WrittenText
from reports.proofreading import (
    BRACKETS,
    FIGURE_MISMATCH,
    HEADING_NUMBER,
    HEADING_YEAR,
    LATE_YEAR,
    MONEY_UNIT,
    STALE_TIME,
    STRAY_SPACE,
    TYPO,
    Finding,
    Text,
    findings_by_section,
    proofread,
    proofread_texts,
)
from reports.report import build_report
from tests.base import SeedTestCase
from tests.reports.test_report import evaluation_with, fresh


def check(value: str, *, year: int = 2024, is_title: bool = False, looks_ahead: bool = False) -> list[Finding]:
    text = Text("achievements", "正文", value, is_title=is_title, looks_ahead=looks_ahead)
    return proofread_texts([text], year)


def kinds(value: str, **options) -> list[tuple[str, str]]:
    return [(finding.kind, finding.match) for finding in check(value, **options)]


class StaleTimeTests(SimpleTestCase):
    def test_it_flags_phrases_of_a_december_work_summary(self):
        self.assertEqual(
            kinds("1-11月份增长12%；1—11月完成；截至目前95个；目前运转良好；预计年底前完成；今年首笔；本月开展。"),
            [
                (STALE_TIME, "1-11月份"),
                (STALE_TIME, "1—11月"),
                (STALE_TIME, "截至目前"),
                (STALE_TIME, "目前"),
                (STALE_TIME, "预计年底前"),
                (STALE_TIME, "今年"),
                (STALE_TIME, "本月"),
            ],
        )

    def test_it_suggests_the_fiscal_year(self):
        [finding] = check("成为今年株洲市首笔再贷款。", year=2024)
        self.assertEqual(finding.message, "“今年”在次年读来指的是下一年：建议改为“2024年”。")
        [finding] = check("截至目前，已申报70余个。", year=2023)
        self.assertIn("截至2023年底", finding.message)

    def test_it_leaves_whole_year_wording_alone(self):
        self.assertEqual(check("2024年全年增长12%；1-12月累计；在今后的工作中；全年开展10次。"), [])


class YearTests(SimpleTestCase):
    def test_a_year_two_years_after_the_fiscal_year_is_flagged(self):
        self.assertEqual(kinds("2026年工作成效显著。", year=2024), [(LATE_YEAR, "2026年")])

    def test_the_next_year_and_earlier_years_are_not(self):
        self.assertEqual(check("2023年结转，2024年完成，结果应用到2025年绩效评价中。", year=2024), [])

    def test_measures_may_plan_years_ahead(self):
        self.assertEqual(check("到2027年建成数字化转型体系。", year=2024, looks_ahead=True), [])

    def test_a_title_naming_another_year_is_flagged(self):
        self.assertEqual(kinds("2025年工作成效", year=2024, is_title=True), [(HEADING_YEAR, "2025年工作成效")])
        self.assertEqual(check("2024年工作成效", year=2024, is_title=True), [])
        # The same words in a body are a sentence, not a heading.
        self.assertEqual(check("对照2025年工作成效目标。", year=2024), [])


class StraySpaceTests(SimpleTestCase):
    def test_a_space_between_a_number_and_its_unit_is_flagged(self):
        findings = check("同比增长12.2 %，学习10 余次，全市 第一。")
        self.assertEqual([finding.kind for finding in findings], [STRAY_SPACE] * 3)
        self.assertIn("“12.2%”", findings[0].message)
        self.assertIn("“10余次”", findings[1].message)

    def test_spaces_in_latin_text_and_indentation_are_not(self):
        self.assertEqual(check("　　组织S330公路、GDP growth 与5G基站建设。\n  第二段。"), [])


class MoneyUnitTests(SimpleTestCase):
    def test_wan_and_yi_without_yuan_are_flagged(self):
        findings = check("论坛资金10万、奖励资金270.50万。产值3.4亿")
        self.assertEqual(
            [(f.kind, f.match) for f in findings],
            [(MONEY_UNIT, "10万"), (MONEY_UNIT, "270.50万"), (MONEY_UNIT, "3.4亿")],
        )
        self.assertIn("“270.50万元”", findings[1].message)

    def test_money_in_yuan_and_counts_are_not(self):
        self.assertEqual(
            check("贷款1500万元，11400万元，12.55亿元，服务5万人次，粮食生产万亩示范片，10万余元，3万千瓦。"), []
        )


class BracketTests(SimpleTestCase):
    def test_mixed_widths_are_flagged(self):
        findings = check("拟订出国(境）培训；方向（含利用外资和境外投资)。")
        self.assertEqual(
            [(f.kind, f.match) for f in findings], [(BRACKETS, "(境）"), (BRACKETS, "（含利用外资和境外投资)")]
        )
        self.assertIn("“（境）”", findings[0].message)

    def test_half_width_brackets_around_chinese_are_flagged(self):
        self.assertEqual(kinds("服务体系(含担保)建设。"), [(BRACKETS, "(含担保)")])

    def test_full_width_pairs_and_latin_content_are_not(self):
        self.assertEqual(check("科技创新平台（基地）建设，地区生产总值(GDP)。"), [])


class TypoTests(SimpleTestCase):
    def test_known_typos_are_flagged_with_the_right_word(self):
        findings = check("利用信息技术改遣提升；签定数字化转型战备合作协议；开展评估诊，")
        self.assertEqual([f.match for f in findings], ["改遣", "签定", "战备合作", "评估诊"])
        self.assertEqual(findings[0].message, "疑似错别字“改遣”：应为“改造”。")

    def test_the_right_words_are_not(self):
        self.assertEqual(check("利用信息技术改造提升；签订数字化转型战略合作协议；开展评估诊断。"), [])


class HeadingNumberTests(SimpleTestCase):
    def test_a_number_typed_at_the_start_is_flagged(self):
        for value, number in [
            ("1、预算单位基本情况", "1、"),
            ("（2）项目支出情况", "（2）"),
            ("(一)贯彻执行国家法律", "(一)"),
            ("一、存在的问题", "一、"),
            ("3.工业运行稳中有进", "3."),
        ]:
            with self.subTest(value=value):
                # "(一)" is one mistake, not also a bracket one.
                self.assertEqual(kinds(value), [(HEADING_NUMBER, number)])

    def test_figures_words_and_a_numbered_list_are_not(self):
        for value in ["1.5亿元的项目已完工。", "一是加强衔接。", "2024年完成。", "1.指标不科学。\n2.过程形式化。"]:
            with self.subTest(value=value):
                self.assertEqual(check(value), [])


class SeedTests(SeedTestCase):
    """The seed keeps its mistakes on purpose: every one in its stored prose is found, and nothing else."""

    EXPECTED = [
        ("profile", "主要职能（七）", BRACKETS, "(境）"),
        ("profile", "主要职能（十一）", TYPO, "改遣"),
        ("profile", "主要职能（十二）", BRACKETS, "（含利用外资和境外投资)"),
        ("achievements", "工作成效 1「工业运行稳中有进」正文", STALE_TIME, "1-11月份"),
        ("achievements", "工作成效 1「工业运行稳中有进」正文", STRAY_SPACE, " "),
        ("achievements", "工作成效 1「工业运行稳中有进」正文", STALE_TIME, "今年"),
        ("achievements", "工作成效 1「工业运行稳中有进」正文", STALE_TIME, "截至目前"),
        ("achievements", "工作成效 2「创新能力再上台阶」正文", STALE_TIME, "1-11月"),
        ("achievements", "工作成效 2「创新能力再上台阶」正文", STALE_TIME, "目前"),
        ("achievements", "工作成效 3「企业活力持续增强」正文", STALE_TIME, "截至目前"),
        ("achievements", "工作成效 3「企业活力持续增强」正文", STALE_TIME, "目前"),
        ("achievements", "工作成效 3「企业活力持续增强」正文", STALE_TIME, "截至目前"),
        ("achievements", "工作成效 4「数字转型步伐加快」正文", TYPO, "评估诊"),
        ("achievements", "工作成效 4「数字转型步伐加快」正文", TYPO, "签定"),
        ("achievements", "工作成效 4「数字转型步伐加快」正文", TYPO, "战备合作"),
        ("achievements", "工作成效 4「数字转型步伐加快」正文", STALE_TIME, "目前"),
        ("achievements", "工作成效 4「数字转型步伐加快」正文", STALE_TIME, "预计年底前"),
        ("achievements", "工作成效 5「党的建设全面推进」正文", STRAY_SPACE, " "),
    ]

    def test_it_finds_every_mistake_of_the_seeds_prose_and_nothing_else(self):
        findings = proofread(fresh(self.evaluation))
        self.assertEqual(
            [(f.section, f.location, f.kind, f.match) for f in findings],
            self.EXPECTED,
        )
        by_match = {f.match: f for f in findings}
        self.assertEqual(by_match["今年"].message, "“今年”在次年读来指的是下一年：建议改为“2024年”。")
        # The context the editor shows around each match.
        self.assertIn("12.2 %", "".join([findings[4].before, findings[4].match, findings[4].after]))
        self.assertIn("10 余次", "".join([findings[-1].before, findings[-1].match, findings[-1].after]))

    def test_findings_are_grouped_in_the_editors_order(self):
        groups = findings_by_section(proofread(fresh(self.evaluation)))
        self.assertEqual(
            [(g.key, g.title, len(g.findings)) for g in groups],
            [("profile", "单位基本情况", 3), ("achievements", "工作成效和绩效指标", 15)],
        )

    def test_it_reads_every_kind_of_stored_text(self):
        first_duty = Duty.objects.filter(evaluation=self.evaluation).first()
        Duty.objects.filter(pk=first_duty.pk).update(text="(一)贯彻执行国家法律。")
        BasicSpending.objects.filter(evaluation=self.evaluation, category="personnel").update(change_reason="今年退休")
        ProjectItem.objects.filter(evaluation=self.evaluation, name="高分子新材料论坛资金").update(
            description="高分子新材料论坛资金10万"
        )
        Theme.objects.filter(evaluation=self.evaluation, title="工业运行稳中有进").update(title="2025年工作成效")
        Indicator.objects.filter(evaluation=self.evaluation, name="知识价值信用贷款").update(
            deviation_reason="银行审批 收紧"
        )
        Evaluation.objects.filter(pk=self.evaluation.pk).update(problems="1、指标不科学。", measures="到2027年建成。")
        found = {(f.location, f.kind) for f in proofread(fresh(self.evaluation))}
        for expected in [
            ("主要职能（一）", HEADING_NUMBER),
            ("人员经费增减原因", STALE_TIME),
            ("项目“高分子新材料论坛资金”的报告表述", MONEY_UNIT),
            ("工作成效 1「2025年工作成效」标题", HEADING_YEAR),
            ("指标“知识价值信用贷款”的偏差原因分析及改进措施", STRAY_SPACE),
            ("存在的问题及原因分析", HEADING_NUMBER),
        ]:
            with self.subTest(expected=expected):
                self.assertIn(expected, found)
        self.assertNotIn(("下一步改进措施", LATE_YEAR), found)


class WrittenTextTests(SeedTestCase):
    """The unit's own wording of a generated paragraph: proofread like any prose, and its figures held against the
    data of the paragraph it replaces."""

    def write(self, key: str, text: str) -> None:
        WrittenText.objects.update_or_create(evaluation=self.evaluation, key=key, defaults={"text": text})

    def findings(self) -> list[Finding]:
        return [f for f in proofread(fresh(self.evaluation)) if f.section == "texts"]

    def test_figures_that_agree_with_the_data_at_the_precision_written_pass(self):
        self.write(
            "para:basic_spending",
            "2024年基本支出474.5万元，其中人员经费3,864,449元，比上年下降17.96%，占81.44%；公用经费约88万元。",
        )
        self.assertEqual(self.findings(), [])

    def test_a_figure_the_data_do_not_have_is_flagged_with_the_data_s_figures(self):
        self.write("para:basic_spending", "2024年基本支出480.00万元，人员支出比率81.44%。")
        [finding] = self.findings()
        self.assertEqual((finding.kind, finding.match), (FIGURE_MISMATCH, "480.00万元"))
        self.assertEqual(finding.location, "报告文字“基本支出”")
        self.assertEqual(
            finding.message,
            "“480.00万元”与填报的数据不一致：本段数据为474.50万元、386.44万元、84.63万元、17.96%、81.44%、88.06万元、"
            "1.94万元、2.25%、18.56%、471.07万元等15个数，请核对。",
        )

    def test_a_figure_is_held_against_its_own_paragraph_only(self):
        # 1231.24 is the project total: right figure, wrong paragraph.
        self.write("para:basic_spending", "2024年基本支出1231.24万元。")
        self.write("para:project_spending", "2024年项目支出1231.24万元，分三部分。")
        self.assertEqual([(f.location, f.match) for f in self.findings()], [("报告文字“基本支出”", "1231.24万元")])

    def test_the_units_wording_is_proofread_like_any_prose(self):
        self.write("para:staffing", "截至目前，我局共有在职人员21人。")
        self.write("node:other", "今年无其他需要说明的情况。")
        self.assertEqual(
            [(f.location, f.kind, f.match) for f in self.findings()],
            [("自撰内容“other”", STALE_TIME, "今年"), ("报告文字“人员编制”", STALE_TIME, "截至目前")],
        )

    def test_without_own_wording_of_a_generated_paragraph_nothing_more_is_loaded(self):
        evaluation = fresh(self.evaluation)
        # duties, basic spending, fund sources, project items, themes, indicators, the unit's own texts (none)
        with self.assertNumQueries(7):
            proofread(evaluation)


class QueryCountTests(SeedTestCase):
    def test_five_and_a_hundred_rows_take_the_same_queries(self):
        for year, rows in [(2023, 5), (2024, 100)]:
            evaluation = fresh(evaluation_with(self.unit_b, year, items=rows, indicators=rows))
            # duties, basic spending, fund sources, project items, themes, indicators, the unit's own texts
            with self.subTest(rows=rows), self.assertNumQueries(7):
                proofread(evaluation)

    def test_the_report_and_the_hints_share_their_rows(self):
        evaluation = fresh(self.evaluation)
        build_report(evaluation)
        # Everything the hints read, the report has already fetched.
        with self.assertNumQueries(0):
            self.assertEqual(len(proofread(evaluation)), len(self.SEED_FINDINGS))

    SEED_FINDINGS = SeedTests.EXPECTED

    def test_the_overview_costs_the_same_with_five_or_a_hundred_rows(self):
        # The hints add three queries to the overview (duties, themes, indicators; the figures reuse the spending
        # rows they prefetch) and none per row.
        self.client.force_login(self.zhaomin)
        counts = []
        for year, rows in [(2023, 5), (2024, 100)]:
            evaluation = evaluation_with(self.unit_b, year, items=rows, indicators=rows)
            with CaptureQueriesContext(connection) as queries:
                self.client.get(reverse("evaluation_detail", args=[evaluation.pk]))
            counts.append(len(queries))
        self.assertEqual(counts[0], counts[1])


class PagesTests(SeedTestCase):
    def test_wangfang_sees_the_hints_on_the_overview_with_links_to_the_sections(self):
        self.client.force_login(self.wangfang)
        response = self.client.get(reverse("evaluation_detail", args=[self.evaluation.pk]))
        self.assertContains(response, "审校提示（18）")
        self.assertContains(response, reverse("evaluation_section", args=[self.evaluation.pk, "achievements"]))
        self.assertContains(response, "疑似错别字“改遣”：应为“改造”。")
        self.assertContains(response, "<mark>改遣</mark>", html=False)
        # Long lists fold away behind a summary, so the panels below stay in reach.
        self.assertContains(response, "<summary>")

    def test_liqiang_sees_them_on_the_review_page_and_may_still_decide(self):
        self.set_status(Evaluation.Status.SUBMITTED)
        self.client.force_login(self.liqiang)
        response = self.client.get(reverse("workflow_review", args=[self.evaluation.pk]))
        self.assertContains(response, "审校提示（18）")
        self.assertContains(response, "“截至目前”是年底工作总结的说法")
        self.assertContains(response, reverse("workflow_approve", args=[self.evaluation.pk]))

    def test_a_clean_report_shows_no_card(self):
        evaluation = evaluation_with(self.unit_b, 2024, items=2, indicators=2)
        self.client.force_login(self.zhaomin)
        response = self.client.get(reverse("evaluation_detail", args=[evaluation.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "审校提示")
