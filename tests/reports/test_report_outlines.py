"""The report follows its outline: golden reports for each shipped outline, sentence by sentence (the seed's outline
on the seed, the fuller Hunan outline on the second demo unit, the plain outline on a unit with only totals), and
how an outline's headings are numbered, left out, run in and filled."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

from django.core.management import call_command
from django.test import TestCase

from achievements.models import Theme
from budgets.models import BasicSpending, FundSource, FundTypeSpending, ProjectItem, SpendingSummary
from evaluations.models import (
    Block,
    Duty,
    Evaluation,
    Numbering,
    Office,
    OutlineAssignment,
    StaffingLine,
    Unit,
    WrittenText,
)
from evaluations.outlines import BUILTIN, HUNAN, PLAIN, SEED, NodeSpec, OutlineSpec, ensure_builtin_outlines
from reports.demo import lukou_2024 as seed
from reports.document import Paragraph, Report, Section, Table
from reports.report import build_report, replaceable_paragraphs
from tests.base import BaseTestCase, SeedTestCase

from .test_report import SEED_BASIC, SEED_STAFFING, fresh

SENTENCE = re.compile(r"[^。]*(?:。|$)")


def sentences(text: str) -> list[str]:
    """A paragraph cut after each 。: goldens are compared sentence by sentence, so a failure names the sentence."""
    return [s for s in SENTENCE.findall(text) if s]


def outline_of(report: Report) -> list[tuple[str, list]]:
    def node(section: Section) -> tuple[str, list]:
        return (section.heading, [node(sub) for sub in section.subsections])

    return [node(section) for section in report.sections]


def texts(section: Section) -> list[str]:
    """A section's own paragraphs as a reader reads them (list number, run-in heading, text); tables as [caption]."""
    return [
        f"{block.number}{block.lead}{block.text}" if isinstance(block, Paragraph) else f"[{block.caption}]"
        for block in section.blocks
    ]


def find(report: Report, heading: str) -> Section:
    def walk(sections: list[Section]):
        for section in sections:
            if section.heading == heading:
                return section
            found = walk(section.subsections)
            if found:
                return found
        return None

    section = walk(report.sections)
    assert section is not None, f"no section {heading}"
    return section


SEED_INTRO = "株洲市渌口区科技和工业信息化局是主管全区科技、工业和信息化的正科级行政单位。主要职能有："
SEED_PROJECT = (
    "2024年决算项目支出1231.24万元，分三部分组成："
    "第一部分为区本级专项资金，支付合计330.44万元，主要包括：2024年度区本级专项资金分配安排了高分子新材料论坛资金"
    "10.00万元、结转支付了2023年科技三项经费指标支付了给企业奖励33.77万元、本级追加了关于解决维稳救助经费指标支付了"
    "16.17万元、拨付2023年株洲市渌口区培育制造名城打造“三个高地”奖励资金270.50万元。"
    "第二部分为省市下达项目资金，支付合计701.39万元，是省市两级下达给企业的项目资金，主要包括：湖南省先进制造业高地"
    "建设专项资金489.40万元、创新型省份建设专项资金32.25万元、中小企业发展专项资金50.00万元、企业研发奖补资金21.04万元、"
    "科技发展专项资金108.70万元。"
    "第三部分为新开指标其他项目经费，支付合计199.41万元，主要包括：2024年新开指标部分其他项目经费199.41万元。"
)


