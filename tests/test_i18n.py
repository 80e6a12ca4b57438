"""The interface in English, Simplified Chinese by default.

Every page's chrome follows the reader's language; the report itself, the workbooks, the stored history and the
e-mails stay Chinese whatever the reader's language. The catalogue has no string left untranslated, and no string
marked in the code is missing from it, so a new string cannot be forgotten silently.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import unittest
from pathlib import Path

from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import SimpleTestCase, override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation.reloader import translation_file_changed

from evaluations import notifications
from evaluations.models import Evaluation
from reports import workflow
from reports.diff import snapshot, translated_label
from reports.excel import sheets
from reports.excel.template import build_template
from reports.report import build_report
from tests.base import SeedTestCase
from tests.reports.workflow_support import TemporaryPublicationsStore, fake_rendering, publishable_evaluation

PO_FILE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
# The same as the Makefile's makemessages call: what is not ours is not scanned.
IGNORED = [".venv", "staticfiles", "media", "test-artifacts/*"]
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdif]|\{\w*\}")


def compile_catalogue_if_stale() -> None:
    """`make test` compiles the catalogue first; a bare pytest run may find no .mo, or one older than the .po."""
    if not PO_FILE.exists():
        raise AssertionError(f"{PO_FILE} is missing: run makemessages -l en and translate it")
    if MO_FILE.exists() and MO_FILE.stat().st_mtime >= PO_FILE.stat().st_mtime:
        return
    call_command("compilemessages", locale=["en"], ignore_patterns=IGNORED, verbosity=0)
    # Django keeps the catalogues it has loaded for the life of the process: forget any loaded before the .mo.
    translation_file_changed(sender=None, file_path=MO_FILE)


class InterfaceLanguageTests(TemporaryPublicationsStore, SeedTestCase):
    """王芳's pages and the public portal, in English and in the default Simplified Chinese."""

    scoreable = True

    @classmethod
    def setUpClass(cls):
        compile_catalogue_if_stale()
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Publication now requires what the outline requires (issue 9): the 2023 report has the least of it.
        cls.published = publishable_evaluation(cls.unit_b, 2023, status=Evaluation.Status.APPROVED)
        with fake_rendering():
            workflow.publish(evaluation=cls.published, actor=cls.admin)

    # page: (its URL, who signs in, words of its chrome in English, the same words in Chinese)
    def pages(self) -> dict[str, tuple[str, object, list[str], list[str]]]:
        pk = self.evaluation.pk
        return {
            "login": (reverse("login"), None, ["Sign in", "Skip to content"], ["登录", "跳到正文"]),
            "start page": (
                reverse("home"),
                self.wangfang,
                ["My work", "Waiting for me to fill in", "Draft", "Preparer", "Sign out"],
                ["我的工作", "待我填报", "草稿", "填报人", "退出"],
            ),
            "overview": (
                reverse("evaluation_detail", args=[pk]),
                self.wangfang,
                ["Approval and publication", "Basic expenditure (10k yuan)", "Submit for approval", "Progress"],
                ["审核与公开", "基本支出（万元）", "提交审核", "填报进度"],
            ),
            "editor section": (
                reverse("evaluation_section", args=[pk, "basic"]),
                self.wangfang,
                [
                    "Routine operating costs",
                    "Final accounts this year (yuan)",
                    "Calculated (10k yuan)",
                    "Back to overview",
                ],
                ["日常公用经费", "本年决算数（元）", "自动计算（万元）", "返回总览"],
            ),
            "portal": (
                reverse("portal"),
                None,
                ["Filter reports", "Staff sign-in", "1 report"],
                ["筛选报告", "工作人员登录", "共1份报告"],
            ),
        }

    def get(self, url: str, user, language: str | None):
        self.client.logout()
        self.client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
        if user is not None:
            self.client.force_login(user)
        if language is not None:
            self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return response.content.decode()

    def test_it_shows_every_page_in_english_when_the_reader_chose_english(self):
        for name, (url, user, english, chinese) in self.pages().items():
            with self.subTest(name):
                html = self.get(url, user, "en")
                self.assertIn('<html lang="en">', html)
                for word in english:
                    self.assertIn(word, html)
                for word in chinese:
                    self.assertNotIn(word, html)

    def test_it_shows_every_page_in_simplified_chinese_by_default(self):
        for name, (url, user, english, chinese) in self.pages().items():
            with self.subTest(name):
                html = self.get(url, user, None)
                self.assertIn('<html lang="zh-CN">', html)
                for word in chinese:
                    self.assertIn(word, html)
                for word in english:
                    self.assertNotIn(word, html)

    def test_an_english_browser_still_gets_chinese_until_the_reader_chooses_english(self):
        self.client.force_login(self.wangfang)
        response = self.client.get(reverse("home"), headers={"accept-language": "en-US,en;q=0.9"})
        self.assertContains(response, "我的工作")
        self.assertNotContains(response, "My work")
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = self.client.get(reverse("home"), headers={"accept-language": "zh-CN"})
        self.assertContains(response, "My work")

    def test_an_unknown_language_cookie_falls_back_to_chinese(self):
        self.client.force_login(self.wangfang)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        self.assertContains(self.client.get(reverse("home")), "我的工作")

    def test_wangfang_switches_to_english_and_back_with_the_language_form(self):
        self.client.force_login(self.wangfang)
        home = reverse("home")
        response = self.client.post(reverse("set_language"), {"language": "en", "next": home}, follow=True)
        self.assertContains(response, "My work")
        response = self.client.post(reverse("set_language"), {"language": "zh-hans", "next": home}, follow=True)
        self.assertContains(response, "我的工作")

    def test_the_report_stays_chinese_inside_the_english_interface(self):
        html = self.get(reverse("evaluation_report", args=[self.evaluation.pk]), self.wangfang, "en")
        self.assertIn("Download PDF", html)
        self.assertNotIn("下载PDF", html)
        body = html[html.index('<article class="report"') :]
        self.assertIn("人员经费", body)
        self.assertNotIn("Personnel costs", body)
        with translation.override("en"):
            report = build_report(self.evaluation)
        self.assertEqual(report.title, "株洲市渌口区科技和工业信息化局2024年度部门整体支出绩效自评报告")

    def test_a_submission_stores_chinese_labels_and_shows_them_in_the_readers_language(self):
        with translation.override("en"):
            entries = snapshot(self.evaluation)
        labels = {entry["key"]: (entry["section"], entry["label"]) for entry in entries}
        self.assertEqual(labels["basic.personnel.amount"], ("基本支出", "人员经费·本年决算数"))
        with translation.override("en"):
            self.assertEqual(translated_label("人员经费·本年决算数"), "Personnel costs·Final accounts this year")
            self.assertEqual(translated_label("科技创新·年度指标值（家）"), "科技创新·Annual target (家)")
            self.assertEqual(translated_label("基本支出"), "Basic expenditure")
        self.assertEqual(translated_label("人员经费·本年决算数"), "人员经费·本年决算数")

    def test_a_workbook_downloaded_in_english_is_the_chinese_national_form(self):
        with translation.override("en"):
            categories = sheets.basic_categories()
            workbook = build_template(self.evaluation)
        self.assertEqual(categories, {"人员经费": "personnel", "日常公用经费": "operating"})
        self.assertIn("数据填报模板", workbook[sheets.SHEET_GUIDE]["A1"].value)

    def test_e_mails_go_out_in_the_sites_language_whoever_sends_them(self):
        with translation.override("en"):
            sent = notifications.submitted(self.evaluation, self.wangfang)
        self.assertEqual(sent, 1)
        self.assertEqual(mail.outbox[0].subject, f"【待审核】{self.evaluation.title}")


