"""Render any evaluation's report to a file: `render_report --unit LK-KGXJ --year 2024 --format pdf -o r.pdf`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from evaluations.models import Evaluation
from reports.rendering import render_report_html, render_report_pdf


class Command(BaseCommand):
    help = "把一份绩效自评报告输出为 PDF 或 HTML 文件。"

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="单位 ID 或单位编码")
        parser.add_argument("--year", required=True, type=int, help="年度，例如 2024")
        parser.add_argument("--format", choices=["pdf", "html"], default="pdf", help="输出格式（默认 pdf）")
        parser.add_argument("-o", "--output", required=True, help="输出文件路径；“-”表示标准输出（仅限 html）")

    def handle(self, *args, unit: str, year: int, format: str, output: str, **options):
        evaluation = self._find(unit, year)
        if format == "html":
            content = render_report_html(evaluation).encode("utf-8")
        else:
            if output == "-":
                raise CommandError("PDF 不能输出到标准输出，请用 -o 指定文件。")
            content = render_report_pdf(evaluation)
        if output == "-":
            self.stdout.write(content.decode("utf-8"), ending="")
            return
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"目录不存在：{path.parent}")
        path.write_bytes(content)
        self.stdout.write(f"已输出：{path}（{len(content)} 字节）")

    @staticmethod
    def _find(unit: str, year: int) -> Evaluation:
        match = Q(unit__code=unit)
        if unit.isdigit():
            match |= Q(unit_id=int(unit))
        evaluations = list(Evaluation.objects.select_related("unit").filter(match, year=year)[:2])
        if not evaluations:
            raise CommandError(f"找不到单位“{unit}”{year}年度的绩效自评。")
        if len(evaluations) > 1:
            raise CommandError(f"“{unit}”同时匹配单位 ID 和单位编码，请改用另一种写法。")
        return evaluations[0]