class SeedOutlineGoldenTests(SeedTestCase):
    """The seed's outline on the seed, as 李强 approved it: every paragraph in order."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        Evaluation.objects.filter(pk=cls.evaluation.pk).update(status=Evaluation.Status.APPROVED)
        cls.report = build_report(fresh(cls.evaluation))

    def test_it_is_the_seeds_outline(self):
        self.assertEqual(self.report.outline_name, BUILTIN[SEED].name)
        self.assertFalse(self.report.draft)
        self.assertEqual(
            outline_of(self.report),
            [
                ("一、预算单位基本情况", []),
                ("二、一般公共预算支出情况", [("（一）基本支出情况", []), ("（二）项目支出情况", [])]),
                ("三、部门整体支出绩效情况", [("（一）工作成效", []), ("（二）部门整体支出绩效自评表", [])]),
                ("四、存在的问题及原因分析", []),
                ("五、下一步改进措施", []),
                ("六、绩效自评结果拟应用和公开情况", []),
            ],
        )

    def test_every_paragraph_sentence_by_sentence(self):
        duties = [f"（{n}）{text}" for n, text in zip("一二三四五六七八九十", seed.DUTIES, strict=False)]
        duties += [f"（十{n}）{text}" for n, text in zip("一二三四五六", seed.DUTIES[10:], strict=True)]
        themes = [f"{n}.{title}。{body}" for n, (title, body) in enumerate(seed.THEMES, start=1)]
        expected = [
            SEED_INTRO,
            *duties,
            SEED_STAFFING,
            SEED_BASIC,
            SEED_PROJECT,
            *themes,
            seed.PROBLEMS,
            seed.MEASURES,
            seed.RESULTS_USE,
        ]
        actual = [f"{p.number}{p.lead}{p.text}" for p in self.report.paragraphs]
        self.assertEqual(len(actual), len(expected))
        for got, want in zip(actual, expected, strict=True):
            self.assertEqual(sentences(got), sentences(want))

    def test_an_approved_report_shows_no_placeholder(self):
        # The seed publishes no budget-execution figures: the draft's note about them is not printed.
        table_section = find(self.report, "（二）部门整体支出绩效自评表")
        self.assertEqual(texts(table_section), ["[绩效指标完成情况]"])
        self.assertEqual(self.report.signature_date, "2025年5月22日")


def load_demo() -> Evaluation:
    call_command("loaddemo", "--no-publish", stdout=io.StringIO())
    return Evaluation.objects.select_related("unit").get(unit__code="LK-NYNCJ", year=2024)


class HunanOutlineGoldenTests(TestCase):
    """The fuller Hunan outline on the second demo unit: totals only, typed in 万元, offices in two groups."""

    @classmethod
    def setUpTestData(cls):
        cls.evaluation = load_demo()
        cls.draft = build_report(fresh(cls.evaluation))
        cls.final = build_report(fresh(cls.evaluation), draft=False)

    def test_it_follows_the_hunan_outline(self):
        self.assertEqual(self.final.outline_name, BUILTIN[HUNAN].name)
        self.assertEqual(
            outline_of(self.final),
            [
                (
                    "一、部门、单位基本情况",
                    [
                        ("（一）机构设置情况", []),
                        ("（二）人员编制情况", []),
                        ("（三）主要职能职责", []),
                        ("（四）绩效目标设定情况", []),
                    ],
                ),
                ("二、一般公共预算支出情况", [("（一）基本支出情况", []), ("（二）项目支出情况", [])]),
                ("三、政府性基金预算支出情况", []),
                ("四、国有资本经营预算支出情况", []),
                ("五、社会保险基金预算支出情况", []),
                # No indicators, no execution figures: the 自评表 holds the overall goal alone.
                ("六、部门整体支出绩效情况", [("（一）工作成效", []), ("（二）部门整体支出绩效自评表", [])]),
                ("七、存在的问题及原因分析", []),
                ("八、下一步改进措施", []),
                ("九、部门整体支出绩效自评结果拟应用和公开情况", []),
                # 十、其他需要说明的情况 is optional and the unit wrote nothing there.
            ],
        )

    def test_the_unit_sentence_by_sentence(self):
        self.assertEqual(
            texts(find(self.final, "一、部门、单位基本情况")),
            ["株洲市渌口区农业农村局是主管全区农业农村工作的正科级行政单位。"],
        )
        offices = texts(find(self.final, "（一）机构设置情况"))
        self.assertEqual(len(offices), 1)
        self.assertEqual(
            sentences(offices[0]),
            [
                "我局内设4个机构：办公室、计划财务股、农业产业发展股、乡村建设股；"
                "下属事业单位2个：区农业综合服务中心、区动物疫病预防控制中心。"
            ],
        )
        self.assertEqual(
            sentences(texts(find(self.final, "（二）人员编制情况"))[0]),
            [
                "截至2024年12月31日，我局年末共有在职人员39人，其中：行政编制11人，全额拨款事业编制28人。",
                "在编人数39人。",
                "经区编委核定，我局编制42人，其中：行政编制12人，全额拨款事业编制30人。",
                # 调出 and 退休人员去世 were not stated: no "0人".
                "全年调入在职人员2人，办理在职人员退休1人。",
            ],
        )
        self.assertEqual(
            texts(find(self.final, "（三）主要职能职责"))[0],
            "（一）贯彻执行国家、省、市关于农业农村工作的方针政策和法律法规。",
        )
        self.assertEqual(
            texts(find(self.final, "（四）绩效目标设定情况")),
            ["稳定粮食生产，保障重要农产品供给，持续改善农村人居环境，推进乡村全面振兴。"],
        )

    def test_the_spending_sentence_by_sentence(self):
        self.assertEqual(
            sentences(texts(find(self.final, "二、一般公共预算支出情况"))[0]),
            [
                "2024年共支出2596.38万元。",
                "其中，基本支出612.45万元，项目支出1983.93万元。",
                "预算安排2680.00万元，实际支出2596.38万元，预算执行率96.88%。",
            ],
        )
        # Totals without their parts: no split, no items, no invented 上年 figures.
        self.assertEqual(texts(find(self.final, "（一）基本支出情况")), ["2024年决算基本支出612.45万元。"])
        self.assertEqual(texts(find(self.final, "（二）项目支出情况")), ["2024年决算项目支出1983.93万元。"])
        self.assertEqual(
            texts(find(self.final, "三、政府性基金预算支出情况")),
            ["2024年政府性基金预算支出350.00万元。", "主要用于高标准农田建设和农村人居环境整治。"],
        )
        self.assertEqual(texts(find(self.final, "四、国有资本经营预算支出情况")), ["本单位无此项支出。"])
        self.assertEqual(texts(find(self.final, "五、社会保险基金预算支出情况")), ["本单位无此项支出。"])

    def test_the_performance_and_prose(self):
        self.assertEqual(texts(find(self.final, "六、部门整体支出绩效情况")), [])
        self.assertEqual(
            texts(find(self.final, "（一）工作成效")),
            [
                "1.粮食生产稳定向好。全年落实粮食播种面积任务，完成高标准农田建设任务，粮食生产保持稳定。",
                "2.乡村建设扎实推进。完成农村改厕和村庄清洁行动年度任务，农村人居环境持续改善。",
            ],
        )
        self.assertEqual(
            texts(find(self.final, "九、部门整体支出绩效自评结果拟应用和公开情况")),
            ["本单位2024年绩效自评结果将作为2025年预算安排的重要参考，并在株洲市渌口区人民政府门户网公开。"],
        )

    def test_the_unsigned_draft_previews_the_gaps_and_the_final_report_invents_nothing(self):
        self.assertTrue(self.draft.draft)
        self.assertEqual(self.draft.signature_date, "　　年　　月　　日")
        # The score cannot be computed yet: the draft says what is missing under its own first subheading (which
        # the final report leaves out, numbering the others up), and shows the score table with 无法计算 cells.
        score = texts(find(self.draft, "（一）自评得分情况"))
        self.assertEqual(len(score), 1)
        # Scored under the Hunan scheme the demo chooses for the district and 2024: its common indicators come first.
        self.assertTrue(score[0].startswith("尚不能计算总分：缺少“三公经费”变动率（本年和上年“三公经费”）；"))
        self.assertEqual(
            texts(find(self.draft, "（三）部门整体支出绩效自评表")),
            ["本年度未填报预算资金执行情况。", "[年度总体目标完成情况]", "本年度未填报绩效指标。", "[自评得分表]"],
        )
        self.assertEqual(self.final.signature_date, "")
        self.assertEqual(self.final.signature_name, "株洲市渌口区农业农村局")


class PlainOutlineGoldenTests(BaseTestCase):
    """The plain outline on a township unit that knows only its totals, no level, and two duties."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        outlines = ensure_builtin_outlines()
        cls.unit = Unit.objects.create(name="渌口区南洲镇人民政府", self_reference="我镇", outline=outlines[PLAIN])
        cls.evaluation = Evaluation.objects.create(
            unit=cls.unit,
            year=2024,
            status=Evaluation.Status.SUBMITTED,
            mandate="负责全镇经济社会发展和公共服务",
            problems="预算编制不够精细。",
            results_use="自评结果在区人民政府门户网公开。",
            signature_date=datetime.date(2025, 6, 3),
        )
        Duty.objects.create(evaluation=cls.evaluation, order=1, text="执行本级人民代表大会的决议。")
        Duty.objects.create(evaluation=cls.evaluation, order=2, text="管理本行政区域内的经济和社会事务。")
        SpendingSummary.objects.create(
            evaluation=cls.evaluation, total_budget=Decimal("8500000"), total_spending=Decimal("8123456.78")
        )
        cls.report = build_report(fresh(cls.evaluation))

    def test_the_optional_sections_with_nothing_to_say_are_left_out_and_the_numbers_close_up(self):
        self.assertEqual(
            outline_of(self.report),
            [
                ("一、基本情况", []),
                ("二、支出情况", []),
                ("三、存在的问题及改进措施", []),
                ("四、自评结果应用和公开情况", []),
            ],
        )

    def test_every_sentence(self):
        self.assertEqual(
            texts(self.report.sections[0]),
            [
                # No level entered: "…的单位", not an invented 级别.
                "渌口区南洲镇人民政府是负责全镇经济社会发展和公共服务的单位。主要职能有：",
                "1、执行本级人民代表大会的决议。",
                "2、管理本行政区域内的经济和社会事务。",
            ],
        )
        self.assertEqual(
            sentences(texts(self.report.sections[1])[0]),
            ["2024年共支出812.35万元。", "预算安排850.00万元，实际支出812.35万元，预算执行率95.57%。"],
        )
        self.assertEqual(texts(self.report.sections[2]), ["预算编制不够精细。"])
        self.assertEqual(texts(self.report.sections[3]), ["自评结果在区人民政府门户网公开。"])
        self.assertEqual(self.report.signature_date, "2025年6月3日")

    def test_the_query_count_with_a_units_own_outline(self):
        evaluation = fresh(self.evaluation)
        # the twelve lists; the unit's outline and its headings; the campaign of the year; the score's nine (see
        # test_report.QueryCountTests)
        with self.assertNumQueries(24):
            build_report(evaluation)


