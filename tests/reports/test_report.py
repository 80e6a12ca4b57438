"""The report as data: the seed's sentences word for word, numbering, and wording that follows the figures."""

from __future__ import annotations

import datetime
from decimal import Decimal

from achievements.models import Indicator, Theme
from budgets.models import BasicSpending, BudgetExecution, FundSource, ProjectItem, SpendingSummary
from evaluations.models import Duty, Evaluation, Office, StaffingLine, Unit
from reports.document import Table, chinese_numeral, heading_number
from reports.report import build_report
from tests.base import SeedTestCase

# The seed's generated paragraphs, exactly as it prints them: the report must produce them word for word.
SEED_STAFFING = (
    "人员配置情况：截至2024年12月31日，我局年末共有在职人员21人，其中：行政编制10人，全额财政拨款事业编制11人。"
    "全年调入在职人员1人，调出在职人员1人，办理在职人员退休1人，退休人员去世0人。"
    "下设办公室、政策法规股、经济运行股、企业发展促进股、科技成果股、科技创新股。"
)
SEED_BASIC = (
    "2024年决算基本支出474.50万元，其中：人员经费386.44万元，比上年减少84.63万元，下降17.96%，"
    "主要是因人员到龄退休减少了人员经费，人员支出比率81.44%；日常公用经费88.06万元，比上年增加1.94万元，"
    "提高2.25%，主要是业务性工作经费微调，公用支出比率18.56%。"
)


def evaluation_with(unit: Unit, year: int, *, items: int, indicators: int) -> Evaluation:
    """An evaluation with ``items`` project items over two sources and ``items`` of every other list."""
    evaluation = Evaluation.objects.create(unit=unit, year=year, mandate="主管全区测试工作", problems="问题。")
    Duty.objects.bulk_create(Duty(evaluation=evaluation, order=n, text=f"职能{n}。") for n in range(items))
    Office.objects.bulk_create(Office(evaluation=evaluation, order=n, name=f"科室{n}") for n in range(items))
    StaffingLine.objects.bulk_create(
        StaffingLine(evaluation=evaluation, order=n, establishment_type=f"编制{n}", approved=3, actual=2)
        for n in range(items)
    )
    BasicSpending.objects.create(evaluation=evaluation, category="personnel", amount=100000, previous_amount=90000)
    BasicSpending.objects.create(evaluation=evaluation, category="operating", amount=20000, previous_amount=30000)
    BudgetExecution.objects.create(evaluation=evaluation, kind="basic", full_year_budget=130000, executed=120000)
    sources = [
        FundSource.objects.create(evaluation=evaluation, order=1, name="区本级专项资金"),
        FundSource.objects.create(evaluation=evaluation, order=2, name="省市下达项目资金"),
    ]
    ProjectItem.objects.bulk_create(
        ProjectItem(evaluation=evaluation, source=sources[n % 2], order=n, name=f"项目{n}", amount=Decimal(1000 + n))
        for n in range(items)
    )
    themes = Theme.objects.bulk_create(
        Theme(evaluation=evaluation, order=n, title=f"成效{n}", body=f"正文{n}。") for n in range(items)
    )
    Indicator.objects.bulk_create(
        Indicator(
            evaluation=evaluation,
            theme=themes[n % len(themes)] if themes else None,
            order=n,
            level1="产出指标",
            level2="数量指标",
            name=f"指标{n}",
            measure_unit="家",
            target=Decimal(10),
            actual=Decimal(n),
            weight=Decimal(1),
        )
        for n in range(indicators)
    )
    return evaluation


def fresh(evaluation: Evaluation) -> Evaluation:
    return Evaluation.objects.select_related("unit").get(pk=evaluation.pk)


class NumberingTests(SeedTestCase):
    def test_it_writes_chinese_numerals(self):
        self.assertEqual(
            [chinese_numeral(n) for n in (1, 9, 10, 11, 16, 20, 21, 99, 100, 101, 110)],
            ["一", "九", "十", "十一", "十六", "二十", "二十一", "九十九", "一百", "一百零一", "一百一十"],
        )

    def test_it_numbers_the_four_heading_levels_as_gb_t_9704_prescribes(self):
        self.assertEqual([heading_number(level, 2) for level in (1, 2, 3, 4)], ["二、", "（二）", "2.", "（2）"])


