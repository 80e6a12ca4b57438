"""王芳 types her 2025 report in Chromium and loses nothing: leaving a changed page asks first, a reload puts back
what she typed (and she may discard it), Enter in a list moves down a column as in a spreadsheet, every amount
mistake is named while she types and by the server, and goes as soon as it is corrected. A report she may no longer
change refuses typing altogether."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def start_2025() -> int:
    from django.contrib.auth import get_user_model

    from evaluations.models import Unit
    from reports.services import create_evaluation

    unit = Unit.objects.get(name="株洲市渌口区科技和工业信息化局")
    wangfang = get_user_model().objects.get(username="wangfang")
    return create_evaluation(unit=unit, year=2025, actor=wangfang).pk


def save(page) -> None:
    page.get_by_role("button", name="保存", exact=True).click()


def test_wangfang_is_warned_before_leaving_and_gets_her_typing_back_after_a_reload(page, live_server, demo):
    pk = start_2025()
    sign_in(page, live_server, "wangfang")
    url = f"{live_server.url}/app/evaluations/{pk}/edit/basic/"
    page.goto(url)
    amount = page.locator("#id_basic-personnel-amount")
    reason = page.locator("#id_basic-personnel-change_reason")
    amount.fill("3950000")
    reason.fill("新进人员2名")

    # Another section's tab: the browser asks first; staying keeps everything typed.
    dialogs: list[str] = []

    def stay(dialog) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.once("dialog", stay)
    page.get_by_role("link", name="项目支出").first.click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert page.url == url
    expect(amount).to_have_value("3950000")

    # A reload (as after a crash or a closed tab) puts the typing back, and says so.
    page.once("dialog", lambda dialog: dialog.accept())
    page.reload()
    expect(page.locator(".draft-restored")).to_contain_text("已恢复您上次在本页填写但未保存的内容")
    expect(amount).to_have_value("3950000")
    expect(reason).to_have_value("新进人员2名")
    # The live figures follow what was put back: 395.00 万元 against 386.44 last year.
    expect(page.locator('#figures [data-figure="personnel"]')).to_contain_text("395.00")

    # Discarded: the page as saved, and nothing to restore any more.
    page.get_by_role("button", name="放弃恢复的内容").click()
    expect(page.locator(".draft-restored")).to_have_count(0)
    expect(amount).to_have_value("")
    page.reload()
    expect(page.locator(".draft-restored")).to_have_count(0)

    # Typed again and saved: the draft goes with the save, and leaving asks nothing.
    amount.fill("3950000")
    save(page)
    expect(page.get_by_text("“基本支出”已保存。")).to_be_visible()
    expect(amount).to_have_value("3,950,000.00")
    page.reload()
    expect(page.locator(".draft-restored")).to_have_count(0)
    page.get_by_role("link", name="项目支出").first.click()
    expect(page).to_have_url(re.compile(r"/edit/project/$"))
    assert dialogs == ["beforeunload"]


def test_save_and_continue_opens_the_next_section(page, live_server, demo):
    pk = start_2025()
    sign_in(page, live_server, "wangfang")
    page.goto(f"{live_server.url}/app/evaluations/{pk}/edit/basic/")
    page.locator("#id_basic-operating-amount").fill("900000")
    page.get_by_role("button", name="保存并继续下一节").click()
    expect(page).to_have_url(re.compile(rf"/app/evaluations/{pk}/edit/project/$"))
    expect(page.get_by_text("“基本支出”已保存。")).to_be_visible()


def test_enter_moves_through_a_list_like_a_spreadsheet_and_never_submits(page, live_server, demo):
    pk = start_2025()
    sign_in(page, live_server, "wangfang")
    url = f"{live_server.url}/app/evaluations/{pk}/edit/profile/"
    page.goto(url)

    # Same column, next row; Shift+Enter the row above.
    page.locator("#id_offices-0-name").click()
    page.keyboard.press("Enter")
    expect(page.locator("#id_offices-1-name")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#id_offices-2-name")).to_be_focused()
    page.keyboard.press("Shift+Enter")
    expect(page.locator("#id_offices-1-name")).to_be_focused()
    # Outside a list, the next field.
    page.locator("#id_profile-staff_transferred_in").fill("2")
    page.keyboard.press("Enter")
    expect(page.locator("#id_profile-staff_transferred_out")).to_be_focused()

    # A textarea keeps its newline.
    duty = page.locator("#id_duties-0-text")
    duty.fill("第一句")
    duty.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("第二句")
    expect(duty).to_have_value("第一句\n第二句")

    # A button still answers Enter.
    rows = page.locator("#formset-offices tbody.formset-row")
    before = rows.count()
    page.locator("#formset-offices .formset-add").focus()
    page.keyboard.press("Enter")
    expect(rows).to_have_count(before + 1)

    # Nothing was submitted: no message, and the typing is still there.
    page.wait_for_timeout(300)
    assert page.url == url
    expect(page.get_by_text("已保存")).to_have_count(0)
    expect(page.locator("#id_profile-staff_transferred_in")).to_have_value("2")


MISTAKES = [
    ("4,1235.6", "千分位分隔符位置不对：逗号应每三位数字一个（如 1,234,567.89），也可以不写逗号。"),
    ("92万", "请只填数字，单位已在列名中（元）。"),
    ("-5", "金额不能为负数。"),
    ("1.234", "金额最多保留两位小数（到分）。"),
    ("abc", "请填写金额数字（单位：元），例如 3864449.00。"),
    ("1e6", "不接受 NaN、Infinity 或科学计数法，请填写普通数字。"),
    ("1000000000000", "金额不能超过 999999999999.99 元，请检查是否多输了位数。"),
]


def test_each_amount_mistake_is_named_while_typing_and_by_the_server_and_goes_when_corrected(page, live_server, demo):
    pk = start_2025()
    sign_in(page, live_server, "wangfang")
    page.goto(f"{live_server.url}/app/evaluations/{pk}/edit/basic/")
    amount = page.locator("#id_basic-personnel-amount")
    live = page.locator("#id_basic-personnel-amount_live")

    for typed, message in MISTAKES:
        amount.fill(typed)
        expect(live).to_have_text(message)
        expect(amount).to_have_class(re.compile(r"\bis-invalid\b"))
    amount.fill("4,123,560.00")
    expect(live).to_have_count(0)
    expect(amount).not_to_have_class(re.compile(r"\bis-invalid\b"))

    # In 万元 the messages name 万元, and six decimals are fine.
    page.get_by_label("万元", exact=True).check()
    expect(amount).to_have_value("412.356")
    amount.fill("92万")
    expect(live).to_have_text("请只填数字，单位已在列名中（万元）。")
    amount.fill("386.444912")
    expect(live).to_have_count(0)
    page.get_by_label("元", exact=True).check()
    expect(amount).to_have_value("3,864,449.12")

    # The server says the same after a save, beside the field; correcting the value takes its message away.
    for typed, message in MISTAKES[:2]:
        amount.fill(typed)
        save(page)
        expect(page.locator("#error-summary")).to_contain_text(message)
        beside = page.locator("#div_id_basic-personnel-amount .invalid-feedback")
        expect(beside).to_contain_text(message)
        amount.fill("4,123,560.00")
        expect(beside).to_have_count(0)
        expect(amount).not_to_have_class(re.compile(r"\bis-invalid\b"))
    # The live figures count the corrected value; a mistake is named there as left out.
    expect(page.locator('#figures [data-figure="personnel"]')).to_contain_text("412.36")
    amount.fill("92万")
    expect(page.locator('#figures [data-figure="left-out"]')).to_contain_text(
        "人员经费 本年决算数（元）无效，未计入（请只填数字，单位已在列名中（元）。）"
    )
    amount.fill("4,123,560.00")
    expect(page.locator('#figures [data-figure="left-out"]')).to_have_count(0)
    save(page)
    expect(page.get_by_text("“基本支出”已保存。")).to_be_visible()
    expect(amount).to_have_value("4,123,560.00")


def test_a_project_row_with_a_bad_amount_is_named_in_the_live_figures(page, live_server, demo):
    pk = start_2025()
    sign_in(page, live_server, "wangfang")
    page.goto(f"{live_server.url}/app/evaluations/{pk}/edit/project/")
    page.locator("#id_items-0-name").fill("高分子新材料论坛资金")
    page.locator("#id_items-0-amount").fill("120000")
    page.locator("#formset-items .formset-add").click()
    page.locator("#id_items-1-name").fill("先进制造业高地建设专项资金")
    page.locator("#id_items-1-amount").fill("5,000,00")
    left_out = page.locator('#figures [data-figure="left-out"]')
    expect(left_out).to_contain_text("项目第2行金额无效，未计入（千分位分隔符位置不对")
    expect(page.locator('#figures [data-figure="total"]')).to_contain_text("12.00")
    page.locator("#id_items-1-amount").fill("5,000,000")
    expect(left_out).to_have_count(0)
    expect(page.locator('#figures [data-figure="total"]')).to_contain_text("512.00")


def test_a_report_that_is_handed_over_refuses_typing(page, live_server, demo):
    from evaluations.models import Evaluation

    # The demo's 2024 report has been submitted and approved (and published where PDFs can be made).
    seed = Evaluation.objects.get(year=2024, unit__name="株洲市渌口区科技和工业信息化局")
    assert not seed.is_editable
    sign_in(page, live_server, "wangfang")
    page.goto(f"{live_server.url}/app/evaluations/{seed.pk}/edit/basic/")
    expect(page.locator(".locked-notice")).to_contain_text("本页只读：该绩效自评的状态为")
    amount = page.locator("#id_basic-personnel-amount")
    expect(amount).to_be_disabled()
    expect(amount).not_to_be_editable()
    expect(page.get_by_role("button", name="保存", exact=True)).to_have_count(0)
    page.goto(f"{live_server.url}/app/evaluations/{seed.pk}/edit/profile/")
    expect(page.locator("#id_offices-0-name")).to_be_disabled()
    expect(page.locator("#id_duties-0-text")).to_be_disabled()
    expect(page.locator("#formset-offices .formset-add")).to_have_count(0)
    # Clicking and typing change nothing.
    before = page.locator("#id_offices-0-name").input_value()
    page.locator("#id_offices-0-name").click(force=True)
    page.keyboard.type("改动")
    expect(page.locator("#id_offices-0-name")).to_have_value(before)


def test_the_script_and_the_server_read_every_typed_amount_alike(page, live_server, demo):
    """The script mirrors evaluations.money.parse_amount for live feedback: the one table of typed numbers
    (tests/evaluations/test_parse_amount.py) gives the same verdict and message in both."""
    from django.core.exceptions import ValidationError

    from evaluations.forms import AmountField
    from tests.evaluations.test_parse_amount import AMOUNT, TYPED

    pk = start_2025()
    sign_in(page, live_server, "wangfang")
    page.goto(f"{live_server.url}/app/evaluations/{pk}/edit/basic/")
    amount = page.locator("#id_basic-personnel-amount")
    disagreements = []
    for typed, kind, _expected in [*TYPED, ("4,123,560.00", AMOUNT, None), ("999999999999.999", AMOUNT, None)]:
        if kind != AMOUNT:
            continue
        try:
            AmountField(required=False).clean(typed)
            server = None
        except ValidationError as error:
            server = error.messages[0]
        amount.fill(typed)
        # The script answers the input event at once: read its verdict without waiting.
        shown = page.evaluate(
            "() => { const e = document.getElementById('id_basic-personnel-amount_live'); "
            "return e ? e.textContent : null; }"
        )
        if shown != server:
            disagreements.append((typed, server, shown))
    assert disagreements == []
