"""王芳 adds a source of funds and a project under it, and a theme and an indicator's link to it, each in one save:
the new row is offered in the other list's select as soon as it is typed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_wangfang_chooses_a_new_source_and_a_new_theme_before_saving(page, live_server, demo):
    from achievements.models import Indicator
    from budgets.models import ProjectItem
    from evaluations.models import Evaluation

    evaluation = Evaluation.objects.get(year=2024, unit__name="株洲市渌口区科技和工业信息化局")
    # The demo publishes its report; back to a draft, as after a return, so that the pages can be edited.
    Evaluation.objects.filter(pk=evaluation.pk).update(status=Evaluation.Status.DRAFT)
    sign_in(page, live_server, "wangfang")

    page.goto(f"{live_server.url}/app/evaluations/{evaluation.pk}/edit/project/")
    new_source = page.locator("#formset-sources tbody.formset-row").last.locator("input[name$='-name']")
    new_source.fill("专项债券资金")
    item = page.locator("#formset-items tbody.formset-row").last
    source = item.locator("select[name$='-source_id']")
    expect(source.locator("option", has_text="专项债券资金")).to_have_count(1)
    new_source.fill("专项债券资金（区级）")  # renamed while typing: the option follows
    source.select_option(label="专项债券资金（区级）")
    item.locator("input[name$='-name']").fill("园区道路")
    item.locator("input[name$='-amount']").fill("8")
    # The live figures answer what was typed first: SQLite's in-memory test database locks a table per request.
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_text("“项目支出”已保存。")).to_be_visible()
    assert ProjectItem.objects.get(evaluation=evaluation, name="园区道路").source.name == "专项债券资金（区级）"

    page.goto(f"{live_server.url}/app/evaluations/{evaluation.pk}/edit/achievements/")
    page.locator("#formset-themes tbody.formset-row").last.locator("input[name$='-title']").fill("营商环境持续优化")
    first = page.locator("#formset-indicators tbody.formset-row").first
    first.locator(".indicator-toggle").click()
    first.get_by_label("所属成效").select_option(label="营商环境持续优化")
    # The demo's two shortfalls need their reasons before anything on this page is saved.
    for name in ["知识价值信用贷款", "地方财政科技支出占地方财政支出比值"]:
        row = page.locator("#formset-indicators tbody.formset-row").filter(
            has=page.locator(f".col-name input[value='{name}']")
        )
        row.locator(".indicator-toggle").click()
        row.get_by_label("偏差原因分析及改进措施").fill("已说明原因。")
    # The live figures answer what was typed first: SQLite's in-memory test database locks a table per request.
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_text("“工作成效和绩效指标”已保存。")).to_be_visible()
    indicator = Indicator.objects.filter(evaluation=evaluation).order_by("order").first()
    assert indicator.theme.title == "营商环境持续优化"
