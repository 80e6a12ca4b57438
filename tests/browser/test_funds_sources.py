"""王芳 enters her unit's 2025 funds by source of funds in Chromium, by the labels a screen reader announces (each
input inside its group: 按资金来源 › 其中：财政拨款 › 全年执行数), sees the total and a disagreement live beside the
inputs while typing, and fixes it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MISMATCH = (
    "基本支出与项目支出的全年执行数之和 17057400.00 元（1705.74 万元）与财政拨款、上年结转资金与其他资金的"
    "全年执行数之和 17047400.00 元（1704.74 万元）不一致"
)


def test_wangfang_types_the_sources_and_sees_them_checked_live(page, live_server, demo):
    from django.contrib.auth import get_user_model

    from evaluations.models import Unit
    from reports.services import create_evaluation

    # The demo's 2024 report is already on its way; 王芳 works on 2025, started from it.
    unit = Unit.objects.get(name="株洲市渌口区科技和工业信息化局")
    wangfang = get_user_model().objects.get(username="wangfang")
    evaluation = create_evaluation(unit=unit, year=2025, actor=wangfang)
    sign_in(page, live_server, "wangfang")
    page.goto(f"{live_server.url}/app/evaluations/{evaluation.pk}/edit/execution/")

    by_kind = page.get_by_role("group", name="按支出类型")
    for kind, budget, executed in (("基本支出", "4900000", "4745000"), ("项目支出", "12500000", "12312400")):
        line = by_kind.get_by_role("group", name=kind)
        line.get_by_label("全年预算数").fill(budget)
        line.get_by_label("全年执行数").fill(executed)
    by_source = page.get_by_role("group", name="按资金来源")
    for source, budget, executed in (
        ("其中：财政拨款", "15900000", "15600000"),
        ("上年结转资金", "800000", "757400"),
        ("其他资金", "700000", "690000"),
    ):
        line = by_source.get_by_role("group", name=source, exact=True)
        line.get_by_label("全年预算数").fill(budget)
        line.get_by_label("全年执行数").fill(executed)

    figures = page.locator("#figures")
    expect(figures.locator('[data-figure="total"]')).to_contain_text("1705.74")
    expect(figures.locator('[data-figure="fiscal"]')).to_contain_text("其中：财政拨款")
    expect(figures.locator('[data-figure="mismatch"]')).to_contain_text(MISMATCH)

    by_source.get_by_role("group", name="其他资金").get_by_label("全年执行数").fill("700000")
    expect(figures.locator('[data-figure="mismatch"]')).to_have_count(0)
    expect(figures.locator('[data-figure="other"]')).to_contain_text("100.00%")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_text("“预算执行”已保存。")).to_be_visible()