def spec(*nodes: NodeSpec) -> OutlineSpec:
    return OutlineSpec("test", "测试提纲", "", tuple(nodes))


class OutlineBehaviourTests(SeedTestCase):
    def build(self, *nodes: NodeSpec, draft: bool = False) -> Report:
        return build_report(fresh(self.evaluation), draft=draft, outline=spec(*nodes))

    def test_each_heading_is_numbered_in_its_own_style_among_the_printed_siblings(self):
        report = self.build(
            NodeSpec("a", "问题", Block.PROBLEMS, Numbering.ARABIC_COMMA),
            NodeSpec("b", "空的", Block.GOALS, Numbering.ARABIC_COMMA),  # nothing entered: left out
            NodeSpec(
                "c",
                "措施",
                Block.MEASURES,
                Numbering.ARABIC_COMMA,
                children=(
                    NodeSpec("d", "应用", Block.RESULTS_USE, Numbering.ARABIC_HALF_PAREN),
                    NodeSpec("e", "预算执行", Block.EXECUTION, Numbering.ARABIC_HALF_PAREN),  # nothing: left out
                    NodeSpec(
                        "f",
                        "基本支出",
                        Block.BASIC_SPENDING,
                        Numbering.ARABIC_HALF_PAREN,
                        children=(NodeSpec("g", "项目", Block.PROJECT_SPENDING, Numbering.ARABIC_PAREN),),
                    ),
                ),
            ),
        )
        self.assertEqual(
            outline_of(report),
            [("1、问题", []), ("2、措施", [("(1)应用", []), ("(2)基本支出", [("（1）项目", [])])])],
        )
        self.assertEqual([e.anchor for e in report.toc], ["s1", "s2", "s2-1", "s2-2"])
        self.assertEqual(find(report, "（1）项目").level, 3)

    def test_a_heading_without_content_prints_when_a_child_prints_and_not_otherwise(self):
        report = self.build(
            NodeSpec("a", "有下级", children=(NodeSpec("b", "问题", Block.PROBLEMS, Numbering.CHINESE_PAREN),)),
            NodeSpec("c", "下级都空", children=(NodeSpec("d", "目标", Block.GOALS, Numbering.CHINESE_PAREN),)),
            NodeSpec("e", "措施", Block.MEASURES),
        )
        self.assertEqual(outline_of(report), [("一、有下级", [("（一）问题", [])]), ("二、措施", [])])

    def test_a_required_section_with_nothing_to_say_has_the_placeholder_only_in_a_draft(self):
        node = NodeSpec("a", "绩效目标", Block.GOALS, required=True)
        self.assertEqual(texts(self.build(node, draft=True).sections[0]), ["本单位本年度未填报此项内容。"])
        final = self.build(node)
        self.assertEqual([(s.heading, s.blocks) for s in final.sections], [("一、绩效目标", [])])

    def test_an_unnumbered_subheading_runs_into_its_first_paragraph(self):
        report = self.build(
            NodeSpec(
                "a", "问题和措施", Block.PROBLEMS, children=(NodeSpec("b", "改进措施", Block.MEASURES, Numbering.NONE),)
            )
        )
        self.assertEqual(report.sections[0].subsections, [])
        self.assertEqual(texts(report.sections[0]), [seed.PROBLEMS, f"改进措施：{seed.MEASURES}"])

    def test_duties_in_one_paragraph_or_one_per_line_in_the_items_style(self):
        Duty.objects.filter(evaluation=self.evaluation, order__gt=2).delete()
        first, second = (d.rstrip("。") for d in seed.DUTIES[:2])
        inline = self.build(
            NodeSpec("d", "主要职能", Block.DUTIES, item_numbering=Numbering.ARABIC_HALF_PAREN, items_inline=True)
        )
        self.assertEqual(texts(inline.sections[0]), [f"(1){first}；(2){second}。"])
        per_line = self.build(NodeSpec("d", "主要职能", Block.DUTIES, item_numbering=Numbering.ARABIC_COMMA))
        self.assertEqual(texts(per_line.sections[0]), [f"1、{seed.DUTIES[0]}", f"2、{seed.DUTIES[1]}"])

    def test_the_duties_and_offices_go_with_the_intro_and_staffing_only_without_sections_of_their_own(self):
        both = self.build(
            NodeSpec("u", "单位", Block.UNIT_INTRO),
            NodeSpec("o", "机构", Block.OFFICES),
            NodeSpec("s", "人员", Block.STAFFING),
            NodeSpec("d", "职能", Block.DUTIES),
        )
        self.assertEqual(texts(both.sections[0]), [SEED_INTRO.removesuffix("主要职能有：")])
        self.assertEqual(
            texts(both.sections[1]),
            ["我局内设6个机构：办公室、政策法规股、经济运行股、企业发展促进股、科技成果股、科技创新股。"],
        )
        self.assertNotIn("下设", texts(both.sections[2])[0])

    def test_a_free_section_prints_the_units_own_text(self):
        node = NodeSpec("other", "其他需要说明的情况", Block.FREE_TEXT)
        self.assertEqual(self.build(node).sections, [])
        WrittenText.objects.create(evaluation=self.evaluation, key="node:other", text="第一段。\n\n第二段。")
        self.assertEqual(texts(self.build(node).sections[0]), ["第一段。", "第二段。"])

    def test_an_outline_assigned_to_the_region_and_year_is_followed(self):
        outlines = ensure_builtin_outlines()
        OutlineAssignment.objects.create(region="湖南省株洲市渌口区", year=2024, outline=outlines[HUNAN])
        evaluation = fresh(self.evaluation)
        # the twelve lists; the campaign of the year (none); the assignment with its outline; the outline's headings;
        # the score's nine
        with self.assertNumQueries(24):
            report = build_report(evaluation)
        self.assertEqual(report.outline_name, BUILTIN[HUNAN].name)
        self.assertEqual(report.sections[2].heading, "三、政府性基金预算支出情况")
        # Nobody has said whether there is such spending: the draft shows the gap, an approved report says nothing.
        self.assertEqual(texts(report.sections[2]), ["本单位本年度未填报此项内容。"])
        approved = build_report(fresh(self.set_status(Evaluation.Status.APPROVED)))
        self.assertEqual(
            (approved.sections[2].heading, texts(approved.sections[2])), ("三、政府性基金预算支出情况", [])
        )


