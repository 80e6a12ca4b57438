"""王芳 signs in with her demo account and finds her unit's 2024 evaluation."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_wangfang_signs_in_and_sees_her_evaluation(page, live_server, demo):
    sign_in(page, live_server, "wangfang")
    expect(page.get_by_role("heading", name="绩效自评")).to_be_visible()
    expect(page.get_by_role("cell", name="株洲市渌口区科技和工业信息化局")).to_be_visible()
    expect(page.get_by_role("cell", name="株洲市渌口区农业农村局")).to_have_count(0)


def test_a_wrong_password_is_refused_in_chinese(page, live_server, demo):
    sign_in(page, live_server, "wangfang", password="wrong-password")
    expect(page.get_by_text("请输入一个正确的")).to_be_visible()