class SeedReportTests(SeedTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.report = build_report(fresh(cls.evaluation))

    def texts(self) -> list[str]:
        # As a reader reads them: list number, run-in heading, text.
        return [f"{p.number}{p.lead}{p.text}" for p in self.report.paragraphs]

    def test_it_titles_the_report_with_the_units_full_name_and_year(self):
        self.assertEqual(self.report.title, "株洲市渌口区科技和工业信息化局2024年度部门整体支出绩效自评报告")

    def test_it_follows_the_seeds_outline_with_consistent_numbers(self):
        self.assertEqual(
            [(s.heading, [sub.heading for sub in s.subsections]) for s in self.report.sections],
            [
                ("一、预算单位基本情况", []),
                ("二、一般公共预算支出情况", ["（一）基本支出情况", "（二）项目支出情况"]),
                # The seed's "（一）2025年工作成效" in a 2024 report is not copied.
                ("三、部门整体支出绩效情况", ["（一）工作成效", "（二）部门整体支出绩效自评表"]),
                ("四、存在的问题及原因分析", []),
                ("五、下一步改进措施", []),
                ("六、绩效自评结果拟应用和公开情况", []),
            ],
        )

    def test_it_introduces_the_unit_and_numbers_its_sixteen_duties(self):
        texts = self.texts()
        self.assertEqual(
            texts[0], "株洲市渌口区科技和工业信息化局是主管全区科技、工业和信息化的正科级行政单位。主要职能有："
        )
        self.assertTrue(texts[1].startswith("（一）贯彻执行国家、省、市关于科技工作的法律、法规。"))
        self.assertEqual(texts[16], "（十六）完成区委、区政府交办的其他任务。")

    def test_it_generates_the_staffing_paragraph_word_for_word(self):
        self.assertIn(SEED_STAFFING, self.texts())

    def test_it_generates_the_basic_spending_paragraph_word_for_word(self):
        self.assertIn(SEED_BASIC, self.texts())

    def test_it_counts_three_parts_of_project_spending_and_writes_every_amount_in_wan_yuan(self):
        project = self.report.sections[1].subsections[1].blocks[0].text
        self.assertTrue(project.startswith("2024年决算项目支出1231.24万元，分三部分组成："), project)
        self.assertIn("第一部分为区本级专项资金，支付合计330.44万元，主要包括：", project)
        self.assertIn("高分子新材料论坛资金10.00万元、", project)
        self.assertIn("“三个高地”奖励资金270.50万元。", project)
        self.assertIn("第二部分为省市下达项目资金，支付合计701.39万元，是省市两级下达给企业的项目资金", project)
        self.assertIn("第三部分为新开指标其他项目经费，支付合计199.41万元", project)
        self.assertNotIn("两部分", project)
        self.assertNotRegex(project, r"\d万(?!元)")

    def test_its_tables_carry_the_seeds_figures(self):
        basic_table = self.report.sections[1].subsections[0].blocks[1]
        self.assertEqual(
            [[cell.text for cell in row.cells] for row in basic_table.rows],
            [
                ["人员经费", "386.44", "471.07", "−84.63", "−17.96%", "81.44%"],
                ["日常公用经费", "88.06", "86.12", "+1.94", "+2.25%", "18.56%"],
                ["合计", "474.50", "557.19", "−82.69", "−14.84%", "100.00%"],
            ],
        )
        project_table = self.report.sections[1].subsections[1].blocks[1]
        group_rows = [[c.text for c in row.cells] for row in project_table.rows if row.variant]
        self.assertEqual(
            group_rows,
            [
                ["一", "区本级专项资金小计", "330.44", "26.84%"],
                ["二", "省市下达项目资金小计", "701.39", "56.97%"],
                ["三", "新开指标其他项目经费小计", "199.41", "16.20%"],
                ["", "合计", "1231.24", "100.00%"],
            ],
        )

    def test_it_numbers_the_themes_as_third_level_run_in_headings(self):
        leads = [block.lead for block in self.report.sections[2].subsections[0].blocks]
        self.assertEqual(
            leads,
            [
                "1.工业运行稳中有进。",
                "2.创新能力再上台阶。",
                "3.企业活力持续增强。",
                "4.数字转型步伐加快。",
                "5.党的建设全面推进。",
            ],
        )

    def test_its_self_evaluation_table_shows_completion_against_target(self):
        table_section = self.report.sections[2].subsections[1]
        # The seed's outline has no 自评得分情况 heading: the draft's score note opens the table's section (the seed
        # has no execution figures, so there is no total yet). Then, with no budget-execution figures, the table
        # says so instead of printing empty rows.
        self.assertTrue(
            table_section.blocks[0].text.startswith("尚不能计算总分：缺少预算执行率（全年预算数、全年执行数）")
        )
        self.assertEqual(table_section.blocks[1].text, "本年度未填报预算资金执行情况。")
        indicators = table_section.blocks[2]
        rows = {row.cells[2].text: [c.text for c in row.cells] for row in indicators.rows}
        self.assertEqual(rows["技术合同成交额"][3:6], ["≥10亿元", "12.55亿元", "125.50%"])
        self.assertEqual(rows["知识价值信用贷款"][3:6], ["≥20000万元", "11400万元", "57.00%"])
        self.assertEqual(rows["规模工业增加值增速"][4], "12.2%（全市排名第一）")

    def test_it_signs_with_the_units_name_and_the_date_in_arabic_numerals(self):
        self.assertEqual(self.report.signature_name, "株洲市渌口区科技和工业信息化局")
        self.assertEqual(self.report.signature_date, "2025年5月22日")

    def test_its_table_of_contents_lists_both_heading_levels(self):
        self.assertEqual(self.report.toc[0].heading, "一、预算单位基本情况")
        self.assertEqual([e.anchor for e in self.report.toc][:4], ["s1", "s2", "s2-1", "s2-2"])


class WordingTests(SeedTestCase):
    def basic_sentence(self) -> str:
        return build_report(fresh(self.evaluation)).sections[1].subsections[0].blocks[0].text

    def project_sentence(self) -> str:
        return build_report(fresh(self.evaluation)).sections[1].subsections[1].blocks[0].text

    def test_it_words_a_rise_in_personnel_costs_as_an_increase(self):
        BasicSpending.objects.filter(evaluation=self.evaluation, category="personnel").update(
            amount=Decimal("4710700"), previous_amount=Decimal("3864449")
        )
        self.assertIn("人员经费471.07万元，比上年增加84.63万元，提高21.90%，主要是", self.basic_sentence())

    def test_it_says_unchanged_when_nothing_changed_and_gives_no_reason(self):
        BasicSpending.objects.filter(evaluation=self.evaluation, category="operating").update(
            previous_amount=Decimal("880551")
        )
        sentence = self.basic_sentence()
        self.assertIn("日常公用经费88.06万元，与上年持平，公用支出比率18.56%", sentence)
        self.assertNotIn("业务性工作经费微调", sentence)

    def test_a_category_new_this_year_has_no_rate_and_no_division_by_zero(self):
        BasicSpending.objects.filter(evaluation=self.evaluation, category="operating").update(previous_amount=0)
        report = build_report(fresh(self.evaluation))
        self.assertIn("日常公用经费88.06万元，上年无此项支出，主要是", report.sections[1].subsections[0].blocks[0].text)
        operating_row = report.sections[1].subsections[0].blocks[1].rows[1]
        self.assertEqual([c.text for c in operating_row.cells][3:5], ["+88.06", "—"])

    def test_it_does_not_repeat_a_typed_reason_prefix_or_its_full_stop(self):
        BasicSpending.objects.filter(evaluation=self.evaluation, category="operating").update(
            change_reason="主要是业务性工作经费微调。"
        )
        self.assertIn("比上年增加1.94万元，提高2.25%，主要是业务性工作经费微调，公用支出比率", self.basic_sentence())

    def test_spending_nobody_entered_produces_no_sentence(self):
        # Issue 9: "2024年无项目支出" was printed before anything was entered. Nothing entered is unknown: the draft
        # preview shows the placeholder of a required section, a submitted report invents nothing.
        BasicSpending.objects.filter(evaluation=self.evaluation).delete()
        ProjectItem.objects.filter(evaluation=self.evaluation).delete()
        draft = build_report(fresh(self.evaluation)).sections[1]
        self.assertEqual([s.heading for s in draft.subsections], ["（一）基本支出情况", "（二）项目支出情况"])
        for sub in draft.subsections:
            self.assertEqual([(b.text, b.variant) for b in sub.blocks], [("本单位本年度未填报此项内容。", "note")])
        submitted = build_report(fresh(self.set_status(Evaluation.Status.SUBMITTED))).sections[1]
        self.assertEqual([s.heading for s in submitted.subsections], ["（一）基本支出情况", "（二）项目支出情况"])
        self.assertEqual([sub.blocks for sub in submitted.subsections], [[], []])

    def test_spending_entered_as_zero_says_there_was_none(self):
        BasicSpending.objects.filter(evaluation=self.evaluation).update(amount=0, previous_amount=0)
        ProjectItem.objects.filter(evaluation=self.evaluation).delete()
        SpendingSummary.objects.create(evaluation=self.evaluation, project_total=0)
        spending = build_report(fresh(self.evaluation)).sections[1]
        self.assertEqual(spending.subsections[0].blocks[0].text, "2024年无基本支出。")
        self.assertEqual(len(spending.subsections[0].blocks), 1, "no table of zeros")
        self.assertEqual(spending.subsections[1].blocks[0].text, "2024年无项目支出。")
        self.assertEqual(len(spending.subsections[1].blocks), 1, "no empty project table")

    def test_a_single_source_of_funds_is_not_counted_in_parts(self):
        ProjectItem.objects.filter(evaluation=self.evaluation).exclude(source__order=1).delete()
        sentence = self.project_sentence()
        self.assertTrue(sentence.startswith("2024年决算项目支出330.44万元，全部为区本级专项资金，主要包括："), sentence)

    def test_a_source_that_paid_nothing_is_left_out_of_the_count(self):
        empty = FundSource.objects.create(evaluation=self.evaluation, order=9, name="其他资金")
        self.assertIn("分三部分组成", self.project_sentence())
        self.assertNotIn(empty.name, self.project_sentence())

    def test_empty_narrative_sections_say_so_in_a_sentence(self):
        Evaluation.objects.filter(pk=self.evaluation.pk).update(problems="", measures="  \n")
        report = build_report(fresh(self.evaluation))
        self.assertEqual(report.sections[3].blocks[0].text, "本单位本年度未填报此项内容。")
        self.assertEqual(report.sections[4].blocks[0].variant, "note")

    def test_stored_prose_keeps_its_paragraphs(self):
        Evaluation.objects.filter(pk=self.evaluation.pk).update(problems="第一段。\r\n\r\n  第二段。  ")
        report = build_report(fresh(self.evaluation))
        self.assertEqual([b.text for b in report.sections[3].blocks], ["第一段。", "第二段。"])

    def test_the_staffing_sentence_adds_the_establishment_when_it_is_known(self):
        # The other line's 编制数 is unknown: no total of the establishment (it used to say "核定编制12人").
        self.evaluation.staffing_lines.filter(establishment_type="行政编制").update(approved=12)
        report = build_report(fresh(self.evaluation))
        self.assertIn("全额财政拨款事业编制11人。核定编制：行政编制12人。全年调入", report.paragraphs[17].text)
        self.evaluation.staffing_lines.filter(establishment_type="全额财政拨款事业编制").update(approved=11)
        report = build_report(fresh(self.evaluation))
        self.assertIn(
            "核定编制23人，其中：行政编制12人，全额财政拨款事业编制11人。全年调入", report.paragraphs[17].text
        )

    def test_an_unsigned_draft_leaves_room_for_the_date_and_a_submitted_report_has_none(self):
        Evaluation.objects.filter(pk=self.evaluation.pk).update(signature_date=None)
        self.assertEqual(build_report(fresh(self.evaluation)).signature_date, "　　年　　月　　日")
        report = build_report(fresh(self.set_status(Evaluation.Status.APPROVED)))
        self.assertEqual((report.signature_name, report.signature_date), ("株洲市渌口区科技和工业信息化局", ""))

    def test_budget_execution_and_goals_appear_in_the_self_evaluation_table(self):
        self.evaluation.budget_execution.filter(kind="basic").update(
            initial_budget=Decimal("4800000"), full_year_budget=Decimal("4900000"), executed=Decimal("4745000")
        )
        Evaluation.objects.filter(pk=self.evaluation.pk).update(overall_goal="目标。", overall_goal_result="完成。")
        tables = {
            block.caption: block
            for block in build_report(fresh(self.evaluation)).sections[2].subsections[1].blocks
            if isinstance(block, Table)
        }
        funds = [[c.text for c in row.cells] for row in tables["预算资金执行情况"].rows]
        # The project line is blank: basic spending alone is not the year's total (it used to be summed as one). The
        # national scheme's 分值 of 10 is on the total's row; without a total rate there is no 得分, never 0.
        self.assertEqual(funds[0], ["年度资金总额", "—", "—", "—", "10", "—", ""])
        self.assertEqual(funds[1], ["基本支出", "480.00", "490.00", "474.50", "", "96.84%", ""])
        self.assertEqual(funds[2], ["项目支出", "—", "—", "—", "", "—", ""])
        self.assertEqual([c.text for c in tables["年度总体目标完成情况"].rows[0].cells], ["目标。", "完成。"])

    def test_without_indicators_or_execution_figures_there_is_no_self_evaluation_table(self):
        self.evaluation.indicators.all().delete()
        report = build_report(fresh(self.evaluation))
        self.assertEqual([s.title for s in report.sections[2].subsections], ["工作成效"])


class QueryCountTests(SeedTestCase):
    """The report is loaded with the same queries whatever the number of items."""

    def assert_report_queries(self, evaluation: Evaluation) -> None:
        evaluation = fresh(evaluation)
        # duties, offices, staffing lines, basic spending, fund sources, project items, budget execution, themes,
        # indicators, the spending summary, the other budget types, the unit's own texts: one query each (the unit
        # came with the evaluation); the bureau's outline assignment for the region and year (none: the default);
        # the score (reports.scoring.score_of): the campaign of the year (read once for the outline and the scheme),
        # the scheme assignment and the shipped national scheme, then the
        # common figures, 日常公用经费, the stated totals, the project items, the execution lines and the staffing
        # lines (budgets.selectors.common_indicators_of), and the unit's judgements of the scheme's leaves
        # (evaluations.LeafAssessment); the indicators and execution lines it scores are the ones loaded above.
        with self.assertNumQueries(23):
            report = build_report(evaluation)
        return report

    def test_five_and_a_hundred_items_take_the_same_queries(self):
        small = evaluation_with(self.unit_b, 2023, items=5, indicators=5)
        large = evaluation_with(self.unit_b, 2024, items=100, indicators=100)
        self.assert_report_queries(small)
        report = self.assert_report_queries(large)
        indicator_table = next(table for table in report.tables if table.caption == "绩效指标完成情况")
        # A hundred indicators, then 总分 and 等级 (无法计算 in this draft: it has no 效益 or 满意度 indicators).
        self.assertEqual(len(indicator_table.rows), 102)
        self.assertEqual([row.cells[0].text for row in indicator_table.rows[-2:]], ["总分", "等级"])

    def test_an_evaluation_fetched_without_its_unit_costs_one_query_more(self):
        evaluation = Evaluation.objects.get(pk=self.evaluation.pk)
        # the unit, then the twelve lists, the campaign of the year, the outline assignment and the score's nine
        with self.assertNumQueries(24):
            build_report(evaluation)

    def test_a_signature_date_is_written_without_leading_zeros(self):
        Evaluation.objects.filter(pk=self.evaluation.pk).update(signature_date=datetime.date(2025, 1, 5))
        self.assertEqual(build_report(fresh(self.evaluation)).signature_date, "2025年1月5日")
