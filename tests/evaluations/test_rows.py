"""Rows keep their ids when 王芳 saves a list in the editor, so that the Excel template she downloaded before still
imports afterwards; an id that is not her evaluation's is refused and nothing is written."""

from __future__ import annotations

import unittest
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from openpyxl.utils import column_index_from_string

from achievements.models import Indicator, Theme
from budgets.models import FundSource, ProjectItem
from evaluations.models import Duty, Evaluation, Office, SectionRevision, StaffingLine
from evaluations.rows import ROWS_DO_NOT_MATCH, RowWrites, plan_rows, write_rows
from reports.excel import sheets
from tests.base import SeedTestCase
from tests.reports.test_editor import page_data
from tests.reports.test_excel_import import give_seed_reasons, import_file, row_of, template_of, to_bytes


def ids(model, evaluation: Evaluation) -> list[int]:
    """The evaluation's rows of ``model`` in the order the report shows them."""
    return list(model.objects.filter(evaluation=evaluation).values_list("id", flat=True))


def sync(model, evaluation, rows, fields, *, unique=None) -> RowWrites:
    """Plan and write one list, as the section services do."""
    writes = plan_rows(model, evaluation, rows, fields, unique=unique)
    write_rows(writes)
    return writes


class SyncRowsTests(SeedTestCase):
    def offices(self) -> list[dict]:
        return [{"id": o.pk, "name": o.name} for o in Office.objects.filter(evaluation=self.evaluation)]

    def test_it_updates_rows_with_an_id_creates_those_without_and_deletes_the_missing(self):
        rows = self.offices()
        kept, gone = rows[1:], rows[0]
        kept[0]["name"] = "政策法规和审批股"
        kept.reverse()
        kept.append({"id": None, "name": "人事股"})
        result = sync(Office, self.evaluation, kept, ["name"], unique="name")
        self.assertEqual([obj.pk for obj in result.updated], [row["id"] for row in kept[:-1]])
        self.assertEqual([obj.name for obj in result.created], ["人事股"])
        self.assertEqual(result.deleted, [gone["id"]])
        offices = list(Office.objects.filter(evaluation=self.evaluation))
        # The order follows the list given; the kept rows keep their ids.
        self.assertEqual([o.pk for o in offices[:-1]], [row["id"] for row in kept[:-1]])
        self.assertEqual([o.name for o in offices][-2:], ["政策法规和审批股", "人事股"])
        self.assertEqual([o.order for o in offices], list(range(1, 7)))

    def test_an_unchanged_list_writes_nothing(self):
        rows = self.offices()
        with self.assertNumQueries(1):  # the evaluation's offices
            result = sync(Office, self.evaluation, rows, ["name"], unique="name")
        self.assertTrue(result.is_empty)

    def test_the_query_count_does_not_grow_with_the_rows(self):
        for extra in (0, 60):
            Office.objects.bulk_create(
                Office(evaluation=self.evaluation, order=100 + n, name=f"股{extra}-{n}") for n in range(extra)
            )
            rows = self.offices()
            rows.pop(0)
            rows.reverse()
            for row in rows:
                row["name"] += "（改）"
            rows.append({"id": None, "name": f"新股{extra}"})
            # the offices; delete the first (the collector fetches it, deletes it, and its deletion is recorded in the
            # history); park the renamed; update them and record them; insert the new one and record it
            with self.subTest(rows=len(rows)), self.assertNumQueries(9):
                sync(Office, self.evaluation, rows, ["name"], unique="name")

    def test_an_id_of_another_evaluation_is_refused_before_anything_is_written(self):
        other = Evaluation.objects.create(unit=self.unit_b, year=2024)
        foreign = Office.objects.create(evaluation=other, name="别人的股室")
        rows = [*self.offices()[1:], {"id": foreign.pk, "name": "别人的股室"}]
        with self.assertRaisesMessage(ValidationError, str(ROWS_DO_NOT_MATCH)), self.assertNumQueries(1):
            sync(Office, self.evaluation, rows, ["name"], unique="name")
        self.assertEqual(Office.objects.filter(evaluation=self.evaluation).count(), 6)
        self.assertEqual(Office.objects.get(pk=foreign.pk).name, "别人的股室")

    def test_an_id_sent_twice_is_refused(self):
        rows = self.offices()
        rows.append(dict(rows[0]))
        with self.assertRaisesMessage(ValidationError, str(ROWS_DO_NOT_MATCH)):
            sync(Office, self.evaluation, rows, ["name"], unique="name")

    def test_two_rows_swap_names_under_the_unique_constraint(self):
        rows = self.offices()
        rows[0]["name"], rows[1]["name"] = rows[1]["name"], rows[0]["name"]
        sync(Office, self.evaluation, rows, ["name"], unique="name")
        names = list(Office.objects.filter(evaluation=self.evaluation).values_list("name", flat=True))
        self.assertEqual(names[:2], ["政策法规股", "办公室"])

    @unittest.skipUnless(connection.vendor == "postgresql", "SQLite checks a unique constraint only at the end")
    def test_without_parking_the_swap_would_collide_on_postgresql(self):
        # What makes the test above meaningful on PostgreSQL: one UPDATE swapping the names trips the constraint.
        first, second = Office.objects.filter(evaluation=self.evaluation)[:2]
        first.name, second.name = second.name, first.name
        with self.assertRaises(IntegrityError), transaction.atomic():
            Office.objects.bulk_update([first, second], ["name"])