class CatalogueTests(SimpleTestCase):
    """locale/en/LC_MESSAGES/django.po: complete, and holding every string the code marks."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not PO_FILE.exists():
            raise unittest.SkipTest(f"No English catalogue at {PO_FILE}: run makemessages -l en to create it")

    def test_every_string_is_translated_with_its_placeholders(self):
        import polib

        catalogue = polib.pofile(str(PO_FILE))
        self.assertFalse(catalogue.metadata_is_fuzzy, "the catalogue's header is marked fuzzy")
        self.assertEqual(catalogue.metadata.get("Language"), "en")
        self.assertEqual([entry.msgid for entry in catalogue.untranslated_entries()], [])
        self.assertEqual([entry.msgid for entry in catalogue.fuzzy_entries()], [])
        for entry in catalogue.translated_entries():
            translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
            for text in translations:
                with self.subTest(entry.msgid):
                    self.assertEqual(sorted(PLACEHOLDER.findall(text)), sorted(PLACEHOLDER.findall(entry.msgid)))

    def test_no_marked_string_is_missing_from_the_catalogue(self):
        import polib

        if shutil.which("xgettext") is None:
            self.skipTest("gettext is not installed: cannot extract the marked strings")
        committed = {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(PO_FILE))}
        # makemessages writes into the tree it scans: extract from a copy so the committed catalogue is untouched.
        with tempfile.TemporaryDirectory(prefix="makemessages-") as directory:
            copy = Path(directory) / "tree"
            shutil.copytree(
                settings.BASE_DIR,
                copy,
                ignore=shutil.ignore_patterns(
                    ".*", "locale", "static", "staticfiles", "media", "test-artifacts", "*.pyc"
                ),
            )
            (copy / "locale").mkdir()
            cwd = Path.cwd()
            try:
                os.chdir(copy)
                with override_settings(LOCALE_PATHS=[copy / "locale"]):
                    call_command("makemessages", locale=["en"], ignore_patterns=IGNORED, verbosity=0)
            finally:
                os.chdir(cwd)
            extracted = polib.pofile(str(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))
        missing = sorted(msgid for context, msgid in {(e.msgctxt, e.msgid) for e in extracted} - committed)
        self.assertEqual(
            missing, [], "marked strings missing from django.po: run makemessages -l en (see README) and translate them"
        )
