"""王芳 starts 2025 from 2024 and enters the whole report in Chromium: every section, a mistake caught and fixed,
list rows added and removed, live figures while typing, the totals and the budget execution in 万元 (the page
converts what it shows when the unit is changed), then the report preview and its PDF.

(Uploading a spreadsheet is the Excel area's own browser test.)"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def save(page) -> None:
    page.get_by_role("button", name="保存", exact=True).click()


def test_wangfang_enters_the_2025_report_from_2024(page, live_server, demo):
    from evaluations.models import Evaluation

    seed = Evaluation.objects.get(year=2024, unit__name="株洲市渌口区科技和工业信息化局")
    sign_in(page, live_server, "wangfang")
    page.goto(f"{live_server.url}/app/evaluations/{seed.pk}/")

    # New year from last year
    page.get_by_role("link", name="新建2025年度").click()
    expect(page.get_by_label("年度")).to_have_value("2025")
    page.get_by_role("button", name="创建").click()
    expect(page.get_by_text("已创建2025年度绩效自评。")).to_be_visible()
    overview = page.url
    expect(page.locator('[data-section="project"] .badge')).to_have_text("未填写")

    # 单位基本情况: headcounts (blank until entered), one office added with the 添加一行 button in a group of its
    # own, one removed
    page.locator(".completeness-list").get_by_role("link", name="单位基本情况").click()
    expect(page.locator("#id_profile-mandate")).to_have_value("主管全区科技、工业和信息化")
    expect(page.locator("#id_staffing-0-actual")).to_have_value("")
    expect(page.locator("#id_profile-staff_transferred_in")).to_have_value("")
    page.locator("#id_staffing-0-actual").fill("10")
    page.locator("#id_staffing-1-actual").fill("11")
    page.locator("#formset-offices .formset-add").click()
    # The copied row is numbered in its input's name for screen readers, and the cursor is already in it.
    expect(page.get_by_label("第8行 分组")).to_be_focused()
    page.locator("#id_offices-7-group").fill("下属事业单位")
    page.locator("#id_offices-7-name").fill("区科技创新服务中心")
    page.locator("#id_offices-4-DELETE").check()  # 科技成果股
    save(page)
    expect(page.get_by_text("“单位基本情况”已保存。")).to_be_visible()
    expect(page.locator("#id_offices-4-name")).to_have_value("科技创新股")
    expect(page.locator("#id_offices-5-name")).to_have_value("区科技创新服务中心")
    expect(page.locator("#id_offices-5-group")).to_have_value("下属事业单位")
    expect(page.locator('input[value="科技成果股"]')).to_have_count(0)

    # 基本支出: a mistake is caught, kept on screen and fixed; the figures follow the typing
    page.get_by_role("link", name="基本支出").first.click()
    expect(page.locator("#id_basic-personnel-previous_amount")).to_have_value("3,864,449.00")
    page.locator("#id_basic-personnel-amount").fill("3,95O,000")  # a letter O instead of a zero
    page.locator("#id_basic-operating-amount").fill("900000")
    page.locator("#id_basic-personnel-change_reason").fill("新进人员2名")
    page.locator("#id_basic-operating-change_reason").fill("办公设备更新")
    save(page)
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("人员经费")
    expect(summary).to_contain_text("请填写金额数字")
    expect(page.locator("#id_basic-personnel-amount")).to_have_value("3,95O,000")
    expect(page.locator("#id_basic-personnel-change_reason")).to_have_value("新进人员2名")
    page.locator("#id_basic-personnel-amount").fill("3950000")
    # 395.00 + 90.00 = 485.00 万元, computed by the report's code before anything is saved
    expect(page.locator('#figures [data-figure="total"]')).to_contain_text("485.00")
    save(page)
    expect(page.get_by_text("“基本支出”已保存。")).to_be_visible()
    expect(page.locator('#figures [data-figure="personnel"]')).to_contain_text("+8.56")

    # 项目支出: two items, the second in a row added with the button, then one removed again
    page.get_by_role("link", name="项目支出").first.click()
    page.locator("#id_items-0-source_id").select_option(label="区本级专项资金")
    page.locator("#id_items-0-name").fill("高分子新材料论坛资金")
    page.locator("#id_items-0-amount").fill("120000")
    page.locator("#formset-items .formset-add").click()
    page.locator("#id_items-1-source_id").select_option(label="省市下达项目资金")
    page.locator("#id_items-1-name").fill("湖南省先进制造业高地建设专项资金")
    page.locator("#id_items-1-amount").fill("5000000")
    page.locator("#formset-items .formset-add").click()
    page.locator("#id_items-2-source_id").select_option(label="新开指标其他项目经费")
    page.locator("#id_items-2-name").fill("2025年新开指标其他项目经费")
    page.locator("#id_items-2-amount").fill("800000")
    save(page)
    expect(page.get_by_text("“项目支出”已保存。")).to_be_visible()
    expect(page.locator('#figures [data-figure="total"]')).to_contain_text("592.00")
    page.locator("#id_items-2-DELETE").check()
    page.locator("#id_sources-2-DELETE").check()
    save(page)
    expect(page.locator('#figures [data-figure="total"]')).to_contain_text("512.00")
    expect(page.locator("#figures")).not_to_contain_text("新开指标其他项目经费")

    # 支出总体情况和其他预算, in 万元: the stated total checked live against basic plus project spending
    page.get_by_role("link", name="支出总体情况和其他预算").first.click()
    page.get_by_label("万元", exact=True).check()
    expect(page.get_by_label("实际支出合计（万元）")).to_be_visible()
    page.get_by_label("预算安排（万元）").fill("1010")
    page.get_by_label("实际支出合计（万元）").fill("990")
    expect(page.locator("#mismatch-total_spending")).to_contain_text(
        "实际支出合计 9900000.00 元（990.00 万元）与基本支出与项目支出之和 9970000.00 元（997.00 万元）不一致"
    )
    page.get_by_label("实际支出合计（万元）").fill("997")
    expect(page.locator("#mismatch-total_spending")).to_be_empty()
    for fund_type in ("government_fund", "state_capital", "social_insurance"):
        page.locator(f'[data-fund-type="fund-{fund_type}"]').get_by_label("本单位无此项支出").check()
    save(page)
    expect(page.get_by_text("“支出总体情况和其他预算”已保存。")).to_be_visible()
    expect(page.get_by_label("实际支出合计（万元）")).to_have_value("997.00")
    expect(page.locator('#figures [data-figure="rate"]')).to_contain_text("98.71%")

    # 基本支出 now opens in 万元, and changing back to 元 converts what the page shows, exactly
    page.get_by_role("link", name="基本支出").first.click()
    expect(page.locator("#id_basic-personnel-amount")).to_have_value("395.00")
    expect(page.get_by_label("本年决算数（万元）").first).to_be_visible()
    page.get_by_label("元", exact=True).check()
    expect(page.locator("#id_basic-personnel-amount")).to_have_value("3,950,000.00")
    expect(page.locator("#id_basic-personnel-previous_amount")).to_have_value("3,864,449.00")
    page.get_by_label("万元", exact=True).check()
    expect(page.locator("#id_basic-personnel-previous_amount")).to_have_value("386.4449")

    # 预算执行, in 万元 as chosen
    page.get_by_role("link", name="预算执行").first.click()
    for kind, values in {
        "basic": ("480", "490", "485"),
        "project": ("500", "520", "512"),
    }.items():
        for field, value in zip(("initial_budget", "full_year_budget", "executed"), values, strict=True):
            page.locator(f"#id_execution-{kind}-{field}").fill(value)
    save(page)
    expect(page.locator('#figures [data-figure="total"]')).to_contain_text("98.71%")
    expect(page.locator("#id_execution-basic-executed")).to_have_value("485.00")

    # 工作成效和绩效指标: bodies, actuals, a shortfall refused until it is explained
    page.get_by_role("link", name="工作成效和绩效指标").first.click()
    for n in range(5):
        page.locator(f"#id_themes-{n}-body").fill(f"2025年第{n + 1}项工作成效。")
    for n in range(9):
        target = page.locator(f"#id_indicators-{n}-target")
        if not target.input_value():
            target.fill("100")
        page.locator(f"#id_indicators-{n}-actual").fill("150")
    page.locator("#id_indicators-5-actual").fill("15000")  # 知识价值信用贷款, target 20000
    save(page)
    expect(page.locator("#error-summary")).to_contain_text("实际完成值 15000 未达到年度指标值 20000（≥）")
    expect(page.locator("#id_themes-0-body")).to_have_value("2025年第1项工作成效。")
    page.locator("#id_indicators-5-deviation_reason").fill("银行授信审批周期长，下年提前对接。")
    save(page)
    expect(page.get_by_text("“工作成效和绩效指标”已保存。")).to_be_visible()
    expect(page.locator('#figures [data-figure="indicator-6"]')).to_contain_text("75.00%")

    # 问题、措施、应用和公开
    page.get_by_role("link", name="问题、措施、应用和公开").first.click()
    page.get_by_label("存在的问题及原因分析").fill("指标体系还需完善。")
    page.get_by_label("下一步改进措施").fill("细化指标，按季度跟踪。")
    page.get_by_label("绩效自评结果拟应用和公开情况").fill("结果用于2026年预算安排，并在区政府门户网站公开。")
    page.get_by_label("落款日期").fill("2026-05-20")
    save(page)
    expect(page.get_by_text("“问题、措施、应用和公开”已保存。")).to_be_visible()

    # The overview: every section complete; the preview and the PDF from there
    page.goto(overview)
    expect(page.locator(".completeness-list .badge.completeness-complete")).to_have_count(6)
    page.get_by_role("link", name="查看报告").click()
    expect(page.get_by_text("2025年度部门整体支出绩效自评报告").first).to_be_visible()
    pdf_url = re.sub(r"/report/?$", "/report.pdf", page.url)
    response = page.request.get(pdf_url)
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
