"""The demo report as a PDF: every paragraph and figure of the seed, embedded fonts, no missing glyph.

Text is extracted with pdftotext (poppler-utils) and compared with all whitespace removed, since a PDF breaks lines
wherever the page does. The seed file itself is read, so the check is against the customer's document, not our copy
of it. Three kinds of seed text are NOT compared word for word, on purpose:

- the title: the report names the unit in full (株洲市渌口区科技和工业信息化局2024年度…), the seed uses its short name;
- heading numbers, and the seed's "（一）2025年工作成效" in a report on 2024: numbers are generated, and consistently;
- the project-spending paragraph: it is generated from the project items, because the seed's wording is wrong
  ("分两部分组成" for three sources, "约" before exact sums, "10万"/"270.50万" beside "万元"). Its figures are
  checked instead, each as the seed prints it or, for amounts, with two decimals.
"""

from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
import tempfile
import unittest
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from evaluations.models import Evaluation
from reports.demo import lukou_2024 as seed
from reports.document import Paragraph, Report, Section, heading_number
from reports.rendering import html_to_pdf, render_document, render_report_html, render_report_pdf
from reports.report import build_report
from tests.base import SeedTestCase

pytestmark = pytest.mark.pdf

SEED_FILE = Path(settings.BASE_DIR).parent / "shared" / "seed" / "lukou-2024-self-evaluation.txt"
# 一、 / 1、 / 1. / （一） / (一) / （2）: the seed's heading numbers, in all its mixed styles.
SEED_NUMBER = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|\d+\s*[、.．]|[（(][一二三四五六七八九十\d]+[)）])\s*")
# Seed lines the report words differently on purpose (see the module docstring).
NOT_VERBATIM = ("区科工信局2024年度", "部门整体支出绩效自评报告", "2025年工作成效", "2024年决算项目支出")
SEED_FIGURES = [
    "474.50",
    "386.44",
    "84.63",
    "17.96%",
    "81.44%",
    "88.06",
    "1.94",
    "2.25%",
    "18.56%",
    "1231.24",
    "330.44",
    "701.39",
    "199.41",
    # every project item, with two decimals
    "10.00",
    "33.77",
    "16.17",
    "270.50",
    "489.40",
    "32.25",
    "50.00",
    "21.04",
    "108.70",
    "12.55",
    "2025年5月22日",
]
PAGE_NUMBER = re.compile(r"\s*—\s*\d+\s*—\s*")


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(pdf: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", file.name, "-"], capture_output=True, check=True).stdout
    # Page numbers sit between the halves of a paragraph that crosses a page.
    return squeeze(PAGE_NUMBER.sub("", text.decode("utf-8")))


def pdf_fonts(pdf: bytes) -> list[list[str]]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        output = subprocess.run(["pdffonts", file.name], capture_output=True, check=True, text=True).stdout
    return [line.split() for line in output.splitlines()[2:] if line.strip()]


def pdf_info(pdf: bytes) -> dict[str, str]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        output = subprocess.run(["pdfinfo", file.name], capture_output=True, check=True, text=True).stdout
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in output.splitlines())}


