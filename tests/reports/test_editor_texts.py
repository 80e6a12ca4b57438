"""王芳 words the report her own way on the 报告文字 page: beside each paragraph the report generates she sees what
the data say and may write her unit's wording instead (blank goes back to the generated text), and she writes the
content of the outline's free sections. One save, one service, refused whole when the page is stale, the report is
locked or the outline has changed."""

from __future__ import annotations

from django.urls import reverse

from budgets.models import BasicSpending
from evaluations.models import Evaluation, OutlineAssignment, OutlineNode, ReportOutline, SectionRevision, WrittenText
from evaluations.outlines import HUNAN, copy_outline, ensure_builtin_outlines
from evaluations.services import EVALUATION_LOCKED
from reports.document import Paragraph
from reports.forms import OUTLINE_CHANGED
from reports.report import build_report

from . import test_editor
from .test_editor import EditorTestCase
from .test_report import SEED_BASIC, SEED_STAFFING, fresh
from .test_report_outlines import find, texts

SEED_PLACES = ["para:unit_intro", "para:staffing", "para:basic_spending", "para:project_spending"]
HUNAN_PLACES = [
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
    "node:other",
]


class TextsTestCase(EditorTestCase):
    def follow_hunan(self) -> ReportOutline:
        hunan = ensure_builtin_outlines()[HUNAN]
        OutlineAssignment.objects.create(region=self.unit_a.region, outline=hunan)
        return hunan

    def save(self, **texts: str):
        """Open the page, type ``texts`` (field name → text) and save it."""
        data = self.open("texts")
        data.update({f"texts-{name}": text for name, text in texts.items()})
        return self.client.post(self.url("texts"), data)

    def written(self) -> dict[str, str]:
        return dict(WrittenText.objects.filter(evaluation=self.evaluation).values_list("key", "text"))