class WrittenWordingTests(SeedTestCase):
    def write(self, key: str, text: str) -> None:
        WrittenText.objects.update_or_create(evaluation=self.evaluation, key=key, defaults={"text": text})

    def test_the_units_wording_replaces_the_generated_paragraph_and_the_table_stays(self):
        self.write("para:basic_spending", "我局2024年基本支出474.50万元。\n人员经费占八成以上。")
        section = build_report(fresh(self.evaluation)).sections[1].subsections[0]
        self.assertEqual(texts(section), ["我局2024年基本支出474.50万元。", "人员经费占八成以上。", "[基本支出情况表]"])
        self.assertTrue(all(block.written for block in section.blocks if isinstance(block, Paragraph)))

    def test_a_run_in_label_stays_on_the_units_wording(self):
        self.write("para:staffing", "我局年末在职21人。")
        report = build_report(fresh(self.evaluation))
        self.assertIn("人员配置情况：我局年末在职21人。", texts(report.sections[0]))

    def test_blank_wording_changes_nothing(self):
        self.write("para:staffing", " \n ")
        self.assertIn(f"{SEED_STAFFING}", texts(build_report(fresh(self.evaluation)).sections[0]))

    def test_the_units_wording_gives_an_optional_section_something_to_say(self):
        section = NodeSpec("t", "支出总体情况", Block.TOTAL_SPENDING)
        BasicSpending.objects.filter(evaluation=self.evaluation).delete()
        ProjectItem.objects.filter(evaluation=self.evaluation).delete()
        self.assertEqual(build_report(fresh(self.evaluation), outline=spec(section)).sections, [])
        self.write("para:total_spending", "全年支出情况见下。")
        report = build_report(fresh(self.evaluation), outline=spec(section))
        self.assertEqual(texts(report.sections[0]), ["全年支出情况见下。"])

    def test_the_editor_lists_every_generated_paragraph_with_the_units_wording_beside_it(self):
        self.write("para:staffing", "我局年末在职21人。")
        places = replaceable_paragraphs(fresh(self.evaluation))
        self.assertEqual(
            [(p.key, p.label) for p in places],
            [
                ("para:unit_intro", "预算单位基本情况"),
                ("para:staffing", "人员配置情况"),
                ("para:basic_spending", "基本支出情况"),
                ("para:project_spending", "项目支出情况"),
            ],
        )
        self.assertEqual(places[0].generated, SEED_INTRO)
        self.assertEqual(
            (places[1].generated, places[1].written),
            (SEED_STAFFING.removeprefix("人员配置情况："), "我局年末在职21人。"),
        )
        self.assertEqual(places[2].written, "")

    def test_the_hunan_outline_offers_every_block_once(self):
        self.unit_a.outline = ensure_builtin_outlines()[HUNAN]
        self.unit_a.save()
        keys = [p.key for p in replaceable_paragraphs(fresh(self.evaluation))]
        self.assertEqual(
            keys,
            [
                "para:unit_intro",
                "para:offices",
                "para:staffing",
                "para:total_spending",
                "para:basic_spending",
                "para:project_spending",
                "para:government_fund",
                "para:state_capital",
                "para:social_insurance",
                "para:execution",
            ],
        )