def structure_roles(pdf: bytes) -> Counter[str]:
    """How many elements of each role (H1, Table, TH…) the PDF's structure tree has, walked down its /K kids."""
    roles: Counter[str] = Counter()
    pending = [PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/StructTreeRoot"]]
    while pending:
        node = pending.pop().get_object()
        if isinstance(node, ArrayObject):
            pending.extend(node)
        elif isinstance(node, DictionaryObject):
            if "/S" in node:
                roles[str(node["/S"]).lstrip("/")] += 1
            if "/K" in node:
                pending.append(node["/K"])
    return roles


def render_collecting_warnings(evaluation: Evaluation) -> tuple[bytes, list[str]]:
    # WeasyPrint reports a missing glyph, a refused resource or a CSS it ignores as a warning.
    logs = []

    class Collect(logging.Handler):
        def emit(self, record):
            logs.append(record.getMessage())

    handler = Collect(level=logging.WARNING)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        return render_report_pdf(evaluation), logs
    finally:
        logger.removeHandler(handler)


@unittest.skipUnless(shutil.which("pdftotext") and shutil.which("pdffonts"), "poppler-utils is not installed")
class DemoPdfTests(SeedTestCase):
    """王芳's report as 李强 approved it, the PDF that is published, rendered once for the whole class."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        Evaluation.objects.filter(pk=cls.evaluation.pk).update(status=Evaluation.Status.APPROVED)
        evaluation = Evaluation.objects.select_related("unit").get(pk=cls.evaluation.pk)
        cls.pdf, cls.logs = render_collecting_warnings(evaluation)
        cls.text = pdf_text(cls.pdf)

    def test_it_is_a_pdf(self):
        self.assertTrue(self.pdf.startswith(b"%PDF-"))

    def test_every_seed_paragraph_appears_as_printed(self):
        if not SEED_FILE.exists():
            self.skipTest(f"{SEED_FILE} is not there")
        checked = 0
        for line in SEED_FILE.read_text(encoding="utf-8").splitlines():
            paragraph = squeeze(SEED_NUMBER.sub("", line))
            if not paragraph or paragraph.startswith(NOT_VERBATIM):
                continue
            with self.subTest(paragraph=paragraph[:30]):
                self.assertIn(paragraph, self.text)
            checked += 1
        # 16 duties, staffing, basic spending, 5 themes, 3 prose sections, 7 headings, the signature's 2 lines …
        self.assertGreaterEqual(checked, 35)

    def test_every_stored_paragraph_appears_verbatim(self):
        stored = [*seed.DUTIES, *(body for _, body in seed.THEMES), seed.PROBLEMS, seed.MEASURES, seed.RESULTS_USE]
        for paragraph in stored:
            with self.subTest(paragraph=paragraph[:30]):
                self.assertIn(squeeze(paragraph), self.text)

    def test_the_generated_paragraphs_match_the_seed_word_for_word(self):
        from .test_report import SEED_BASIC, SEED_STAFFING

        self.assertIn(squeeze(SEED_STAFFING), self.text)
        self.assertIn(squeeze(SEED_BASIC), self.text)

    def test_every_figure_the_seed_prints_appears(self):
        for figure in SEED_FIGURES:
            with self.subTest(figure=figure):
                self.assertIn(figure, self.text)
        self.assertRegex(self.text, r"125\.50?%")

    def test_it_has_the_full_title_and_page_numbers(self):
        self.assertTrue(self.text.startswith("株洲市渌口区科技和工业信息化局2024年度部门整体支出绩效自评报告"))
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(self.pdf)
            file.flush()
            raw = subprocess.run(["pdftotext", file.name, "-"], capture_output=True, check=True, text=True).stdout
        # "— 1 —", centred at the foot of each page (pdftotext may drop the thin spaces).
        numbers = [int(n) for n in re.findall(r"\n—\s?(\d+)\s?—\n", raw)]
        pages = len(PdfReader(io.BytesIO(self.pdf)).pages)
        self.assertEqual(numbers, list(range(1, pages + 1)))

    def test_no_heading_is_stranded_at_the_foot_of_a_page(self):
        report = build_report(Evaluation.objects.select_related("unit").get(pk=self.evaluation.pk))
        self.assertEqual(stranded_headings(self.pdf, {squeeze(entry.heading) for entry in report.toc}), [])

    def test_it_embeds_every_font_and_only_the_faces_it_needs(self):
        fonts = pdf_fonts(self.pdf)
        names = sorted(row[0].split("+", 1)[-1] for row in fonts)
        # The Noto faces cut to GB 2312 (reports.print_fonts): the seed needs no other character.
        self.assertEqual(names, ["AR-PL-KaitiM-GB", "Report-Sans-SC", "Report-Serif-SC", "Report-Serif-SC-Bold"], fonts)
        for row in fonts:
            # name, type…, encoding, emb, sub, uni, object, generation
            self.assertEqual(row[-5:-2], ["yes", "yes", "yes"], row)
            self.assertNotIn("Type 3", " ".join(row))

    def test_no_glyph_is_missing_and_nothing_was_refused(self):
        self.assertEqual(self.logs, [])

    def test_an_approved_report_has_no_watermark(self):
        self.assertNotIn("草稿", self.text)

    @unittest.skipUnless(shutil.which("pdfinfo"), "poppler-utils is not installed")
    def test_it_is_tagged_in_chinese_under_the_reports_title(self):
        info = pdf_info(self.pdf)
        self.assertEqual(info["Tagged"], "yes")
        self.assertEqual(info["Title"], "株洲市渌口区科技和工业信息化局2024年度部门整体支出绩效自评报告")
        catalog = PdfReader(io.BytesIO(self.pdf)).trailer["/Root"]
        self.assertEqual(catalog["/Lang"], "zh-CN")
        # Viewers show the title, not the file name, in their title bar.
        self.assertTrue(catalog["/ViewerPreferences"]["/DisplayDocTitle"])

    def test_its_headings_and_tables_are_in_the_structure_tree(self):
        roles = structure_roles(self.pdf)
        html = render_report_html(Evaluation.objects.select_related("unit").get(pk=self.evaluation.pk))
        # Every heading once, at its level: the title, the 一、 sections, the （一） subsections.
        for level in (1, 2, 3):
            with self.subTest(level=level):
                self.assertEqual(roles[f"H{level}"], html.count(f"<h{level} "), roles)
        # WeasyPrint tags page by page: a table that crosses a page is two Table elements, each with its header.
        self.assertGreaterEqual(roles["Table"], html.count("<table"), roles)
        self.assertGreaterEqual(roles["THead"], html.count("<table"), roles)
        for role in ("Caption", "TR", "TH", "TD"):
            with self.subTest(role=role):
                self.assertGreater(roles[role], 0, roles)


@unittest.skipUnless(shutil.which("pdftotext") and shutil.which("pdffonts"), "poppler-utils is not installed")
class DraftPdfTests(SeedTestCase):
    """王芳's draft, unsigned: a preview with 草稿 on every page and room for the date."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        Evaluation.objects.filter(pk=cls.evaluation.pk).update(signature_date=None)
        cls.pdf, cls.logs = render_collecting_warnings(Evaluation.objects.get(pk=cls.evaluation.pk))

    def test_every_page_carries_the_draft_watermark(self):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(self.pdf)
            file.flush()
            raw = subprocess.run(["pdftotext", file.name, "-"], capture_output=True, check=True, text=True).stdout
        pages = raw.split("\f")[:-1]
        self.assertEqual(len(pages), len(PdfReader(io.BytesIO(self.pdf)).pages))
        # Set apart and turned, the two characters come out of the text layer one by one.
        self.assertTrue(all("草" in page and "稿" in page for page in pages))

    def test_the_watermark_needs_no_other_font_and_nothing_was_refused(self):
        names = sorted(row[0].split("+", 1)[-1] for row in pdf_fonts(self.pdf))
        self.assertEqual(names, ["AR-PL-KaitiM-GB", "Report-Sans-SC", "Report-Serif-SC", "Report-Serif-SC-Bold"])
        self.assertEqual(self.logs, [])


def stranded_headings(pdf: bytes, headings: set[str]) -> list[tuple[int, str]]:
    """Pages whose last line of text (page number aside) is a heading."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        raw = subprocess.run(["pdftotext", file.name, "-"], capture_output=True, check=True, text=True).stdout
    stranded = []
    for number, page in enumerate(raw.split("\f")[:-1], start=1):
        lines = [squeeze(line) for line in page.splitlines() if squeeze(line) and not PAGE_NUMBER.fullmatch(line)]
        if lines and lines[-1] in headings:
            stranded.append((number, lines[-1]))
    return stranded


@unittest.skipUnless(shutil.which("pdftotext"), "poppler-utils is not installed")
class HeadingPlacementTests(SeedTestCase):
    def test_a_heading_is_never_the_last_line_of_a_page(self):
        # Sections whose paragraphs grow by one line each, so that over a few pages a heading falls on every line
        # of the page, the last one included, unless the stylesheet keeps it with its text.
        sections = []
        for n in range(1, 25):
            sub = Section(level=2, number=heading_number(2, 1), title=f"小节{n}", anchor=f"s{n}-1")
            sub.blocks.append(Paragraph("字" * (28 * (n % 7 + 1) - 4)))
            sections.append(
                Section(level=1, number=heading_number(1, n), title=f"标题{n}", anchor=f"s{n}", subsections=[sub])
            )
        report = Report(
            title="测试",
            unit_name="测试单位",
            year=2024,
            sections=sections,
            signature_name="测试单位",
            signature_date="",
        )
        headings = {squeeze(entry.heading) for entry in report.toc}
        self.assertEqual(stranded_headings(html_to_pdf(render_document(report)), headings), [])


class PrintDocumentTests(SeedTestCase):
    def test_it_is_chinese_and_uses_only_the_print_stylesheet(self):
        html = render_report_html(Evaluation.objects.get(pk=self.evaluation.pk))
        self.assertIn('<html lang="zh-CN">', html)
        self.assertIn('<meta charset="utf-8">', html)
        self.assertIn("/static/css/report-print.css", html)
        self.assertNotIn("bootstrap", html.lower())
