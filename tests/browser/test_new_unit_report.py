"""A new unit's first report in Chromium (issue 9): 株洲市渌口区妇女联合会 follows the fuller Hunan outline and knows
only its totals, in 万元. 刘洋, its preparer, starts 2024, enters what the unit has (no level, offices in two groups,
在编人数 and the approving body, the totals, the other budgets, her own wording where the data say nothing, the
free section), and submits; 周敏, its head, approves and publishes through the confirmation page. The published PDF,
rendered for real, says exactly what was entered and nothing else."""

from __future__ import annotations

import re
import subprocess
import tempfile

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UNIT = "株洲市渌口区妇女联合会"
TITLE = f"{UNIT}2024年度部门整体支出绩效自评报告"


@pytest.fixture
def new_unit(transactional_db, settings, tmp_path):
    """The unit under the Hunan outline, its preparer and its head; published files in a temporary store."""
    from evaluations.models import Membership, Unit
    from evaluations.outlines import HUNAN, ensure_builtin_outlines
    from tests.base import PASSWORD, make_user

    settings.STORAGES = {
        **settings.STORAGES,
        "publications": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    unit = Unit.objects.create(
        name=UNIT, short_name="区妇联", region="湖南省株洲市渌口区", outline=ensure_builtin_outlines()[HUNAN]
    )
    make_user("liuyang", "刘洋", unit, Membership.Role.PREPARER)
    make_user("zhoumin", "周敏", unit, Membership.Role.HEAD)
    return PASSWORD


def save(page, title: str) -> None:
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_text(f"“{title}”已保存。")).to_be_visible()


def give_what_the_score_needs(evaluation) -> None:
    """A report is submitted only with its score (issue 10): under the national scheme, the funds block (agreeing
    with the totals typed below: 320.50万元 budgeted, 250.15 + 60.10 spent, 96.80%) and one indicator for each of
    产出 50, 效益 30 and 满意度 10. Entering them through their pages is tests/browser/test_editor.py's story; here
    they are written directly, so that this one stays about what a totals-only report prints."""
    from decimal import Decimal

    from achievements.models import Indicator
    from budgets.models import BudgetExecution

    for kind, budget, executed in (("basic", "2580000", "2501500"), ("project", "625000", "601000")):
        # The new year's lines exist, empty.
        BudgetExecution.objects.filter(evaluation=evaluation, kind=kind).update(
            initial_budget=Decimal(budget), full_year_budget=Decimal(budget), executed=Decimal(executed)
        )
    indicators = [
        ("产出指标", "妇女技能培训人次", "50"),
        ("效益指标", "妇女就业创业人数", "30"),
        ("满意度指标", "服务对象满意度", "10"),
    ]
    for order, (level1, name, weight) in enumerate(indicators, start=1):
        Indicator.objects.create(
            evaluation=evaluation,
            order=order,
            level1=level1,
            name=name,
            target=Decimal("100"),
            actual=Decimal("100"),
            weight=Decimal(weight),
        )


