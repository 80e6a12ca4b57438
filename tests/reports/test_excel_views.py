"""The Excel pages: who may download, upload and confirm, and what each page says."""

from __future__ import annotations

import io
from decimal import Decimal
from urllib.parse import quote

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from budgets.models import BasicSpending
from evaluations.models import Evaluation
from reports.excel.importer import OLE2_SIGNATURE
from tests.base import SeedTestCase
from tests.reports.test_excel_import import give_seed_reasons, snapshot, template_of, to_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload_of(content: bytes, name: str = "模板.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX)


class DownloadTests(SeedTestCase):
    def test_wangfang_downloads_the_template_and_the_export(self):
        self.client.force_login(self.wangfang)
        for name, filename in (
            ("evaluation_excel_template", "区科工信局2024年度绩效自评填报模板.xlsx"),
            ("evaluation_excel_export", "区科工信局2024年度绩效自评.xlsx"),
        ):
            response = self.client.get(reverse(name, args=[self.evaluation.pk]))
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response["Content-Type"], XLSX)
            self.assertEqual(response["Content-Disposition"], f"attachment; filename*=utf-8''{quote(filename)}")
            self.assertEqual(response["Cache-Control"], "private, no-store")
            load_workbook(io.BytesIO(response.content))

    def test_zhaomin_of_another_unit_gets_404(self):
        self.client.force_login(self.zhaomin)
        for name in ("evaluation_excel_template", "evaluation_excel_export", "evaluation_excel_upload"):
            self.assertEqual(self.client.get(reverse(name, args=[self.evaluation.pk])).status_code, 404)

    def test_chenjing_of_the_bureau_exports_a_submitted_evaluation_but_may_not_upload(self):
        self.set_status(Evaluation.Status.SUBMITTED)
        self.client.force_login(self.chenjing)
        self.assertEqual(
            self.client.get(reverse("evaluation_excel_export", args=[self.evaluation.pk])).status_code, 200
        )
        self.set_status(Evaluation.Status.RETURNED)
        self.assertEqual(
            self.client.get(reverse("evaluation_excel_upload", args=[self.evaluation.pk])).status_code, 403
        )

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        response = self.client.get(reverse("evaluation_excel_export", args=[self.evaluation.pk]))
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])

    def test_the_panel_offers_upload_only_while_the_evaluation_is_editable(self):
        self.client.force_login(self.wangfang)
        detail = reverse("evaluation_detail", args=[self.evaluation.pk])
        upload = reverse("evaluation_excel_upload", args=[self.evaluation.pk])
        response = self.client.get(detail)
        self.assertContains(response, reverse("evaluation_excel_template", args=[self.evaluation.pk]))
        self.assertContains(response, reverse("evaluation_excel_export", args=[self.evaluation.pk]))
        self.assertContains(response, upload)
        self.set_status(Evaluation.Status.SUBMITTED)
        response = self.client.get(detail)
        self.assertNotContains(response, upload)
        self.assertContains(response, reverse("evaluation_excel_export", args=[self.evaluation.pk]))