class TextsPageTests(TextsTestCase):
    def test_it_lists_the_generated_paragraphs_of_the_seed_outline_with_an_input_beside_each(self):
        self.client.force_login(self.wangfang)
        response = self.client.get(self.url("texts"))
        entries = response.context["page"].entries
        self.assertEqual([entry.place.key for entry in entries], SEED_PLACES)
        self.assertEqual(
            [entry.title for entry in entries], ["预算单位基本情况", "人员配置情况", "基本支出情况", "项目支出情况"]
        )
        # What the data say, read-only, beside the unit's own wording (none yet).
        self.assertEqual(entries[1].generated, SEED_STAFFING.removeprefix("人员配置情况："))
        self.assertContains(response, SEED_BASIC)
        for key in SEED_PLACES:
            self.assertContains(response, f'id="id_texts-{key.replace(":", "-")}"')
        self.assertContains(response, "会与填报的数据核对")
        self.assertNotContains(response, "required-place")

    def test_it_lists_every_block_of_the_hunan_outline_and_its_free_section(self):
        self.follow_hunan()
        self.client.force_login(self.wangfang)
        response = self.client.get(self.url("texts"))
        entries = response.context["page"].entries
        self.assertEqual([entry.place.key for entry in entries], HUNAN_PLACES)
        self.assertEqual((entries[1].title, entries[-1].title), ("机构设置情况", "其他需要说明的情况"))
        # Nobody has said whether there is any 政府性基金 spending: nothing generated, and the page says why.
        self.assertEqual(entries[6].generated, "")
        self.assertContains(response, "尚无可生成的文字")
        self.assertContains(response, '<textarea name="texts-node-other"')
        # The free section is optional in the shipped outline.
        self.assertNotContains(response, "required-place")

    def test_a_required_free_section_is_marked_and_the_blocker_links_to_its_input(self):
        own = copy_outline(self.follow_hunan(), name="渌口区提纲")
        OutlineNode.objects.filter(outline=own, key="other").update(required=True)
        OutlineAssignment.objects.update(outline=own)
        self.client.force_login(self.wangfang)
        page = self.client.get(self.url("texts"))
        self.assertContains(page, "required-place", count=1)
        self.assertContains(page, 'id="id_texts-node-other"')
        overview = self.client.get(reverse("evaluation_detail", args=[self.evaluation.pk]))
        self.assertContains(overview, f'href="{self.url("texts")}#id_texts-node-other"')

    def test_the_units_wording_replaces_the_paragraph_and_a_blank_one_restores_it(self):
        response = self.save(**{"para-basic_spending": "我局2024年基本支出474.50万元。\n人员经费占八成以上。"})
        self.assertRedirects(response, self.url("texts"), fetch_redirect_response=False)
        basic = build_report(fresh(self.evaluation)).sections[1].subsections[0]
        self.assertEqual(texts(basic), ["我局2024年基本支出474.50万元。", "人员经费占八成以上。", "[基本支出情况表]"])
        # Only what was typed is stored: the other places stay generated and get no row.
        self.assertEqual(list(self.written()), ["para:basic_spending"])
        page = self.client.get(self.url("texts"))
        self.assertContains(page, "“报告文字”已保存。")
        self.assertContains(page, "人员经费占八成以上。")
        # The generated text is still shown beside it.
        self.assertContains(page, SEED_BASIC)

        self.assertEqual(self.save(**{"para-basic_spending": "  "}).status_code, 302)
        # Stored blank, not deleted (evaluations.services.save_written_texts says why).
        self.assertEqual(self.written(), {"para:basic_spending": ""})
        basic = build_report(fresh(self.evaluation)).sections[1].subsections[0]
        self.assertEqual(texts(basic), [SEED_BASIC, "[基本支出情况表]"])
        self.assertFalse(any(block.written for block in basic.blocks if isinstance(block, Paragraph)))

    def test_a_free_sections_content_appears_in_the_report(self):
        self.follow_hunan()
        self.assertEqual(self.save(**{"node-other": "无其他需要说明的情况。"}).status_code, 302)
        report = build_report(fresh(self.set_status(Evaluation.Status.APPROVED)))
        self.assertEqual(texts(find(report, "十、其他需要说明的情况")), ["无其他需要说明的情况。"])

    def test_a_stale_page_is_refused_with_nothing_written(self):
        first = self.open("texts")
        second = self.open("texts", user=self.liqiang)
        first["texts-para-staffing"] = "我局年末在职21人。"
        self.client.force_login(self.wangfang)
        self.assertEqual(self.client.post(self.url("texts"), first).status_code, 302)
        history = WrittenText.history.count()
        second["texts-para-staffing"] = "我局年末在职二十一人。"
        self.client.force_login(self.liqiang)
        response = self.client.post(self.url("texts"), second)
        self.assertContains(response, "本栏目已由王芳于", status_code=422)
        # What 李强 typed is still on the page for him to copy.
        self.assertContains(response, "我局年末在职二十一人。", status_code=422)
        self.assertEqual(self.written(), {"para:staffing": "我局年末在职21人。"})
        self.assertEqual(WrittenText.history.count(), history)
        self.assertEqual(SectionRevision.objects.get(evaluation=self.evaluation, section="texts").revision, 1)

    def test_a_submitted_report_is_refused_with_nothing_written(self):
        data = self.open("texts")
        self.set_status(Evaluation.Status.SUBMITTED)
        data["texts-para-staffing"] = "我局年末在职21人。"
        response = self.client.post(self.url("texts"), data)
        self.assertContains(response, str(EVALUATION_LOCKED), status_code=422)
        self.assertEqual(self.written(), {})
        self.assertEqual(WrittenText.history.count(), 0)
        self.assertFalse(SectionRevision.objects.filter(evaluation=self.evaluation, section="texts").exists())

    def test_a_page_opened_before_the_outline_changed_is_refused_with_nothing_written(self):
        self.follow_hunan()
        data = self.open("texts")
        data["texts-node-other"] = "无其他需要说明的情况。"
        data["texts-para-staffing"] = "我局年末在职21人。"
        # The bureau goes back to the seed's outline, which has no free section, while 王芳 types.
        OutlineAssignment.objects.all().delete()
        response = self.client.post(self.url("texts"), data)
        self.assertContains(response, str(OUTLINE_CHANGED), status_code=422)
        self.assertEqual(self.written(), {})

    def test_zhaomin_cannot_open_or_save_unit_as_texts(self):
        data = self.open("texts")
        data["texts-para-staffing"] = "赵敏写的。"
        self.client.force_login(self.zhaomin)
        self.assertEqual(self.client.get(self.url("texts")).status_code, 404)
        self.assertEqual(self.client.post(self.url("texts"), data).status_code, 404)
        self.assertEqual(self.written(), {})

    def test_the_history_records_the_change_through_the_editor(self):
        self.save(**{"para-staffing": "我局年末在职21人。"})
        self.save(**{"para-staffing": ""})
        records = WrittenText.history.filter(evaluation_id=self.evaluation.pk, key="para:staffing").order_by(
            "history_date"
        )
        self.assertEqual(
            [(r.history_type, r.text, r.history_user, r.history_via) for r in records],
            [("+", "我局年末在职21人。", self.wangfang, "editor"), ("~", "", self.wangfang, "editor")],
        )

    def test_a_proofreading_hint_on_the_units_wording_links_to_its_input(self):
        self.save(**{"para-basic_spending": "2024年基本支出480.00万元。"})
        self.client.force_login(self.wangfang)
        overview = self.client.get(reverse("evaluation_detail", args=[self.evaluation.pk]))
        self.assertContains(overview, "“480.00万元”与填报的数据不一致")
        self.assertContains(overview, f'href="{self.url("texts")}#id_texts-para-basic_spending"')