class EditorKeepsIdsTests(SeedTestCase):
    def url(self, section: str) -> str:
        return reverse("evaluation_section", args=[self.evaluation.pk, section])

    def open(self, section: str) -> dict[str, str]:
        self.client.force_login(self.wangfang)
        response = self.client.get(self.url(section))
        self.assertEqual(response.status_code, 200)
        return page_data(response)

    def test_ids_survive_an_editor_save_of_every_list(self):
        give_seed_reasons(self.evaluation)
        lists = {
            "profile": [Duty, Office, StaffingLine],
            "project": [FundSource, ProjectItem],
            "achievements": [Theme, Indicator],
        }
        for section, models in lists.items():
            before = {model: ids(model, self.evaluation) for model in models}
            data = self.open(section)
            with self.subTest(section=section):
                self.assertEqual(self.client.post(self.url(section), data).status_code, 302)
                for model in models:
                    self.assertEqual(ids(model, self.evaluation), before[model], model.__name__)

    def test_an_edited_item_keeps_its_id_and_a_new_one_gets_a_new_id(self):
        before = ids(ProjectItem, self.evaluation)
        data = self.open("project")
        data["items-0-amount"] = "123456.78"
        blank = int(data["items-TOTAL_FORMS"]) - 1
        source = FundSource.objects.filter(evaluation=self.evaluation).first()
        data.update({f"items-{blank}-source_id": str(source.pk), f"items-{blank}-name": "新项目"})
        data[f"items-{blank}-amount"] = "1000"
        self.assertEqual(self.client.post(self.url("project"), data).status_code, 302)
        item = ProjectItem.objects.get(pk=before[0])
        self.assertEqual(item.amount, Decimal("123456.78"))
        self.assertEqual(
            set(ids(ProjectItem, self.evaluation)) - set(before), {ProjectItem.objects.get(name="新项目").pk}
        )

    def test_two_sources_and_two_staffing_lines_swap_names_in_the_editor(self):
        data = self.open("project")
        data["sources-0-name"], data["sources-1-name"] = data["sources-1-name"], data["sources-0-name"]
        self.assertEqual(self.client.post(self.url("project"), data).status_code, 302)
        names = list(FundSource.objects.filter(evaluation=self.evaluation).values_list("name", flat=True))
        self.assertEqual(names[:2], ["省市下达项目资金", "区本级专项资金"])
        data = self.open("profile")
        a, b = "staffing-0-establishment_type", "staffing-1-establishment_type"
        data[a], data[b] = data[b], data[a]
        self.assertEqual(self.client.post(self.url("profile"), data).status_code, 302)
        types = list(
            StaffingLine.objects.filter(evaluation=self.evaluation).values_list("establishment_type", flat=True)
        )
        self.assertEqual(types, ["全额财政拨款事业编制", "行政编制"])

    def test_a_forged_id_from_another_evaluation_is_refused_and_nothing_is_written(self):
        other = Evaluation.objects.create(unit=self.unit_b, year=2024)
        foreign_source = FundSource.objects.create(evaluation=other, name="别人的来源")
        foreign = ProjectItem.objects.create(evaluation=other, source=foreign_source, name="别人的项目", amount=5)
        before = list(ProjectItem.objects.filter(evaluation=self.evaluation).values_list("id", "amount"))
        data = self.open("project")
        data["items-0-id"] = str(foreign.pk)
        data["items-1-amount"] = "1.00"
        response = self.client.post(self.url("project"), data)
        self.assertContains(response, str(ROWS_DO_NOT_MATCH), status_code=422)
        self.assertEqual(
            list(ProjectItem.objects.filter(evaluation=self.evaluation).values_list("id", "amount")), before
        )
        foreign.refresh_from_db()
        self.assertEqual((foreign.evaluation_id, foreign.name, foreign.amount), (other.pk, "别人的项目", 5))
        self.assertFalse(SectionRevision.objects.filter(evaluation=self.evaluation, section="project").exists())

    def test_a_forged_indicator_id_is_refused_by_the_form_and_by_the_service(self):
        give_seed_reasons(self.evaluation)
        other = Evaluation.objects.create(unit=self.unit_b, year=2024)
        foreign = Indicator.objects.create(evaluation=other, level1="产出指标", level2="数量指标", name="别人的指标")
        data = self.open("achievements")
        data["indicators-0-id"] = str(foreign.pk)
        response = self.client.post(self.url("achievements"), data)
        self.assertContains(response, str(ROWS_DO_NOT_MATCH), status_code=422)
        self.assertEqual(Indicator.objects.get(pk=foreign.pk).evaluation_id, other.pk)
        self.assertEqual(Indicator.objects.filter(evaluation=self.evaluation).count(), 9)

        from achievements.services import INDICATOR_FIELDS, save_achievements

        themes = [
            {"id": t.pk, "title": t.title, "body": t.body} for t in Theme.objects.filter(evaluation=self.evaluation)
        ]
        rows = [
            {"id": i.pk, **{name: getattr(i, name) for name in INDICATOR_FIELDS}}
            for i in Indicator.objects.filter(evaluation=self.evaluation)
        ]
        rows[0]["id"] = foreign.pk
        with self.assertRaisesMessage(ValidationError, str(ROWS_DO_NOT_MATCH)):
            save_achievements(
                evaluation=self.evaluation, actor=self.wangfang, revision=0, themes=themes, indicators=rows
            )
        self.assertEqual(Indicator.objects.get(pk=foreign.pk).evaluation_id, other.pk)

    def test_a_page_that_still_shows_a_row_deleted_since_says_who_saved_and_when(self):
        data = self.open("project")
        # 李强 deletes the last item from his own copy of the page first.
        self.client.force_login(self.liqiang)
        his = page_data(self.client.get(self.url("project")))
        his["items-9-DELETE"] = "on"
        self.assertEqual(self.client.post(self.url("project"), his).status_code, 302)
        self.client.force_login(self.wangfang)
        data["items-0-amount"] = "1.00"
        response = self.client.post(self.url("project"), data)
        self.assertContains(response, "本栏目已由李强于", status_code=422)
        self.assertEqual(ProjectItem.objects.filter(evaluation=self.evaluation, amount=Decimal("1.00")).count(), 0)