class UploadTests(SeedTestCase):
    def setUp(self):
        give_seed_reasons(self.evaluation)
        self.client.force_login(self.wangfang)
        self.upload_url = reverse("evaluation_excel_upload", args=[self.evaluation.pk])
        self.confirm_url = reverse("evaluation_excel_confirm", args=[self.evaluation.pk])

    def edited(self) -> bytes:
        wb = template_of(self.evaluation)
        wb["基本支出"]["B2"] = 3900000
        return to_bytes(wb)

    def personnel(self) -> Decimal:
        return BasicSpending.objects.get(evaluation=self.evaluation, category="personnel").amount

    def test_the_form_shows_a_file_field_and_the_template_link(self):
        response = self.client.get(self.upload_url)
        self.assertContains(response, 'type="file"')
        self.assertContains(response, 'enctype="multipart/form-data"')
        self.assertContains(response, "上传并预览")

    def test_wangfang_previews_then_confirms_and_the_figures_change(self):
        response = self.client.post(self.upload_url, {"file": upload_of(self.edited())})
        self.assertContains(response, "导入预览")
        self.assertContains(response, "3864449.00")
        self.assertContains(response, "3900000.00")
        self.assertEqual(self.personnel(), Decimal("3864449.00"))  # the preview writes nothing
        token = response.context["token"]
        response = self.client.post(self.confirm_url, {"token": token}, follow=True)
        self.assertEqual(response.redirect_chain, [(reverse("evaluation_detail", args=[self.evaluation.pk]), 302)])
        self.assertEqual(self.personnel(), Decimal("3900000.00"))
        self.assertContains(response, "新增0行，修改1行，删除0行")
        self.assertContains(response, "478.06")  # 390.00 + 88.06万元

    def test_a_second_confirm_with_the_same_token_writes_nothing_more(self):
        response = self.client.post(self.upload_url, {"file": upload_of(self.edited())})
        token = response.context["token"]
        self.client.post(self.confirm_url, {"token": token})
        BasicSpending.objects.filter(evaluation=self.evaluation, category="personnel").update(amount=1)
        response = self.client.post(self.confirm_url, {"token": token}, follow=True)
        self.assertContains(response, "没有待确认的导入")
        self.assertEqual(self.personnel(), Decimal("1.00"))

    def test_a_wrong_token_is_refused(self):
        self.client.post(self.upload_url, {"file": upload_of(self.edited())})
        response = self.client.post(self.confirm_url, {"token": "guessed"}, follow=True)
        self.assertContains(response, "没有待确认的导入")
        self.assertEqual(self.personnel(), Decimal("3864449.00"))

    def test_cancel_writes_nothing(self):
        response = self.client.post(self.upload_url, {"file": upload_of(self.edited())})
        response = self.client.post(self.confirm_url, {"token": response.context["token"], "cancel": "1"}, follow=True)
        self.assertContains(response, "已取消导入")
        self.assertEqual(self.personnel(), Decimal("3864449.00"))

    def test_an_unchanged_workbook_says_so_and_offers_no_confirm(self):
        response = self.client.post(self.upload_url, {"file": upload_of(to_bytes(template_of(self.evaluation)))})
        self.assertContains(response, "没有需要导入的修改")
        self.assertNotContains(response, "确认导入")

    def test_problems_are_listed_with_sheet_row_and_column(self):
        wb = template_of(self.evaluation)
        wb["基本支出"]["B2"] = "12.345"
        wb["项目支出"]["E3"] = "-1"
        response = self.client.post(self.upload_url, {"file": upload_of(to_bytes(wb))})
        self.assertContains(response, "工作簿有 2 处问题，未写入任何数据")
        rows = [[p.sheet, str(p.row), f"{p.column}（{p.header}）", p.message] for p in response.context["problems"]]
        self.assertEqual(
            rows,
            [
                ["基本支出", "2", "B（本年决算数（元））", "金额最多保留两位小数（到分）。"],
                ["项目支出", "3", "E（决算数（元））", "金额不能为负数。"],
            ],
        )
        self.assertContains(response, "B（本年决算数（元））")
        self.assertNotIn(f"excel_import:{self.evaluation.pk}", self.client.session)

    def test_an_xls_file_is_rejected_next_to_the_field(self):
        response = self.client.post(self.upload_url, {"file": upload_of(OLE2_SIGNATURE + b"\0" * 100, "旧.xls")})
        self.assertContains(response, "这是旧版 Excel（.xls）文件")
        self.assertContains(response, "is-invalid")

    def test_a_submitted_evaluation_offers_no_form_and_a_post_writes_nothing(self):
        content = self.edited()
        self.set_status(Evaluation.Status.SUBMITTED)
        response = self.client.get(self.upload_url)
        self.assertContains(response, "不能导入")
        self.assertNotContains(response, 'type="file"')
        before = snapshot(self.evaluation)
        response = self.client.post(self.upload_url, {"file": upload_of(content)})
        self.assertEqual(response.status_code, 409)
        self.assertEqual(snapshot(self.evaluation), before)

    def test_a_confirm_after_submission_writes_nothing(self):
        response = self.client.post(self.upload_url, {"file": upload_of(self.edited())})
        self.set_status(Evaluation.Status.SUBMITTED)
        response = self.client.post(self.confirm_url, {"token": response.context["token"]}, follow=True)
        self.assertContains(response, "该绩效自评已提交、已审核或已公开，不能修改")
        self.assertEqual(self.personnel(), Decimal("3864449.00"))

    def test_the_preview_is_tied_to_the_person_who_uploaded(self):
        response = self.client.post(self.upload_url, {"file": upload_of(self.edited())})
        token = response.context["token"]
        self.client.force_login(self.liqiang)  # a new session: the pending import stays with 王芳's
        response = self.client.post(self.confirm_url, {"token": token}, follow=True)
        self.assertContains(response, "没有待确认的导入")
        self.assertEqual(self.personnel(), Decimal("3864449.00"))

    def test_get_is_not_allowed_on_confirm(self):
        self.assertEqual(self.client.get(self.confirm_url).status_code, 405)
