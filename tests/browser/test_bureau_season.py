"""The finance bureau's season in real Chromium, on the demo: 陈静 opens the 2024 self-evaluation with a deadline of
31 May 2025 for every unit; 区科工信局 has published its report, 区农业农村局 has not submitted by the deadline and
gets the overdue reminder (the cron command, run for 2 June); 陈静 sees it flagged 逾期, filters the 汇总表 to the
published reports, exports the table and the zip of published PDFs, and records a review score for 区科工信局.

The bureau's pages read one clock (``reports.views.campaigns._today``); the story moves it as the season goes on,
in the test process the live server runs in."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from unittest import mock

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OPENED = datetime.date(2025, 1, 6)
OVERDUE = datetime.date(2025, 6, 2)


def test_the_bureau_opens_the_year_reminds_the_late_unit_summarises_exports_and_reviews(page, live_server, demo):
    from django.core import mail
    from django.core.management import call_command

    from evaluations.models import Evaluation, Reminder

    today = {"date": OPENED}
    with mock.patch("reports.views.campaigns._today", lambda: today["date"]):
        sign_in(page, live_server, "chenjing")
        page.goto(f"{live_server.url}/app/campaigns/")
        page.get_by_role("link", name="发起年度绩效自评工作").click()
        page.get_by_label("年度").fill("2024")
        page.get_by_label("截止日期").fill("2025-05-31")
        page.get_by_label("全部预算单位").check()
        page.get_by_role("button", name="发起").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("2024")

        # The cron line runs on 2 June: the unit that has not submitted is reminded once, the published one is not.
        call_command("send_reminders", today=OVERDUE.isoformat(), stdout=io.StringIO())
        sent = [(reminder.unit.name, reminder.step) for reminder in Reminder.objects.select_related("unit")]
        assert sent == [("株洲市渌口区农业农村局", Reminder.Step.OVERDUE)]
        assert "【已逾期】株洲市渌口区农业农村局2024年度绩效自评尚未提交" in [
            message.subject for message in mail.outbox
        ]
        call_command("send_reminders", today=OVERDUE.isoformat(), stdout=io.StringIO())
        assert Reminder.objects.count() == 1

        today["date"] = OVERDUE
        page.reload()
        late_row = page.get_by_role("row", name="株洲市渌口区农业农村局")
        expect(late_row).to_contain_text("逾期")
        # When the overdue reminder went out.
        expect(late_row).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}"))
        published_row = page.get_by_role("row", name="株洲市渌口区科技和工业信息化局")
        expect(published_row).to_contain_text("已公开")
        expect(published_row).not_to_contain_text("逾期")

    # The 汇总表 of 2024, filtered to the published reports.
    page.goto(f"{live_server.url}/app/summary/2024/")
    page.get_by_label("状态").select_option(label="已公开")
    page.get_by_role("button", name="筛选").click()
    table = page.locator("table").filter(has_text="预算单位")
    expect(table.get_by_role("row")).to_have_count(2)
    expect(table).to_contain_text("株洲市渌口区科技和工业信息化局")
    expect(table).to_contain_text("91.51")
    expect(table).not_to_contain_text("株洲市渌口区农业农村局")

    with page.expect_download() as table_download:
        page.get_by_role("link", name="导出汇总表（Excel）").click()
    workbook = load_workbook(io.BytesIO(table_download.value.path().read_bytes()), read_only=True)
    rows = [row for row in workbook.active.iter_rows(values_only=True) if row and any(row)]
    assert any("株洲市渌口区科技和工业信息化局" in row for row in rows)
    assert not any("株洲市渌口区农业农村局" in row for row in rows)

    with page.expect_download() as zip_download:
        page.get_by_role("link", name="下载已公开报告（zip）").click()
    with zipfile.ZipFile(zip_download.value.path()) as archive:
        names = archive.namelist()
        assert len(names) == 1 and names[0].startswith("株洲市渌口区科技和工业信息化局-2024")
        assert archive.read(names[0]).startswith(b"%PDF")

    # The review: 在职人员控制率 lowered by one point, saved; the total follows, 91.51 − 1 = 90.51, still 优.
    published = Evaluation.objects.get(year=2024, unit__name="株洲市渌口区科技和工业信息化局")
    page.goto(f"{live_server.url}/app/evaluations/{published.pk}/bureau-review/")
    page.get_by_label("在职人员控制率", exact=True).fill("4")
    page.get_by_role("button", name="保存复核得分").click()
    expect(page.get_by_text("复核得分已保存。")).to_be_visible()
    expect(page.locator("#review-total")).to_have_text("90.51（优）")
    expect(page.locator("#total-difference")).to_have_text("−1.00")
