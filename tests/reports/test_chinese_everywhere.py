"""Chinese everywhere, whatever the browser's language: every page a member of staff reaches in the demo, and the
Django admin, shown to a browser that asks for English, has no English word outside the people's own data; the
browser's own checks (in the browser's language) never speak for the site; dates are written year first."""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from django.conf import settings
from django.core.management import call_command
from django.db import models
from django.test import TestCase
from django.urls import reverse
from django.utils.translation.reloader import translation_file_changed

from evaluations.models import Evaluation
from reports import workflow

# Proper nouns and terms that stay as they are in a Chinese interface.
ALLOWED = {
    "PDF", "Excel", "SHA", "htmx", "Django", "ID", "HTML", "JSON", "CSV", "XLSX", "xlsx", "pdf", "URL",
    "WCAG", "zip", "PageDown", "PageUp", "Enter", "Esc", "Tab", "Ctrl",
    # Key and system names inside Django's own Chinese sentences ("按住 Control 键或 Mac 上的 Command 键…", "…LDAP").
    "Control", "Command", "Mac", "LDAP",
}  # fmt: skip
# Left out before looking: addresses, e-mail addresses, fingerprints (hex), file names, the demo's usernames.
NOT_WORDS = re.compile(
    r"https?://\S+|[\w.+-]+@[\w.-]+|\b[0-9a-f]{16,}\b|[\w-]+\.(?:pdf|xlsx|json|csv)\b|"
    r"[\w+/]+\*{3,}|"  # a password hash's parts as the admin masks them: "adb**********"
    r"\b(?:wangfang|liqiang|zhaomin|chenjing|zhouwei|sunli|admin)\b|__row__|__prefix__"
)
WORD = re.compile(r"[A-Za-z]{3,}")
# Visible text, and the attributes a person reads or hears (a placeholder, a tooltip, an accessible name).
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)
READ_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt"}
SKIPPED_ELEMENTS = {"script", "style"}


class VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_ELEMENTS:
            self._skipping += 1
        values = dict(attrs)
        if tag == "img" and "/admin/img/icon-" in (values.get("src") or ""):
            # The admin's yes/no icons: Django writes alt="True"/"False" in every language
            # (django.contrib.admin.utils._boolean_icon), and the site leaves Django's code as it is.
            return
        self.parts.extend(value for name, value in attrs if name in READ_ATTRIBUTES and value)
        if tag == "input" and values.get("type") in {"submit", "button"} and values.get("value"):
            self.parts.append(values["value"])
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_ELEMENTS and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def english_words(html: str, user_data: set[str]) -> tuple[set[str], list[str]]:
    parser = VisibleText()
    parser.feed(html)
    text = NOT_WORDS.sub(" ", "\n".join(parser.parts))
    words = {word for word in WORD.findall(text) if word not in ALLOWED and word not in user_data}
    return words, parser.links


# The admin is read by its index, each app's index, each list, each add page and each row's change page; not its
# filtered, sorted or paged lists (the same words again), nor pages that delete or show a row's history.
ADMIN_PAGE = re.compile(r"/admin/(?:\w+/(?:\w+/(?:add/|\d+/change/)?)?)?")
MAX_PAGES = 1500
# What the demo offers each of them at least (a crawl that reads fewer has lost its way).
# (The demo today: wangfang 14, liqiang 15, chenjing 35, admin 152.)
LEAST_PAGES = {"wangfang": 12, "liqiang": 12, "chenjing": 30, "admin": 120}


def is_page(url: str, years: set[int]) -> bool:
    parts = urlsplit(url)
    by_year = re.match(r"/app/(?:summary|campaigns)/(\d{4})/", parts.path)
    if by_year and int(by_year[1]) not in years:
        return False
    if parts.netloc:
        return False
    if parts.path.startswith("/admin/"):
        return not parts.query and ADMIN_PAGE.fullmatch(parts.path) is not None
    # Downloads (PDF, spreadsheets) are not pages to read here.
    return parts.path.startswith("/app/") and not re.search(
        r"/(pdf|download|excel|export|logout|delete|history)/?|\.(pdf|xlsx|zip)$", parts.path
    )


ZH_PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def compile_chinese_catalogue_if_stale() -> None:
    """The site's few translations of Django's own admin strings (`make messages` compiles them; a bare pytest run
    may find no .mo, or one older than the .po)."""
    mo = ZH_PO.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= ZH_PO.stat().st_mtime:
        return
    call_command("compilemessages", locale=["zh_Hans"], ignore_patterns=[".venv"], verbosity=0)
    # Django keeps the catalogues it has loaded for the life of the process: forget any loaded before the .mo.
    translation_file_changed(sender=None, file_path=mo)