def pdf_text(pdf: bytes) -> str:
    """The PDF's text as pdftotext reads it, without whitespace (a PDF breaks lines wherever the page does) and
    without the page numbers ("— 1 —") that sit between the halves of a paragraph crossing a page."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", file.name, "-"], capture_output=True, check=True).stdout
    text = re.sub(r"—\s*\d+\s*—", "", text.decode("utf-8"))
    return re.sub(r"\s+", "", text)


def test_a_new_unit_publishes_a_report_with_totals_only_in_wan_under_the_hunan_outline(page, live_server, new_unit):
    from evaluations.models import Evaluation, Publication

    # 刘洋 starts the year.
    sign_in(page, live_server, "liuyang", new_unit)
    page.get_by_role("link", name="新建年度自评").click()
    page.get_by_label("年度").fill("2024")
    page.get_by_role("button", name="创建").click()
    expect(page.get_by_text("已创建2024年度绩效自评。")).to_be_visible()
    overview = page.url
    evaluation = Evaluation.objects.get(unit__name=UNIT, year=2024)

    # 单位基本情况: no level (the unit has none to state), offices in two groups, 在编人数 and the approving body;
    # the staff movements stay blank, so the report says nothing about them.
    page.locator(".completeness-list").get_by_role("link", name="单位基本情况").click()
    page.locator("#id_profile-mandate").fill("联系和服务全区妇女群众")
    page.locator("#id_duties-0-text").fill("团结、动员全区妇女投身经济建设和社会发展。")
    page.locator("#formset-duties .formset-add").click()
    page.locator("#id_duties-1-text").fill("维护妇女儿童合法权益，推动男女平等基本国策的贯彻落实。")
    page.locator("#id_offices-0-name").fill("办公室")
    page.locator("#formset-offices .formset-add").click()
    page.locator("#id_offices-1-name").fill("权益部")
    page.locator("#formset-offices .formset-add").click()
    page.locator("#id_offices-2-group").fill("下属事业单位")
    page.locator("#id_offices-2-name").fill("区妇女儿童活动中心")
    page.locator("#id_staffing-0-establishment_type").fill("行政编制")
    page.locator("#id_staffing-0-approved").fill("6")
    page.locator("#id_staffing-0-actual").fill("5")
    page.locator("#id_staffing_summary-staff_on_roll").fill("5")
    page.locator("#id_staffing_summary-staffing_authority").fill("区编委")
    save(page, "单位基本情况")

    # 支出总体情况和其他预算, in 万元: the three other budgets, and the totals without their parts.
    page.get_by_role("link", name="支出总体情况和其他预算").first.click()
    page.get_by_label("万元", exact=True).check()
    for fund_type in ("government_fund", "state_capital"):
        page.locator(f'[data-fund-type="fund-{fund_type}"]').get_by_label("本单位无此项支出").check()
    insurance = page.locator('[data-fund-type="fund-social_insurance"]')
    insurance.get_by_label("有支出").check()
    insurance.get_by_label("支出金额（万元）").fill("12.34")
    insurance.get_by_label("支出情况说明").fill("用于机关事业单位基本养老保险缴费。")
    page.get_by_label("预算安排（万元）").fill("320.5")
    page.get_by_label("基本支出合计（万元）").fill("250.15")
    page.get_by_label("项目支出合计（万元）").fill("60.1")
    page.get_by_label("实际支出合计（万元）").fill("310.25")
    # The live figures follow the typing (the last request's answer: the rate needs the last total typed); the
    # stated total agrees with its parts. Saving only then keeps the live request and the save apart.
    expect(page.locator('#figures [data-figure="rate"]')).to_contain_text("96.80%")
    expect(page.locator("#mismatch-total_spending")).to_be_empty()
    save(page, "支出总体情况和其他预算")
    expect(page.get_by_label("实际支出合计（万元）")).to_have_value("310.25")
    expect(page.get_by_label("项目支出合计（万元）")).to_have_value("60.10")

    # 问题、措施、应用和公开, and the signature date.
    page.get_by_role("link", name="问题、措施、应用和公开").first.click()
    page.get_by_label("存在的问题及原因分析").fill("绩效目标设定不够细化，部分指标难以量化。")
    page.get_by_label("下一步改进措施").fill("细化绩效目标，按季度跟踪项目执行。")
    page.get_by_label("绩效自评结果拟应用和公开情况").fill("自评结果作为下年度预算安排的参考，并在区政府门户网站公开。")
    page.get_by_label("落款日期").fill("2025-05-20")
    save(page, "问题、措施、应用和公开")

    # 报告文字: the unit has no budget-execution lines, so it describes its performance in its own words; and it
    # fills the outline's free section.
    page.get_by_role("link", name="报告文字").first.click()
    totals_place = page.locator('[data-key="para:total_spending"]')
    expect(totals_place.locator(".generated-text")).to_contain_text("2024年共支出310.25万元")
    expect(page.locator('[data-key="para:execution"] .generated-text')).to_contain_text("尚无可生成的文字")
    page.locator("#id_texts-para-execution").fill("本会严格按照预算安排使用资金，各项支出均按计划执行，资金使用规范。")
    page.locator("#id_texts-node-other").fill("本年度无其他需要说明的情况。")
    save(page, "报告文字")

    # What the score needs; the unit's own wording above still stands for the execution paragraph.
    give_what_the_score_needs(evaluation)

    # Nothing left that stops submission.
    page.goto(overview)
    expect(page.locator(f"#blockers-{evaluation.pk}")).to_have_count(0)
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_text("报告已提交，等待单位负责人审核。")).to_be_visible()
    page.get_by_role("button", name="退出").click()

    # 周敏 approves and publishes through the confirmation page; the PDF is rendered for real.
    sign_in(page, live_server, "zhoumin", new_unit)
    page.get_by_role("link", name="审核", exact=True).click()
    page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_text("报告已审核通过，可以公开。")).to_be_visible()
    page.get_by_role("link", name="公开…").click()
    figures = page.locator(".key-figures")
    expect(figures).to_contain_text("310.25 万元")
    expect(figures).to_contain_text("320.50 万元")
    page.get_by_role("button", name="确认公开").click()
    expect(page.get_by_text("报告已公开（第1版）")).to_be_visible()

    # The public copy: downloaded from the portal.
    publication = Publication.objects.get(evaluation=evaluation)
    page.goto(f"{live_server.url}/reports/{publication.pk}/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载PDF").click()
    text = pdf_text(download_info.value.path().read_bytes())

    assert TITLE in text
    for heading in (
        "一、部门、单位基本情况",
        "（一）机构设置情况",
        "（二）人员编制情况",
        "（三）主要职能职责",
        "二、一般公共预算支出情况",
        "（一）基本支出情况",
        "（二）项目支出情况",
        "三、政府性基金预算支出情况",
        "四、国有资本经营预算支出情况",
        "五、社会保险基金预算支出情况",
        "六、部门整体支出绩效情况",
        "七、存在的问题及原因分析",
        "八、下一步改进措施",
        "九、部门整体支出绩效自评结果拟应用和公开情况",
        "十、其他需要说明的情况",
    ):
        assert heading in text, heading
    # In the outline's order.
    positions = [text.index(h) for h in ("一、部门", "（一）机构", "二、一般", "五、社会", "九、部门", "十、其他")]
    assert positions == sorted(positions)
    # The optional heading nobody filled is left out, and the numbers close up.
    assert "绩效目标设定情况" not in text
    for sentence in (
        f"{UNIT}是联系和服务全区妇女群众的单位。",
        "我单位内设2个机构：办公室、权益部；下属事业单位1个：区妇女儿童活动中心。",
        "截至2024年12月31日，我单位年末共有在职人员5人，其中：行政编制5人。在编人数5人。"
        "经区编委核定，我单位编制6人，其中：行政编制6人。",
        "（一）团结、动员全区妇女投身经济建设和社会发展。",
        "2024年共支出310.25万元。其中，基本支出250.15万元，项目支出60.10万元。"
        "预算安排320.50万元，实际支出310.25万元，预算执行率96.80%。",
        "（一）基本支出情况2024年决算基本支出250.15万元。（二）项目支出情况2024年决算项目支出60.10万元。",
        "三、政府性基金预算支出情况本单位无此项支出。",
        "四、国有资本经营预算支出情况本单位无此项支出。",
        "2024年社会保险基金预算支出12.34万元。用于机关事业单位基本养老保险缴费。",
        "六、部门整体支出绩效情况本会严格按照预算安排使用资金，各项支出均按计划执行，资金使用规范。",
        "十、其他需要说明的情况本年度无其他需要说明的情况。",
        "2025年5月20日",
    ):
        assert sentence in text, sentence
    # Nothing nobody entered, and no placeholder or draft mark.
    for absent in (
        "调入在职人员",
        "调出在职人员",
        "退休",
        "上年",
        "人员经费",
        "日常公用经费",
        "未填报",
        "年月日",
        "草稿",
    ):
        assert absent not in text, absent
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.PUBLISHED