class TextsQueryCountTests(TextsTestCase):
    def setUp(self):
        self.follow_hunan()

    def add_rows(self, n: int) -> None:
        """More of everything the page reads: the unit's texts (every place but 部门整体支出绩效情况, left for a save
        to create) and the lists the generated text is made from."""
        for key in HUNAN_PLACES:
            if key != "para:execution":
                WrittenText.objects.update_or_create(evaluation=self.evaluation, key=key, defaults={"text": f"{key}。"})
        # The editor's own query-count rows (duties, offices, project items, indicators).
        test_editor.QueryCountTests.add_rows(self, n)

    def test_opening_the_page_costs_a_fixed_number_of_queries(self):
        self.client.force_login(self.wangfang)
        for rows in ("seed", "seed + 40"):
            if rows != "seed":
                self.add_rows(40)
            with self.subTest(rows=rows):
                # session, user, membership, evaluation with its unit (access); the section's revision; the
                # outline: the campaign of the year (none), the bureau's assignment with its outline, the outline's
                # headings; the unit's texts; the report's data for the generated text: the eleven other lists it
                # reads; the header's unit
                with self.assertNumQueries(21):
                    response = self.client.get(self.url("texts"))
                self.assertEqual(response.status_code, 200)

    def test_saving_the_page_costs_a_fixed_number_of_queries(self):
        # The first save also creates the section's revision row: measure the saves after it.
        self.save(**{"para-staffing": "一。", "para-offices": "二。"})
        for rows, new in (("two texts", "node-other"), ("every place", "para-execution")):
            if rows != "two texts":
                self.add_rows(40)
            data = self.open("texts")
            # One text changed, one cleared, one new.
            data.update({"texts-para-staffing": "三。", "texts-para-offices": "", f"texts-{new}": "四。"})
            with self.subTest(rows=rows):
                # session, user, membership, evaluation (access); the page: the outline (campaign, assignment,
                # headings), the unit's texts; savepoint; lock the evaluation; the section's revision; the
                # evaluation's unit, the outline again under the lock (campaign, assignment, headings); the texts of
                # the places posted; update the changed ones (+ history); create the new one (+ history); revision
                # update; updated_at; release savepoint.
                with self.assertNumQueries(23):
                    response = self.client.post(self.url("texts"), data)
                self.assertEqual(response.status_code, 302)
            written = self.written()
            self.assertEqual(
                (written["para:staffing"], written["para:offices"], written[new.replace("-", ":", 1)]),
                ("三。", "", "四。"),
            )

    def test_the_generated_text_follows_the_data(self):
        BasicSpending.objects.filter(evaluation=self.evaluation).delete()
        self.client.force_login(self.wangfang)
        entries = self.client.get(self.url("texts")).context["page"].entries
        basic = next(entry for entry in entries if entry.place.key == "para:basic_spending")
        self.assertEqual(basic.generated, "")
