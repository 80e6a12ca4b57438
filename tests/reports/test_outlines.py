"""The finance bureau's outline pages: 陈静 copies the Hunan outline, words its headings for her county, and chooses
it for a region and year; the shipped outlines stay as they are; unit staff have no access."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from evaluations.models import Block, Evaluation, Numbering, OutlineAssignment, OutlineNode, ReportOutline, Unit
from evaluations.outlines import (
    ASSIGNMENT_TAKEN,
    BUILTIN,
    UNKNOWN_REGION,
    assign_outline,
    copy_outline,
    ensure_builtin_outlines,
    outline_for,
    outline_spec,
    outlines_for,
)
from tests.base import BaseTestCase, SeedTestCase

REGION = "湖南省株洲市渌口区"


def heading_post(outline: ReportOutline, changes: dict[str, dict] | None = None, **outline_fields) -> dict:
    """The edit page's form as it was opened, with ``changes`` by heading key."""
    nodes = list(outline.nodes.order_by("order", "id"))
    by_parent: dict = {}
    for node in nodes:
        by_parent.setdefault(node.parent_id, []).append(node)
    ordered: list[OutlineNode] = []

    def visit(parent_id):
        for node in by_parent.get(parent_id, []):
            ordered.append(node)
            visit(node.pk)

    visit(None)
    data = {
        "outline-name": outline_fields.get("name", outline.name),
        "outline-description": outline_fields.get("description", outline.description),
        "headings-TOTAL_FORMS": str(len(ordered)),
        "headings-INITIAL_FORMS": str(len(ordered)),
    }
    for n, node in enumerate(ordered):
        values = {
            "id": node.pk,
            "order": node.order,
            "title": node.title,
            "numbering": node.numbering,
            "block": node.block,
            "required": node.required,
            "item_numbering": node.item_numbering,
            "items_inline": node.items_inline,
        }
        values.update((changes or {}).get(node.key, {}))
        for name, value in values.items():
            if isinstance(value, bool):
                if value:
                    data[f"headings-{n}-{name}"] = "on"
            else:
                data[f"headings-{n}-{name}"] = str(value)
    return data


class OutlinePagesTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.hunan = ReportOutline.objects.get(builtin="hunan")

    def test_chenjing_lists_the_shipped_outlines(self):
        self.client.force_login(self.chenjing)
        response = self.client.get(reverse("outline_list"))
        for spec in BUILTIN.values():
            self.assertContains(response, spec.name)
        self.assertContains(response, reverse("outline_copy", args=[self.hunan.pk]))
        self.assertContains(response, "尚未指定，各单位使用系统默认提纲。")
        home = self.client.get(reverse("home"))
        self.assertContains(home, reverse("outline_list"))

    def test_chenjing_copies_the_hunan_outline_with_every_heading(self):
        self.client.force_login(self.chenjing)
        page = self.client.get(reverse("outline_copy", args=[self.hunan.pk]))
        self.assertContains(page, "湖南部门整体支出绩效自评提纲（九部分）（副本）")
        response = self.client.post(
            reverse("outline_copy", args=[self.hunan.pk]), {"name": "渌口区2025年提纲", "description": "区财政局"}
        )
        copy = ReportOutline.objects.get(name="渌口区2025年提纲")
        self.assertRedirects(response, reverse("outline_edit", args=[copy.pk]))
        self.assertEqual((copy.builtin, copy.description), ("", "区财政局"))
        original, copied = outline_spec(self.hunan), outline_spec(copy)
        self.assertEqual(copied.nodes, original.nodes)
        self.assertEqual(copy.nodes.count(), self.hunan.nodes.count())

    def test_a_copy_needs_a_name_of_its_own(self):
        self.client.force_login(self.chenjing)
        response = self.client.post(reverse("outline_copy", args=[self.hunan.pk]), {"name": self.hunan.name})
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, f"已有名为“{self.hunan.name}”的提纲，请换一个名称。", status_code=422)
        self.assertEqual(ReportOutline.objects.count(), 3)

    def test_chenjing_words_the_headings_of_her_copy(self):
        copy = copy_outline(self.hunan, name="渌口区提纲")
        self.client.force_login(self.chenjing)
        page = self.client.get(reverse("outline_edit", args=[copy.pk]))
        self.assertContains(page, 'name="headings-0-title"')
        data = heading_post(
            copy,
            {
                "unit": {"title": "单位基本情况"},
                "offices": {"numbering": Numbering.ARABIC_COMMA},
                "goals": {"required": True},
                "other": {"required": True, "order": 0},
                "duties": {"item_numbering": Numbering.ARABIC_HALF_PAREN, "items_inline": True},
            },
            name="渌口区提纲（2025）",
        )
        response = self.client.post(reverse("outline_edit", args=[copy.pk]), data)
        self.assertRedirects(response, reverse("outline_edit", args=[copy.pk]))
        copy.refresh_from_db()
        self.assertEqual(copy.name, "渌口区提纲（2025）")
        spec = outline_spec(copy)
        nodes = {node.key: node for node in spec.walk()}
        self.assertEqual(nodes["unit"].title, "单位基本情况")
        self.assertEqual(nodes["offices"].numbering, Numbering.ARABIC_COMMA)
        self.assertTrue(nodes["goals"].required)
        self.assertEqual((nodes["duties"].item_numbering, nodes["duties"].items_inline), ("arabic_half_paren", True))
        # Order 0 puts 其他需要说明的情况 first among the top-level headings.
        self.assertEqual(spec.nodes[0].key, "other")
        # The shipped outline is untouched.
        self.assertEqual(outline_spec(self.hunan).nodes, BUILTIN["hunan"].nodes)

    def test_a_block_in_two_places_is_refused_and_nothing_is_saved(self):
        copy = copy_outline(self.hunan, name="渌口区提纲")
        self.client.force_login(self.chenjing)
        data = heading_post(copy, {"goals": {"block": Block.BASIC_SPENDING, "title": "绩效目标"}})
        response = self.client.post(reverse("outline_edit", args=[copy.pk]), data)
        self.assertContains(
            response,
            "内容“基本支出”在提纲中出现了两次（“绩效目标”和“基本支出情况”），同一内容只能放在一处。",
            status_code=422,
        )
        self.assertEqual(OutlineNode.objects.get(outline=copy, key="goals").title, "绩效目标设定情况")

    def test_a_shipped_outline_is_read_only(self):
        self.client.force_login(self.chenjing)
        page = self.client.get(reverse("outline_edit", args=[self.hunan.pk]))
        self.assertContains(page, "随系统提供的提纲不能修改，请复制后修改副本。")
        self.assertNotContains(page, 'name="headings-0-title"')
        data = heading_post(self.hunan, {"unit": {"title": "改过的标题"}})
        response = self.client.post(reverse("outline_edit", args=[self.hunan.pk]), data)
        self.assertContains(response, "随系统提供的提纲不能修改，请复制后修改副本。", status_code=422)
        self.assertEqual(OutlineNode.objects.get(outline=self.hunan, key="unit").title, "部门、单位基本情况")

    def test_headings_of_another_outline_are_refused(self):
        copy = copy_outline(self.hunan, name="渌口区提纲")
        other = copy_outline(self.hunan, name="另一个提纲")
        self.client.force_login(self.chenjing)
        data = heading_post(other, {"unit": {"title": "改过的标题"}}, name="渌口区提纲")
        response = self.client.post(reverse("outline_edit", args=[copy.pk]), data)
        self.assertContains(response, "提纲的标题已有变动，请重新打开本页后再修改。", status_code=422)
        self.assertFalse(OutlineNode.objects.filter(title="改过的标题").exists())

    def test_chenjing_chooses_her_copy_for_her_region_and_year(self):
        Unit.objects.filter(pk=self.unit_a.pk).update(region=REGION)
        copy = copy_outline(self.hunan, name="渌口区提纲")
        self.client.force_login(self.chenjing)
        response = self.client.post(reverse("outline_assign"), {"region": REGION, "year": "2025", "outline": copy.pk})
        self.assertRedirects(response, reverse("outline_list"))
        assignment = OutlineAssignment.objects.get()
        self.assertEqual((assignment.region, assignment.year, assignment.outline), (REGION, 2025, copy))
        evaluation = Evaluation.objects.create(unit=self.unit_a, year=2025)
        self.assertEqual(outline_for(evaluation).name, "渌口区提纲")
        self.assertEqual(outline_for(Evaluation.objects.create(unit=self.unit_a, year=2024)).key, "seed")
        listed = self.client.get(reverse("outline_list"))
        self.assertContains(listed, reverse("outline_unassign", args=[assignment.pk]))

    def test_one_choice_per_region_and_year(self):
        OutlineAssignment.objects.create(region="", year=2025, outline=self.hunan)
        self.client.force_login(self.chenjing)
        plain = ReportOutline.objects.get(builtin="plain")
        response = self.client.post(reverse("outline_assign"), {"region": "", "year": "2025", "outline": plain.pk})
        self.assertContains(
            response,
            "全部地区2025年度已指定提纲“湖南部门整体支出绩效自评提纲（九部分）”，请先删除该条再重新指定。",
            status_code=422,
        )
        self.assertEqual(OutlineAssignment.objects.get().outline, self.hunan)

    def test_a_region_no_unit_belongs_to_is_refused(self):
        self.client.force_login(self.chenjing)
        response = self.client.post(reverse("outline_assign"), {"region": "湖南省某县", "outline": self.hunan.pk})
        self.assertEqual(response.status_code, 422)
        self.assertFalse(OutlineAssignment.objects.exists())
        with self.assertRaisesMessage(ValidationError, str(UNKNOWN_REGION % {"region": "湖南省某县"})):
            assign_outline(outline=self.hunan, region="湖南省某县", year=None)
        self.assertFalse(OutlineAssignment.objects.exists())

    def test_the_service_refuses_a_second_choice_for_the_same_place(self):
        assign_outline(outline=self.hunan, region="", year=None)
        with self.assertRaises(ValidationError) as refused:
            assign_outline(outline=self.hunan, region="", year=None)
        self.assertEqual(
            refused.exception.messages,
            [str(ASSIGNMENT_TAKEN % {"region": "全部地区", "year": "各年度", "outline": self.hunan.name})],
        )
        self.assertEqual(OutlineAssignment.objects.count(), 1)

    def test_chenjing_cancels_a_choice(self):
        assignment = OutlineAssignment.objects.create(region="", year=None, outline=self.hunan)
        self.client.force_login(self.chenjing)
        response = self.client.post(reverse("outline_unassign", args=[assignment.pk]))
        self.assertRedirects(response, reverse("outline_list"))
        self.assertFalse(OutlineAssignment.objects.exists())

    def test_unit_staff_may_not_manage_outlines(self):
        OutlineAssignment.objects.create(region="", year=None, outline=self.hunan)
        for person in [self.wangfang, self.liqiang, self.zhaomin]:
            self.client.force_login(person)
            with self.subTest(person=person.username):
                self.assertEqual(self.client.get(reverse("outline_list")).status_code, 403)
                self.assertEqual(self.client.get(reverse("outline_edit", args=[self.hunan.pk])).status_code, 403)
                response = self.client.post(reverse("outline_copy", args=[self.hunan.pk]), {"name": "单位的提纲"})
                self.assertEqual(response.status_code, 403)
                self.assertNotContains(self.client.get(reverse("home")), reverse("outline_list"))
        self.assertEqual(ReportOutline.objects.count(), 3)
        self.assertEqual(OutlineAssignment.objects.count(), 1)

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        response = self.client.get(reverse("outline_list"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response["Location"])


class OutlineChoiceTests(SeedTestCase):
    def test_outlines_for_many_evaluations_agrees_with_outline_for_each(self):
        hunan, plain = ReportOutline.objects.get(builtin="hunan"), ReportOutline.objects.get(builtin="plain")
        own = copy_outline(hunan, name="单位自己的提纲")
        other_region = Unit.objects.create(name="某县财政局", region="湖南省某县")
        OutlineAssignment.objects.create(region=REGION, year=None, outline=hunan)
        OutlineAssignment.objects.create(region=REGION, year=2025, outline=plain)
        OutlineAssignment.objects.create(region="", year=2026, outline=plain)
        Unit.objects.filter(pk=self.unit_b.pk).update(outline=own)
        for unit in [self.unit_a, self.unit_b, other_region]:
            for year in [2025, 2026]:
                Evaluation.objects.get_or_create(unit=unit, year=year)
        evaluations = list(Evaluation.objects.select_related("unit"))
        # Queries: the assignments, the campaigns' outlines for these units and years, the outlines chosen, their
        # headings.
        with self.assertNumQueries(4):
            many = outlines_for(evaluations)
        for evaluation in evaluations:
            with self.subTest(unit=evaluation.unit.name, year=evaluation.year):
                self.assertEqual(many[evaluation.pk], outline_for(evaluation))
        by_place = {(e.unit.name, e.year): many[e.pk].name for e in evaluations}
        self.assertEqual(by_place[(self.unit_a.name, 2024)], hunan.name)  # the region's, every year
        self.assertEqual(by_place[(self.unit_a.name, 2025)], plain.name)  # the region's for that year
        self.assertEqual(by_place[(self.unit_b.name, 2025)], "单位自己的提纲")  # the administrator's choice
        self.assertEqual(by_place[("某县财政局", 2025)], BUILTIN["seed"].name)  # nothing chosen: the default
        self.assertEqual(by_place[("某县财政局", 2026)], plain.name)  # every region, that year


class OutlineAdminTests(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.admin)
        self.hunan = ReportOutline.objects.get(builtin="hunan")

    def test_the_administrator_sees_outlines_with_their_headings(self):
        response = self.client.get(reverse("admin:evaluations_reportoutline_changelist"))
        self.assertContains(response, self.hunan.name)
        response = self.client.get(reverse("admin:evaluations_reportoutline_change", args=[self.hunan.pk]))
        self.assertContains(response, "部门、单位基本情况")
        # Shipped: view only.
        self.assertNotContains(response, 'name="_save"')

    def test_a_copy_is_made_by_the_admin_action_and_is_editable(self):
        response = self.client.post(
            reverse("admin:evaluations_reportoutline_changelist"),
            {"action": "copy_outlines", "_selected_action": [self.hunan.pk]},
            follow=True,
        )
        self.assertContains(response, "已复制为“湖南部门整体支出绩效自评提纲（九部分）（副本）”。")
        copy = ReportOutline.objects.get(name="湖南部门整体支出绩效自评提纲（九部分）（副本）")
        response = self.client.get(reverse("admin:evaluations_reportoutline_change", args=[copy.pk]))
        self.assertContains(response, 'name="_save"')

    def test_the_administrator_gives_a_unit_its_own_outline(self):
        response = self.client.get(reverse("admin:evaluations_unit_change", args=[self.unit_b.pk]))
        self.assertContains(response, 'name="outline"')
        data = {
            "name": self.unit_b.name,
            "short_name": self.unit_b.short_name,
            "self_reference": self.unit_b.self_reference,
            "level": self.unit_b.level,
            "region": "",
            "code": self.unit_b.code,
            "outline": str(self.hunan.pk),
        }
        response = self.client.post(reverse("admin:evaluations_unit_change", args=[self.unit_b.pk]), data)
        self.assertEqual(response.status_code, 302)
        self.unit_b.refresh_from_db()
        self.assertEqual(self.unit_b.outline, self.hunan)

    def test_the_admin_refuses_a_region_no_unit_belongs_to(self):
        response = self.client.post(
            reverse("admin:evaluations_outlineassignment_add"), {"region": "湖南省某县", "outline": self.hunan.pk}
        )
        self.assertContains(response, "没有哪个预算单位属于地区“湖南省某县”，请检查名称。")
        self.assertFalse(OutlineAssignment.objects.exists())

    def test_an_assignment_is_added_in_the_admin(self):
        response = self.client.post(
            reverse("admin:evaluations_outlineassignment_add"), {"region": "", "year": "2025", "outline": self.hunan.pk}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(OutlineAssignment.objects.get().year, 2025)


class ScoreHeadingMigrationTests(BaseTestCase):
    """A database from before issue 10: its shipped Hunan and plain outlines gain the 自评得分情况 heading (migration
    0012), in the place the shipped outlines have it; a bureau's copy stays as the bureau left it."""

    def test_the_shipped_rows_gain_the_heading_and_a_bureaus_copy_does_not(self):
        migration = importlib.import_module("evaluations.migrations.0012_builtin_outlines_score")
        outlines = ensure_builtin_outlines()
        # Back to the shipped outlines as they were: without the heading, siblings numbered from 1.
        for key in ("hunan", "plain"):
            score = OutlineNode.objects.get(outline=outlines[key], block=Block.SCORE)
            later = list(OutlineNode.objects.filter(outline=score.outline, parent=score.parent, order__gt=score.order))
            score.delete()
            for node in later:
                node.order -= 1
            OutlineNode.objects.bulk_update(later, ["order"])
        copy = copy_outline(outlines["hunan"], name="某县提纲")
        copied = outline_spec(copy)

        migration.add_score_headings(apps, None)
        migration.add_score_headings(apps, None)  # twice: nothing more

        for key in ("hunan", "plain", "seed"):
            with self.subTest(outline=key):
                self.assertEqual(outline_spec(outlines[key]).nodes, BUILTIN[key].nodes)
        self.assertEqual(outline_spec(copy), copied)
        self.assertNotIn(Block.SCORE, copied.blocks)
