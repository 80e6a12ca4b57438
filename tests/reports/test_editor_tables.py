"""王芳 enters her lists (duties, offices, staffing, sources, project items, themes, indicators) as tables: one row
per entry, labels and help texts once in the header, every input still named for a screen reader by its row and
column, errors beside the input and in the summary; and the live figures count every row of the page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import escape

from achievements.forms import DETAIL_FIELDS
from tests.reports.test_editor import EditorTestCase

LISTS = {
    "profile": ["duties", "offices", "staffing"],
    "project": ["sources", "items"],
    "achievements": ["themes", "indicators"],
}


class ListTableTests(EditorTestCase):
    def test_every_input_of_every_list_has_one_cell_and_a_label_naming_its_row_and_column(self):
        self.client.force_login(self.wangfang)
        for section, prefixes in LISTS.items():
            response = self.client.get(self.url(section))
            html = response.content.decode()
            for prefix in prefixes:
                formset = response.context["page"].forms[prefix]
                for n, form in enumerate(formset.forms, start=1):
                    # An indicator with a name is named by it (指标“…”), as its errors are; any other row by number.
                    name = form["name"].value() if prefix == "indicators" else None
                    row = f"指标“{name}”" if name else f"第{n}行"
                    for field in form.visible_fields():
                        with self.subTest(section=section, field=field.html_name):
                            self.assertEqual(html.count(f'id="{field.auto_id}"'), 1)
                            if prefix == "indicators" and field.name in DETAIL_FIELDS:
                                # In the indicator's details row: a visible label, the indicator for a screen reader.
                                hidden = f'<span class="visually-hidden">{row} </span>'
                                label = f'for="{field.auto_id}">{hidden}{field.label}'
                                self.assertEqual(html.count(label), 1)
                                continue
                            # The name's own cell is labelled by the row: the name is what is typed there.
                            named = f"第{n}行" if field.name == "name" else row
                            self.assertIn(
                                f'<label class="visually-hidden" for="{field.auto_id}">{named} {field.label}</label>',
                                html,
                            )

    def test_each_help_text_is_shown_once_and_every_input_of_its_column_points_at_it(self):
        self.client.force_login(self.wangfang)
        for section, prefixes in LISTS.items():
            response = self.client.get(self.url(section))
            html = response.content.decode()
            for prefix in prefixes:
                formset = response.context["page"].forms[prefix]
                for field in formset.empty_form.visible_fields():
                    if not field.help_text:
                        continue
                    if prefix == "indicators" and field.name in DETAIL_FIELDS:
                        # A details row has no column header: each field points at its own help text.
                        for form in [*formset.forms, formset.empty_form]:
                            own = f"{form[field.name].auto_id}_help"
                            self.assertEqual(html.count(f'id="{own}"'), 1)
                            self.assertEqual(html.count(f'aria-describedby="{own}"'), 1)
                        continue
                    with self.subTest(section=section, field=f"{prefix}-{field.name}"):
                        self.assertEqual(html.count(escape(str(field.help_text))), 1)
                        help_id = f"{prefix}-{field.name}-help"
                        self.assertEqual(html.count(f'id="{help_id}"'), 1)
                        # Every row on the page, and the row "添加一行" copies.
                        self.assertEqual(html.count(f'aria-describedby="{help_id}"'), len(formset.forms) + 1)

    def test_without_javascript_there_is_one_blank_row_and_the_copy_for_the_add_button_is_numbered_by_the_script(self):
        self.client.force_login(self.wangfang)
        response = self.client.get(self.url("project"))
        items = response.context["page"].forms["items"]
        self.assertEqual(items.total_form_count(), items.initial_form_count() + 1)
        blank = items.forms[-1]
        self.assertContains(response, f'id="{blank["amount"].auto_id}"')
        self.assertNotContains(response, f'id="{blank["amount"].auto_id}" value')
        self.assertContains(response, 'id="id_items-__prefix__-amount"')
        self.assertContains(response, '<label class="visually-hidden" for="id_items-__prefix__-amount">第__row__行')

    def test_an_error_stays_in_its_cell_and_is_announced_with_the_input(self):
        data = self.open("project")
        data["items-1-amount"] = "12O00"
        response = self.client.post(self.url("project"), data)
        self.assertContains(response, "第2行 决算数（元）", status_code=422)  # in the summary, linked to the input
        self.assertContains(response, 'href="#id_items-1-amount"', status_code=422)
        self.assertContains(
            response,
            '<div class="invalid-feedback d-block" id="id_items-1-amount_error"><div>请填写金额数字（单位：元），'
            "例如 3864449.00。</div></div>",
            status_code=422,
            html=True,
        )
        html = response.content.decode()
        start = html.index('name="items-1-amount"')
        tag = html[html.rindex("<input", 0, start) : html.index(">", start)]
        self.assertIn("is-invalid", tag)
        self.assertIn('aria-describedby="id_items-1-amount_error"', tag)
        self.assertIn('value="12O00"', tag)


class LiveFiguresOfListsTests(EditorTestCase):
    def figures(self, section: str, data: dict[str, str]) -> str:
        url = reverse("evaluation_section_figures", args=[self.evaluation.pk, section])
        response = self.client.post(url, data, headers={"HX-Request": "true"})
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_the_project_figures_count_the_rows_left_as_they_were(self):
        data = self.open("project")
        data["items-0-amount"] = "200000"  # 高分子新材料论坛资金 10.00 → 20.00 万元
        html = self.figures("project", data)
        self.assertIn("1241.24", html)
        self.assertIn("340.44", html)

    def test_the_project_figures_leave_out_a_row_marked_for_deletion_and_take_a_new_one(self):
        data = self.open("project")
        data["items-0-DELETE"] = "on"
        data["items-10-source_id"] = data["items-0-source_id"]
        data["items-10-name"] = "新项目"
        data["items-10-amount"] = "50000"
        html = self.figures("project", data)
        self.assertIn("1226.24", html)  # 1231.24 − 10.00 + 5.00

    def test_the_indicator_figures_list_every_indicator_of_the_page(self):
        data = self.open("achievements")
        data["indicators-0-actual"] = "15"  # 规模工业增加值增速, target 10
        # The seed leaves its two shortfalls unexplained; a row with an error is left out of the preview.
        data["indicators-5-deviation_reason"] = "银行授信审批周期长。"
        data["indicators-7-deviation_reason"] = "财政收支压力大。"
        html = self.figures("achievements", data)
        self.assertEqual(html.count('data-figure="indicator-'), 9)
        self.assertIn("150.00%", html)
