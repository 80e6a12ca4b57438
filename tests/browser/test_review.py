"""In real Chromium, with the keyboard: 陈静 of the finance bureau opens the published 2024 report of 区科工信局,
scored 91.51 (优) under the Hunan scheme, lowers two lines through their labels (在职人员控制率 5 → 4 with a comment,
重点支出安排率 4 → 3), saves, sees the review total 91.51 − 2 = 89.51 良 and the difference −2.00, releases after the
confirmation, and 王芳 finds the review on her report's page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_bureau_records_and_releases_a_review_the_unit_then_reads(page, live_server, demo):
    from evaluations.models import Evaluation

    evaluation = Evaluation.objects.get(year=2024, unit__name="株洲市渌口区科技和工业信息化局")

    sign_in(page, live_server, "chenjing")
    page.goto(f"{live_server.url}/app/evaluations/{evaluation.pk}/")
    page.get_by_role("link", name="复核", exact=True).click()
    expect(page.locator("#own-total")).to_have_text("91.51（优）")

    page.get_by_label("在职人员控制率", exact=True).focus()
    page.keyboard.type("4")
    page.keyboard.press("Tab")
    page.keyboard.type("编制外聘用人员未计入在职人数。")
    page.get_by_label("重点支出安排率", exact=True).fill("3")
    page.get_by_label("总体复核意见").fill("请核实在职人数和重点项目支出。")
    page.get_by_role("button", name="保存复核得分").press("Enter")
    expect(page.get_by_text("复核得分已保存。")).to_be_visible()
    expect(page.locator("#review-total")).to_have_text("89.51（良）")
    expect(page.locator("#total-difference")).to_have_text("−2.00")

    page.get_by_role("link", name="发布复核结果…").click()
    page.get_by_role("button", name="确认发布").click()
    expect(page.get_by_text("复核结果已发布，单位可以查看。")).to_be_visible()
    page.get_by_role("button", name="退出").click()

    sign_in(page, live_server, "wangfang")
    page.goto(f"{live_server.url}/app/evaluations/{evaluation.pk}/")
    review = page.get_by_role("region", name="财政复核")
    expect(review).to_contain_text("复核得分：89.51分，等级：良")
    expect(review).to_contain_text("编制外聘用人员未计入在职人数。")
    expect(review).to_contain_text("请核实在职人数和重点项目支出。")
