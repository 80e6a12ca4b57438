"""In real Chromium, with the keyboard: 陈静 of the finance bureau opens the published 2024 report of 区科工信局,
whose self-score is incomplete (the demo's indicators carry no 分值, so no total: blank is not zero), scores the four
lines of the national scheme through their labels, saves, sees the review total 8 + 45 + 28 + 9 = 90.00 优, releases
after the confirmation, and 王芳 finds the review on her report's page."""

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
    expect(page.locator("#own-total")).to_have_text("—")

    page.get_by_label("预算执行率", exact=True).focus()
    page.keyboard.type("8")
    page.keyboard.press("Tab")
    page.keyboard.type("执行率依据不足。")
    page.keyboard.press("Tab")
    page.keyboard.type("45")
    for label, score in (("效益指标", "28"), ("满意度指标", "9")):
        page.get_by_label(label, exact=True).fill(score)
    page.get_by_label("总体复核意见").fill("请补充绩效指标的分值。")
    page.get_by_role("button", name="保存复核得分").press("Enter")
    expect(page.get_by_text("复核得分已保存。")).to_be_visible()
    expect(page.locator("#review-total")).to_have_text("90.00（优）")
    expect(page.locator("#total-difference")).to_have_text("—")

    page.get_by_role("link", name="发布复核结果…").click()
    page.get_by_role("button", name="确认发布").click()
    expect(page.get_by_text("复核结果已发布，单位可以查看。")).to_be_visible()
    page.get_by_role("button", name="退出").click()

    sign_in(page, live_server, "wangfang")
    page.goto(f"{live_server.url}/app/evaluations/{evaluation.pk}/")
    review = page.get_by_role("region", name="财政复核")
    expect(review).to_contain_text("复核得分：90.00分，等级：优")
    expect(review).to_contain_text("执行率依据不足。")
    expect(review).to_contain_text("请补充绩效指标的分值。")
