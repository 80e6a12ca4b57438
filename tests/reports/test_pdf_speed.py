"""What makes the PDF faster must not change it: the trimmed user-agent stylesheet, the paused garbage collector, the
font configuration kept per thread (reports.rendering) and the CJK faces cut to GB 2312 (reports.print_fonts; figures
in README.md, "Performance")."""

from __future__ import annotations

import gc
import re
import subprocess
import tempfile
import threading
from pathlib import Path
from unittest import mock

import pytest
from django.test import SimpleTestCase
from weasyprint import HTML

from reports import print_fonts, rendering

pytestmark = pytest.mark.pdf

# Everything the user-agent rules could touch in a report: a title, headings, an indented paragraph with a line
# break, a table with a repeated header and bold rows, and the page-number margin box from the print stylesheet.
SAMPLE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<link rel="stylesheet" href="/static/css/report-print.css"></head><body><article class="report" lang="zh-CN">
<h1 class="report-title"><span>株洲市渌口区测试局</span><span>2024年度部门整体支出绩效自评报告</span></h1>
<h2 class="report-h1">一、基本情况</h2><h3 class="report-h2">（一）职能职责</h3>
<p class="report-p"><strong class="report-h3">1.测试。</strong>第一行文字，12.2 %<br>第二行文字。</p>
<div class="report-table"><table><caption>表1<span class="report-unit-note">单位：万元</span></caption>
<thead><tr><th scope="col" class="w-50">项目</th><th scope="col" class="num">金额</th></tr></thead>
<tbody><tr><td>基本支出</td><td class="num">386.44</td></tr><tr class="row-total"><td>合计</td>
<td class="num">474.50</td></tr></tbody></table></div></article></body></html>"""


def page_images(pdf: bytes) -> list[bytes]:
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "document.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "50", "document.pdf", "page"], cwd=folder, check=True)
        return [path.read_bytes() for path in sorted(Path(folder).glob("page*.png"))]


class TrimmedStylesheetTests(SimpleTestCase):
    def test_it_applies_to_the_weasyprint_we_pin(self):
        # If a WeasyPrint upgrade changes the user-agent stylesheet, rendering falls back to the stock (slower) one;
        # this test says so, so that the rules to drop can be looked at again.
        self.assertIsNot(rendering._report_html_class(), HTML)

    def test_the_pdf_looks_exactly_as_with_the_stock_stylesheet(self):
        fetcher = rendering.static_url_fetcher()
        stock = HTML(string=SAMPLE, base_url=rendering.BASE_URL, url_fetcher=fetcher).write_pdf()
        ours = rendering.html_to_pdf(SAMPLE)
        self.assertEqual(page_images(ours), page_images(stock))


class CollectorPauseTests(SimpleTestCase):
    def setUp(self):
        self.addCleanup(gc.enable)
        gc.enable()

    def test_the_collector_is_back_on_after_a_pdf(self):
        during = []
        with mock.patch.object(rendering, "_render_pdf", side_effect=lambda html: during.append(gc.isenabled())):
            rendering.html_to_pdf("<p>x</p>")
        self.assertEqual(during, [False])
        self.assertTrue(gc.isenabled())

    def test_the_collector_is_back_on_when_rendering_fails(self):
        with (
            mock.patch.object(rendering, "_render_pdf", side_effect=RuntimeError("Pango")),
            self.assertRaises(RuntimeError),
        ):
            rendering.html_to_pdf("<p>x</p>")
        self.assertTrue(gc.isenabled())

    def test_overlapping_renders_resume_the_collector_when_the_last_one_ends(self):
        with rendering._collector_paused():
            with rendering._collector_paused():
                self.assertFalse(gc.isenabled())
            self.assertFalse(gc.isenabled())
        self.assertTrue(gc.isenabled())

    def test_a_collector_switched_off_by_the_caller_stays_off(self):
        gc.disable()
        with rendering._collector_paused():
            pass
        self.assertFalse(gc.isenabled())


class FontConfigurationTests(SimpleTestCase):
    def test_one_per_thread_kept_between_pdfs(self):
        mine = rendering._font_config()
        self.assertIs(rendering._font_config(), mine)
        other = []
        thread = threading.Thread(target=lambda: other.append(rendering._font_config()))
        thread.start()
        thread.join()
        self.assertIsNot(other[0], mine)


def with_stylesheet_inline(html: str, *, cut_faces: bool) -> str:
    """``html`` with the print stylesheet inline, with its @font-face rules (pointing at /static/fonts/), or as before
    the cut: no @font-face and no "Report …" families (the font configuration kept per thread remembers faces)."""
    css = (Path(print_fonts.FOLDER).parent / "css" / "report-print.css").read_text(encoding="utf-8")
    if cut_faces:
        css = css.replace("../fonts/", "/static/fonts/")
    else:
        css = re.sub(r'@font-face \{[^}]*\}\n?|"Report (?:Serif|Sans) SC", ', "", css)
    return html.replace('<link rel="stylesheet" href="/static/css/report-print.css">', f"<style>{css}</style>")


def embedded_faces(pdf: bytes) -> list[str]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        listing = subprocess.run(["pdffonts", file.name], capture_output=True, check=True, text=True).stdout
    return sorted(line.split()[0].split("+", 1)[-1] for line in listing.splitlines()[2:])


class CutFacesTests(SimpleTestCase):
    """The faces of static/fonts/ (``make fonts``) set the same outlines as the system's collections."""

    def setUp(self):
        if print_fonts.missing():
            self.fail("The report fonts are not built: run `make fonts` (manage.py build_report_fonts).")

    def test_the_pdf_looks_exactly_as_with_the_system_collections(self):
        cut = rendering.html_to_pdf(with_stylesheet_inline(SAMPLE, cut_faces=True))
        system = rendering.html_to_pdf(with_stylesheet_inline(SAMPLE, cut_faces=False))
        self.assertEqual(
            embedded_faces(cut), ["AR-PL-KaitiM-GB", "Report-Sans-SC", "Report-Serif-SC", "Report-Serif-SC-Bold"]
        )
        self.assertEqual(
            embedded_faces(system),
            ["AR-PL-KaitiM-GB", "Noto-Sans-CJK-SC", "Noto-Serif-CJK-SC", "Noto-Serif-CJK-SC-Bold"],
        )
        self.assertEqual(page_images(cut), page_images(system))

    def test_a_character_outside_the_cut_is_set_from_the_system_face_of_the_same_design(self):
        # 堃 is in GBK, not in GB 2312.
        self.assertNotIn(ord("堃"), print_fonts.repertoire())
        with self.assertNoLogs("weasyprint", level="WARNING"):
            pdf = rendering.html_to_pdf(SAMPLE.replace("株洲市渌口区测试局", "株洲市渌口区堃测试局"))
        # The title is bold: the fallback is the system's bold face, the rest of the title still the cut one.
        self.assertIn("Noto-Serif-CJK-SC-Bold", embedded_faces(pdf))
        self.assertIn("Report-Serif-SC-Bold", embedded_faces(pdf))

    def test_the_cut_keeps_gb_2312_and_the_symbols_around_it(self):
        points = print_fonts.repertoire()
        for character in "渌株洲绩效评—−％①（）：，。、“”×÷℃":
            with self.subTest(character=character):
                self.assertIn(ord(character), points)
        self.assertGreaterEqual(sum(0x4E00 <= point <= 0x9FFF for point in points), 6763)

    def test_a_kept_font_configuration_adds_each_face_once(self):
        def faces_added() -> int:
            folder = rendering._font_config()._folder
            return len(list(Path(folder).iterdir())) if folder else 0

        rendering.html_to_pdf(SAMPLE)
        added = faces_added()
        rendering.html_to_pdf(SAMPLE)
        self.assertEqual((added, faces_added()), (len(print_fonts.FACES), len(print_fonts.FACES)))