class TemplateAfterEditorSaveTests(SeedTestCase):
    """王芳 downloads the template, then 李强 saves the project and indicator pages in the browser, then 王芳 uploads
    the template she filled in meanwhile: her rows update the same rows, nothing is refused."""

    def test_a_template_downloaded_before_an_editor_save_still_imports(self):
        give_seed_reasons(self.evaluation)
        wb = template_of(self.evaluation)
        item_ids = ids(ProjectItem, self.evaluation)
        indicator_ids = ids(Indicator, self.evaluation)

        self.client.force_login(self.liqiang)
        for section in ("project", "achievements"):
            url = reverse("evaluation_section", args=[self.evaluation.pk, section])
            self.assertEqual(self.client.post(url, page_data(self.client.get(url))).status_code, 302)

        projects = wb[sheets.SHEET_PROJECTS]
        amount = column_index_from_string("E")
        row = row_of(projects, 3, "中小企业发展专项资金")
        projects.cell(row=row, column=amount, value=123456.78)
        indicators = wb[sheets.SHEET_INDICATORS]
        actual = 1 + next(n for n, c in enumerate(sheets.INDICATOR_COLUMNS) if c.key == "actual")
        self.assertEqual(indicators.cell(row=2, column=1).value, indicator_ids[0])
        indicators.cell(row=2, column=actual, value=99)

        plan = import_file(self.evaluation, to_bytes(wb), actor=self.wangfang)
        self.assertEqual({change.action for change in plan.changes} - {"reorder"}, {"update"})
        self.assertEqual(ids(ProjectItem, self.evaluation), item_ids)
        self.assertEqual(ids(Indicator, self.evaluation), indicator_ids)
        self.assertEqual(len([change for change in plan.changes if change.action == "update"]), 2)
        self.assertEqual(ProjectItem.objects.get(name="中小企业发展专项资金").amount, Decimal("123456.78"))
        self.assertEqual(Indicator.objects.get(pk=indicator_ids[0]).actual, 99)
