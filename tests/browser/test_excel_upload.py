"""王芳 fills in her unit's figures in Excel: she downloads the template, edits it, uploads it, is shown every
problem with its sheet, row and column, fixes them, previews the changes, confirms, and sees the new figures."""

from __future__ import annotations

import os

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft_demo(transactional_db):
    """The demo with the seed's 2024 evaluation still a draft, as a preparer finds it before submitting."""
    from django.core.management import call_command

    call_command("loaddemo", "--no-publish", stdout=open(os.devnull, "w"))  # noqa: SIM115


def row_of(ws, column: int, text: str) -> int:
    return next(row for row in range(2, ws.max_row + 1) if ws.cell(row=row, column=column).value == text)


def test_wangfang_imports_her_figures_from_excel(page, live_server, draft_demo, tmp_path):
    from evaluations.models import Evaluation

    evaluation = Evaluation.objects.get(unit__code="LK-KGXJ", year=2024)
    sign_in(page, live_server, "wangfang")
    page.goto(f"{live_server.url}/app/evaluations/{evaluation.pk}/")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载填报模板").click()
    template = tmp_path / "template.xlsx"
    download_info.value.save_as(template)

    # In Excel: a new 人员经费 figure and one more project item.
    wb = load_workbook(template)
    wb["基本支出"]["B2"] = 3900000
    projects = wb["项目支出"]
    new_row = projects.max_row + 1
    projects.cell(row=new_row, column=2, value="区本级专项资金")
    projects.cell(row=new_row, column=3, value="科技创新券")
    projects.cell(row=new_row, column=5, value=120000)
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)

    page.get_by_role("link", name="上传 Excel").click()
    page.get_by_label("填好的 Excel 工作簿（.xlsx）").set_input_files(edited)
    page.get_by_role("button", name="上传并预览").click()

    # The seed left two shortfalls unexplained; the upload is refused with both places named.
    expect(page.get_by_role("heading", name="工作簿有 2 处问题，未写入任何数据")).to_be_visible()
    problems = page.locator("table.excel-problems tbody tr")
    expect(problems).to_have_count(2)
    indicators = wb["绩效指标"]
    loan = row_of(indicators, 4, "知识价值信用贷款")
    expect(problems.nth(0).locator("td")).to_have_text(
        [
            "绩效指标",
            str(loan),
            "L（偏差原因分析及改进措施）",
            "指标“知识价值信用贷款”的实际完成值 11400 未达到年度指标值 20000（≥），请填写偏差原因分析及改进措施。",
        ]
    )

    indicators.cell(row=loan, column=12, value="受银行授信收紧影响，放贷不及预期；下一步加强银企对接。")
    share = row_of(indicators, 4, "地方财政科技支出占地方财政支出比值")
    indicators.cell(row=share, column=12, value="财政收支紧平衡，科技支出增幅低于预期。")
    wb.save(edited)

    page.get_by_label("填好的 Excel 工作簿（.xlsx）").set_input_files(edited)
    page.get_by_role("button", name="上传并预览").click()
    expect(page.get_by_role("heading", name="导入预览")).to_be_visible()
    expect(page.get_by_text("新增 1 行，修改 3 行，删除 0 行。")).to_be_visible()
    changes = page.locator("table.excel-changes")
    expect(changes).to_contain_text("区本级专项资金 · 科技创新券")
    expect(changes).to_contain_text("3864449.00 → 3900000.00")

    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_text("新增1行，修改3行，删除0行")).to_be_visible()
    expect(page.get_by_text("478.06", exact=True)).to_be_visible()  # 基本支出 390.00 + 88.06万元
    expect(page.get_by_text("1243.24", exact=True)).to_be_visible()  # 项目支出 1231.24 + 12.00万元
