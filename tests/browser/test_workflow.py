"""The whole path in real Chromium: 王芳 submits, 李强 returns it with a comment, 王芳 fixes and resubmits, 李强
approves and publishes from the confirmation page, and an anonymous visitor finds the report on the portal and
downloads the PDF. And a submission refused for a missing signature date, fixed through the link to the field."""

from __future__ import annotations

import hashlib
import os
import re
from unittest import mock

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft_demo(transactional_db, settings, tmp_path):
    """The demo with the 2024 report still a draft, and published files in a temporary store."""
    from django.core.management import call_command

    settings.STORAGES = {
        **settings.STORAGES,
        "publications": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    call_command("loaddemo", "--no-publish", stdout=open(os.devnull, "w"))  # noqa: SIM115


def sign_out(page) -> None:
    page.get_by_role("button", name="退出").click()


def open_2024_report(page) -> None:
    page.get_by_role("link", name="2024年度 · 株洲市渌口区科技和工业信息化局").first.click()


def test_a_report_goes_from_draft_to_the_public_portal(page, live_server, draft_demo):
    from evaluations.models import Evaluation, Publication

    evaluation = Evaluation.objects.get(year=2024, unit__name="株洲市渌口区科技和工业信息化局")

    # 王芳 submits her draft.
    sign_in(page, live_server, "wangfang")
    open_2024_report(page)
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_text("报告已提交，等待单位负责人审核。")).to_be_visible()
    sign_out(page)

    # 李强 reviews it and returns it with a comment.
    sign_in(page, live_server, "liqiang")
    page.get_by_role("link", name="审核", exact=True).click()
    page.get_by_label("退回原因").fill("请在存在的问题中写明知识价值信用贷款未完成目标的原因。")
    page.get_by_role("button", name="退回修改").click()
    expect(page.get_by_text("报告已退回")).to_be_visible()
    sign_out(page)

    # 王芳 sees the reason, fixes the text and submits again.
    sign_in(page, live_server, "wangfang")
    expect(page.get_by_text("请在存在的问题中写明知识价值信用贷款未完成目标的原因。")).to_be_visible()
    page.goto(f"{live_server.url}/app/evaluations/{evaluation.pk}/edit/narrative/")
    problems = page.get_by_label("存在的问题及原因分析")
    problems.fill(problems.input_value() + "知识价值信用贷款仅完成全年目标的57%，原因是入库企业融资需求不足。")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_text("已保存")).to_be_visible()
    page.goto(f"{live_server.url}/app/evaluations/{evaluation.pk}/")
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_text("报告已提交，等待单位负责人审核。")).to_be_visible()
    sign_out(page)

    # 李强 sees exactly what changed, approves and publishes.
    sign_in(page, live_server, "liqiang")
    page.get_by_role("link", name="审核", exact=True).click()
    expect(page.get_by_text("改动的文字（1处）")).to_be_visible()
    changes = page.get_by_role("region", name="与上一次提交相比的改动")
    expect(changes.locator("ins", has_text="入库企业融资需求不足")).to_be_visible()
    # …and who made the change, through which path, from the content history.
    edits = page.locator("#content-edits")
    expect(edits.get_by_role("row").filter(has_text="王芳").filter(has_text="编辑页面").first).to_be_visible()
    page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_text("报告已审核通过，可以公开。")).to_be_visible()
    # The stand-in renderer keeps the browser test fast; the real renderer is tested in test_publication and
    # test_publication_confirm.
    pdf = b"%PDF-1.7\n% browser story\n%%EOF\n"
    with (
        mock.patch("reports.rendering.render_report_pdf", return_value=pdf),
        mock.patch("reports.rendering.render_report_body", return_value="<p>基本支出474.50万元</p>"),
        mock.patch("reports.rendering.html_to_first_page_pdf", return_value=pdf) as first_page,
    ):
        # Publishing asks for confirmation: the key figures and the first page of the PDF, then the button.
        page.get_by_role("link", name="公开…").click()
        expect(page.get_by_role("heading", name="主要数字")).to_be_visible()
        figures = page.locator(".key-figures")
        expect(figures).to_contain_text("实际支出合计")
        expect(figures).to_contain_text("1705.74 万元")
        first_page_url = page.locator("object.publish-first-page").get_attribute("data")
        preview = page.request.get(f"{live_server.url}{first_page_url}")
        assert preview.headers["content-type"] == "application/pdf"
        assert first_page.called
        page.get_by_role("button", name="确认公开").click()
    expect(page.get_by_text("报告已公开（第1版）")).to_be_visible()
    sign_out(page)

    # An anonymous visitor finds it and downloads exactly the stored bytes.
    page.goto(f"{live_server.url}/")
    page.get_by_label("单位名称").fill("科技和工业")
    page.get_by_role("button", name="查询").click()
    page.get_by_role("link", name="株洲市渌口区科技和工业信息化局2024年度部门整体支出绩效自评报告", exact=True).click()
    publication = Publication.objects.get()
    expect(page.locator("code.sha256")).to_have_text(hashlib.sha256(pdf).hexdigest())
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载PDF").click()
    downloaded = download_info.value.path().read_bytes()
    assert downloaded == pdf
    assert hashlib.sha256(downloaded).hexdigest() == publication.pdf_sha256


def test_a_refused_submission_links_to_the_field_that_is_missing(page, live_server, draft_demo):
    from evaluations.models import Evaluation

    evaluation = Evaluation.objects.get(year=2024, unit__name="株洲市渌口区科技和工业信息化局")
    Evaluation.objects.filter(pk=evaluation.pk).update(signature_date=None)

    sign_in(page, live_server, "wangfang")
    open_2024_report(page)
    blockers = page.locator(f"#blockers-{evaluation.pk}")
    expect(blockers).to_contain_text("报告尚不能提交，请先补充或更正以下内容：")
    expect(page.get_by_role("button", name="提交审核")).to_be_disabled()
    blockers.get_by_role("link", name="落款日期").click()
    expect(page).to_have_url(re.compile(r"/edit/narrative/#id_narrative-signature_date$"))
    page.locator("#id_narrative-signature_date").fill("2025-05-22")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_text("已保存")).to_be_visible()

    page.goto(f"{live_server.url}/app/evaluations/{evaluation.pk}/")
    expect(page.locator(f"#blockers-{evaluation.pk}")).to_have_count(0)
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_text("报告已提交，等待单位负责人审核。")).to_be_visible()