class ChineseEverywhereTests(TestCase):
    @classmethod
    def setUpClass(cls):
        compile_chinese_catalogue_if_stale()
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        with open(os.devnull, "w") as quiet:
            call_command("loaddemo", stdout=quiet)
        cls.evaluation = Evaluation.objects.get(year=2024, unit__name="株洲市渌口区科技和工业信息化局")

    def user_data(self) -> set[str]:
        """English words that are data, not the interface: every text stored in the database (what people typed,
        the seed's data, codes, the built-in outlines' and schemes' definitions), except what Django generates for
        its own tables (permission names, content types, sessions, the admin's log)."""
        from django.apps import apps

        generated = {"auth.permission", "contenttypes.contenttype", "sessions.session", "admin.logentry"}
        words: set[str] = set()
        for model in apps.get_models():
            if model._meta.label_lower in generated:
                continue
            texts = [f.name for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)]
            for row in model.objects.values_list(*texts) if texts else ():
                # JSON as the admin shows it (true, null), a Python value as it is.
                text = " ".join(
                    json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else str(v) for v in row
                )
                words.update(WORD.findall(text))
        return words

    def crawl(self, username: str, start: list[str], least: int) -> dict[str, set[str]]:
        """Every page reachable from ``start`` by links (GET only), read as an English browser would: the English
        words found, by page. Checks that the crawl read at least ``least`` pages and ran out of links."""
        from django.contrib.auth import get_user_model

        self.client.force_login(get_user_model().objects.get(username=username))
        user_data = self.user_data()
        # The bureau's pages by year link to the year before and after, without end: the years around the data.
        years = {year + step for year in Evaluation.objects.values_list("year", flat=True) for step in (-1, 0, 1)}
        seen, queue, found, read = set(), list(start), {}, 0
        while queue and len(seen) < MAX_PAGES:
            url = urldefrag(queue.pop(0))[0]
            if url in seen:
                continue
            seen.add(url)
            response = self.client.get(url, HTTP_ACCEPT_LANGUAGE="en")
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            read += 1
            words, links = english_words(response.content.decode(), user_data)
            if words:
                found[url] = words
            queue.extend(link for link in links if is_page(link, years) and urldefrag(link)[0] not in seen)
        self.assertEqual(queue, [], "the crawl stopped before reading every page")
        self.assertGreaterEqual(read, least)
        return found

    def test_every_page_of_the_preparer_the_head_and_the_bureau_is_chinese_for_an_english_browser(self):
        for username in ["wangfang", "liqiang", "chenjing"]:
            with self.subTest(username=username):
                found = self.crawl(username, [reverse("home")], least=LEAST_PAGES[username])
                self.assertEqual(found, {})

    def test_the_admin_is_chinese_for_an_english_browser(self):
        found = self.crawl("admin", [reverse("home"), reverse("admin:index")], least=LEAST_PAGES["admin"])
        self.assertEqual(found, {})


class BrowserChecksTests(TestCase):
    """The browser's own messages come in the browser's language ("Please fill out this field."): the forms that ask
    for a reason leave the check to the server, which answers in Chinese."""

    @classmethod
    def setUpTestData(cls):
        from tests.base import BaseTestCase

        BaseTestCase.setUpTestData.__func__(cls)
        from tests.base import build_seed_evaluation

        cls.evaluation = build_seed_evaluation(cls.unit_a)

    def test_liqiang_returning_without_a_reason_is_told_in_chinese_by_the_server(self):
        from tests.base import make_scoreable

        make_scoreable(self.evaluation)
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        self.client.force_login(self.liqiang)
        review = self.client.get(reverse("workflow_review", args=[self.evaluation.pk]), HTTP_ACCEPT_LANGUAGE="en")
        action = reverse("workflow_return", args=[self.evaluation.pk])
        self.assertContains(review, f'<form method="post" novalidate action="{action}"')
        response = self.client.post(action, {"comment": ""}, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "请填写退回原因。", status_code=422)

    def test_dates_are_typed_year_first_in_a_text_input(self):
        self.client.force_login(self.wangfang)
        page = self.client.get(reverse("evaluation_section", args=[self.evaluation.pk, "narrative"]))
        self.assertContains(page, 'placeholder="年-月-日，如 2024-12-31"')
        self.assertNotContains(page, 'type="date"')
        self.assertContains(page, 'name="narrative-signature_date"')


class PermissionLabelTests(TestCase):
    def test_a_permission_is_named_by_its_model_and_action_in_the_sites_language(self):
        from django.contrib.auth.models import Permission

        from evaluations.admin import permission_label

        history = Permission.objects.get(codename="add_historicalindicator")
        self.assertEqual(history.name, "Can add historical 绩效指标")  # as Django stores it
        self.assertEqual(permission_label(history), "绩效成效 | 绩效指标的修改记录 | 可增加")
        view_unit = Permission.objects.get(codename="view_unit")
        self.assertEqual(permission_label(view_unit), "绩效自评 | 预算单位 | 可查看")
