"""Browser tests drive Debian's Chromium through Playwright against Django's live server.

Playwright cannot download its own browser here, so we point it at /usr/bin/chromium. A failing test leaves a
full-page screenshot in test-artifacts/ for the person who has to find out why.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        # Without these Chromium keeps trying to reach Google's hosts, which this closed network refuses.
        "args": ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1366, "height": 800}}


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        page = item.funcargs.get("page")
        if page is not None:
            ARTIFACTS.mkdir(exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", item.nodeid)
            # A screenshot must never hide the real failure.
            with contextlib.suppress(Exception):
                page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def demo(transactional_db):
    """The demo data, as `make run` loads it."""
    from django.core.management import call_command

    call_command("loaddemo", stdout=open(os.devnull, "w"))  # noqa: SIM115


def sign_in(page, live_server, username: str, password: str = "lukou-demo-2024") -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
