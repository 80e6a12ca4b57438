"""王芳 scores her unit's 2024 report in Chromium on the 自评评分 page: she judges the two qualitative leaves of the
bureau's scheme, marks the fixed-asset leaf 不适用, and sees the total and the grade change as she types, before she
saves."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_wangfang_sees_the_total_follow_her_qualitative_score_before_saving(page, live_server, demo):
    from evaluations.models import Evaluation, LeafAssessment, Unit
    from tests.scoring_support import MANAGEMENT_SCHEME, score_unit_with

    unit = Unit.objects.get(name="株洲市渌口区科技和工业信息化局")
    score_unit_with(unit, MANAGEMENT_SCHEME)
    evaluation = Evaluation.objects.get(year=2024, unit=unit)
    # The demo's 2024 report has gone through the workflow; here it is still being written.
    Evaluation.objects.filter(pk=evaluation.pk).update(status=Evaluation.Status.DRAFT)
    # She judges the leaves of this scheme afresh: the demo's judgements are for the Hunan scheme.
    LeafAssessment.objects.filter(evaluation=evaluation).delete()
    sign_in(page, live_server, "wangfang")
    page.goto(f"{live_server.url}/app/evaluations/{evaluation.pk}/edit/achievements/")
    page.get_by_role("link", name="自评评分").click()
    total = page.locator("#score-total")
    expect(total).to_have_text("总分：无法计算")

    page.locator("#id_leaf-0-tier").select_option("partly")
    page.locator("#id_leaf-0-score").fill("40")
    page.locator("#id_leaf-0-reason").fill("部门预算公开及时，个别表格迟报")
    page.locator("#id_leaf-1-tier").select_option("achieved")
    page.locator("#id_leaf-1-score").fill("18")
    page.locator("#id_leaf-1-reason").fill("资产账实相符")
    page.locator("#id_leaf-2-not_applicable").check()
    page.locator("#id_leaf-2-reason").fill("固定资产由区机关事务中心统一管理")
    # (40 + 18) of the 80 points that apply, rescaled: computed by the engine from what is typed, nothing saved.
    expect(total).to_have_text("总分 72.50 分，等级：中")
    expect(page.locator("#leaf-score-0")).to_contain_text("得40.00分")
    assert not LeafAssessment.objects.exists()

    page.locator("#id_leaf-0-score").fill("48")
    expect(total).to_have_text("总分 82.50 分，等级：良")
    expect(page.locator("#leaf-score-0")).to_contain_text("得48.00分")
    # A score outside the tier: the leaf says why and there is no total, never a wrong one.
    page.locator("#id_leaf-0-score").fill("50")
    expect(total).to_have_text("总分：无法计算")
    expect(page.locator("#leaf-score-0")).to_contain_text("超出“部分达成”档的36.00至48.00分")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#id_leaf-0-score_error")).to_contain_text("“部分达成”档的得分须在36.00至48.00分之间。")
    expect(page.locator("#id_leaf-0-score")).to_have_value("50")

    page.locator("#id_leaf-0-score").fill("48")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_text("“自评评分”已保存。")).to_be_visible()
    expect(total).to_have_text("总分 82.50 分，等级：良")
    assert LeafAssessment.objects.filter(evaluation=evaluation).count() == 3
