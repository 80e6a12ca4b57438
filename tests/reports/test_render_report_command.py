"""`manage.py render_report`: any evaluation to a file, found by unit ID or code and year."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.base import SeedTestCase


class RenderReportCommandTests(SeedTestCase):
    def run_command(self, *args: str) -> str:
        out = io.StringIO()
        call_command("render_report", *args, stdout=out)
        return out.getvalue()

    def test_it_writes_the_html_document_by_unit_code(self):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "report.html"
            self.run_command("--unit", "LK-KGXJ", "--year", "2024", "--format", "html", "-o", str(path))
            html = path.read_text(encoding="utf-8")
        self.assertIn('<html lang="zh-CN">', html)
        self.assertIn("人员支出比率81.44%", html)

    def test_it_prints_html_to_standard_output(self):
        output = self.run_command("--unit", str(self.unit_a.pk), "--year", "2024", "--format", "html", "-o", "-")
        self.assertIn("2024年度部门整体支出绩效自评报告", output)

    @pytest.mark.pdf
    def test_it_writes_a_pdf_by_unit_id(self):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "report.pdf"
            self.run_command("--unit", str(self.unit_a.pk), "--year", "2024", "-o", str(path))
            self.assertTrue(path.read_bytes().startswith(b"%PDF-"))

    def test_it_says_which_report_it_could_not_find(self):
        with self.assertRaisesMessage(CommandError, "找不到单位“LK-NYNCJ”2023年度的绩效自评"):
            self.run_command("--unit", "LK-NYNCJ", "--year", "2023", "-o", "-")

    def test_it_refuses_a_pdf_on_standard_output(self):
        with self.assertRaisesMessage(CommandError, "PDF 不能输出到标准输出"):
            self.run_command("--unit", "LK-KGXJ", "--year", "2024", "-o", "-")