class BlockWordingTests(SeedTestCase):
    """Each block states what was entered and nothing else."""

    def build(self, *blocks: str) -> list[str]:
        nodes = [NodeSpec(b, b, b) for b in blocks]
        report = build_report(fresh(self.evaluation), draft=False, outline=spec(*nodes))
        return [text for section in report.sections for text in texts(section)]

    def test_the_intro_without_a_level_or_a_mandate(self):
        Unit.objects.filter(pk=self.unit_a.pk).update(level="")
        self.assertEqual(
            self.build(Block.UNIT_INTRO)[0],
            "株洲市渌口区科技和工业信息化局是主管全区科技、工业和信息化的单位。主要职能有：",
        )
        Evaluation.objects.filter(pk=self.evaluation.pk).update(mandate="")
        self.assertEqual(self.build(Block.UNIT_INTRO)[0], "株洲市渌口区科技和工业信息化局的主要职能有：")
        Duty.objects.filter(evaluation=self.evaluation).delete()
        self.assertEqual(self.build(Block.UNIT_INTRO), [])

    def test_staff_movements_only_as_entered_zero_included(self):
        Evaluation.objects.filter(pk=self.evaluation.pk).update(
            staff_transferred_in=None, staff_transferred_out=0, staff_retired=None, retirees_deceased=None
        )
        [text] = self.build(Block.STAFFING)
        self.assertIn("全额财政拨款事业编制11人。全年调出在职人员0人。下设", text)
        Evaluation.objects.filter(pk=self.evaluation.pk).update(staff_transferred_out=None)
        self.assertNotIn("全年", self.build(Block.STAFFING)[0])

    def test_staffing_with_an_unknown_headcount_a_date_and_staff_on_roll(self):
        StaffingLine.objects.filter(evaluation=self.evaluation, establishment_type="行政编制").update(actual=None)
        Evaluation.objects.filter(pk=self.evaluation.pk).update(
            staffing_date=datetime.date(2025, 3, 31), staff_on_roll=20, staff_transferred_in=None
        )
        [text] = self.build(Block.OFFICES, Block.STAFFING)[1:]
        # No total: one line's headcount is unknown; not 年末 on 31 March.
        self.assertTrue(
            text.startswith("截至2025年3月31日，我局在职人员中，全额财政拨款事业编制11人。在编人数20人。全年调出"),
            text,
        )

    def test_total_spending_from_the_parts_when_no_total_was_entered(self):
        SpendingSummary.objects.create(evaluation=self.evaluation, total_budget=Decimal("18000000"))
        self.assertEqual(
            sentences(self.build(Block.TOTAL_SPENDING)[0]),
            [
                "2024年共支出1705.74万元。",
                "其中，基本支出474.50万元，项目支出1231.24万元。",
                "预算安排1800.00万元，实际支出1705.74万元，预算执行率94.76%。",
            ],
        )

    def test_total_spending_is_not_a_partial_sum(self):
        ProjectItem.objects.filter(evaluation=self.evaluation).delete()
        self.assertEqual(self.build(Block.TOTAL_SPENDING), ["2024年基本支出474.50万元。"])
        SpendingSummary.objects.create(evaluation=self.evaluation, total_budget=Decimal("0"))
        self.assertEqual(self.build(Block.TOTAL_SPENDING), ["2024年基本支出474.50万元。预算安排0.00万元。"])

    def test_an_entered_total_is_stated_as_entered(self):
        # The checks refuse to submit totals that do not reconcile; the report never corrects them itself.
        SpendingSummary.objects.create(evaluation=self.evaluation, total_spending=Decimal("17000000"))
        self.assertEqual(sentences(self.build(Block.TOTAL_SPENDING)[0])[0], "2024年共支出1700.00万元。")

    def test_last_year_unknown_gives_no_change_and_no_reason(self):
        BasicSpending.objects.filter(evaluation=self.evaluation, category="personnel").update(previous_amount=None)
        [text, _table] = self.build(Block.BASIC_SPENDING)
        self.assertIn("其中：人员经费386.44万元，人员支出比率81.44%；日常公用经费88.06万元，比上年增加", text)
        self.assertNotIn("到龄退休", text)

    def test_last_year_entered_as_zero_is_a_new_category(self):
        BasicSpending.objects.filter(evaluation=self.evaluation, category="operating").update(previous_amount=0)
        self.assertIn("日常公用经费88.06万元，上年无此项支出，主要是", self.build(Block.BASIC_SPENDING)[0])

    def test_a_split_with_an_unknown_part_has_no_total(self):
        BasicSpending.objects.filter(evaluation=self.evaluation, category="operating").update(amount=None)
        [text, _table] = self.build(Block.BASIC_SPENDING)
        self.assertTrue(text.startswith("2024年决算基本支出中，人员经费386.44万元，比上年减少84.63万元"), text)
        self.assertNotIn("比率", text)
        self.assertNotIn("日常公用经费", text)

    def test_a_basic_total_without_a_split(self):
        BasicSpending.objects.filter(evaluation=self.evaluation).delete()
        SpendingSummary.objects.create(evaluation=self.evaluation, basic_total=Decimal("4745000"))
        self.assertEqual(self.build(Block.BASIC_SPENDING), ["2024年决算基本支出474.50万元。"])

    def test_a_project_total_without_items_and_items_without_sources(self):
        ProjectItem.objects.filter(evaluation=self.evaluation).delete()
        FundSource.objects.filter(evaluation=self.evaluation).delete()
        SpendingSummary.objects.create(evaluation=self.evaluation, project_total=Decimal("12312400"))
        self.assertEqual(self.build(Block.PROJECT_SPENDING), ["2024年决算项目支出1231.24万元。"])
        ProjectItem.objects.create(evaluation=self.evaluation, order=1, name="农田建设", amount=Decimal("100000"))
        ProjectItem.objects.create(evaluation=self.evaluation, order=2, name="人居环境", amount=Decimal("50000"))
        SpendingSummary.objects.filter(evaluation=self.evaluation).update(project_total=None)
        self.assertEqual(
            self.build(Block.PROJECT_SPENDING),
            ["2024年决算项目支出15.00万元，主要包括：农田建设10.00万元、人居环境5.00万元。", "[项目支出情况表]"],
        )

    def test_items_without_a_source_beside_sourced_ones(self):
        ProjectItem.objects.create(evaluation=self.evaluation, order=99, name="其他工作经费", amount=Decimal("10000"))
        [text, table] = (
            build_report(fresh(self.evaluation), outline=spec(NodeSpec("p", "p", Block.PROJECT_SPENDING)))
            .sections[0]
            .blocks
        )
        self.assertTrue(text.text.startswith("2024年决算项目支出1232.24万元，分三部分组成："), text.text)
        self.assertTrue(text.text.endswith("此外，还包括：其他工作经费1.00万元。"), text.text)
        self.assertIsInstance(table, Table)
        self.assertIn("未列明资金来源的项目小计", [row.cells[1].text for row in table.rows])

    def test_other_budget_types_only_when_stated(self):
        blocks = (Block.GOVERNMENT_FUND, Block.STATE_CAPITAL, Block.SOCIAL_INSURANCE)
        self.assertEqual(self.build(*blocks), [])
        FundTypeSpending.objects.create(evaluation=self.evaluation, fund_type="government_fund", has_spending=None)
        FundTypeSpending.objects.create(evaluation=self.evaluation, fund_type="state_capital", has_spending=False)
        FundTypeSpending.objects.create(
            evaluation=self.evaluation, fund_type="social_insurance", has_spending=True, narrative="用于养老保险。"
        )
        self.assertEqual(self.build(*blocks), ["本单位无此项支出。", "用于养老保险。"])
        FundTypeSpending.objects.filter(fund_type="social_insurance").update(amount=Decimal("0"))
        self.assertEqual(self.build(*blocks)[1], "2024年社会保险基金预算支出0.00万元。")

    def test_budget_execution_only_as_known(self):
        self.assertEqual(self.build(Block.EXECUTION), [])
        self.evaluation.budget_execution.filter(kind="basic").update(
            full_year_budget=Decimal("4900000"), executed=Decimal("4745000")
        )
        self.assertEqual(
            self.build(Block.EXECUTION), ["2024年基本支出全年预算数490.00万元，全年执行数474.50万元，执行率96.84%。"]
        )
        self.evaluation.budget_execution.filter(kind="project").update(
            full_year_budget=Decimal("13100000"), executed=Decimal("12312400")
        )
        self.assertEqual(
            sentences(self.build(Block.EXECUTION)[0]),
            [
                "2024年预算资金全年预算数1800.00万元，全年执行数1705.74万元，执行率94.76%。",
                "其中，基本支出全年预算数490.00万元，全年执行数474.50万元，执行率96.84%；"
                "项目支出全年预算数1310.00万元，全年执行数1231.24万元，执行率93.99%。",
            ],
        )

    def test_offices_in_groups_with_counts(self):
        if "group" not in {f.name for f in Office._meta.get_fields()}:
            self.skipTest("Office.group is not in the schema yet")
        Office.objects.filter(evaluation=self.evaluation, name="科技创新股").update(group="下属事业单位")
        self.assertEqual(
            self.build(Block.OFFICES),
            [
                "我局内设5个机构：办公室、政策法规股、经济运行股、企业发展促进股、科技成果股；下属事业单位1个：科技创新股。"
            ],
        )

    def test_themes_are_numbered_one_level_below_their_section(self):
        Theme.objects.filter(evaluation=self.evaluation, order__gt=1).delete()
        self.assertTrue(self.build(Block.ACHIEVEMENTS)[0].startswith("（一）工业运行稳中有进。"))
