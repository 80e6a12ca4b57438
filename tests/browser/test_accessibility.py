"""No critical or serious accessibility violation (axe-core, WCAG 2.0 A/AA and 2.1 AA) on the pages people start
from: the public portal, a published report, the open data, the sign-in page, and each role's start pages, the demo
evaluation's overview and editor pages, the summary, the campaigns and the review pages."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command

from evaluations.models import Evaluation, Publication, Section
from tests.browser.axe import serious_violations
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe is injected as an inline script, which the site's Content-Security-Policy (no 'unsafe-inline') refuses.
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def draft_demo(transactional_db):
    """The demo with the seed's report still a draft: the editor pages with their forms."""
    call_command("loaddemo", "--no-publish", stdout=open(os.devnull, "w"))  # noqa: SIM115


def seed_evaluation() -> Evaluation:
    return Evaluation.objects.get(unit__code="LK-KGXJ", year=2024)


def check(page, live_server, paths: list[str]) -> None:
    """Open each page and collect every critical or serious violation, so one run lists them all."""
    found = []
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.ok, f"{path} answered {response and response.status}"
        found += serious_violations(page)
    assert not found, "axe-core found critical or serious violations:\n" + "\n".join(found)


def test_the_public_pages_have_no_serious_violations(page, live_server, demo):
    publication = Publication.objects.get()
    check(page, live_server, ["/", f"/reports/{publication.pk}/", "/open-data/", "/accounts/login/"])


def test_wangfangs_start_overview_and_every_editor_page_have_no_serious_violations(page, live_server, draft_demo):
    pk = seed_evaluation().pk
    sign_in(page, live_server, "wangfang")
    sections = [f"/app/evaluations/{pk}/edit/{section}/" for section in Section.values]
    check(page, live_server, ["/app/", f"/app/evaluations/{pk}/", *sections, f"/app/evaluations/{pk}/report/"])
    # On a phone the tables of figures beside the inputs scroll sideways: each must be reachable from the keyboard.
    page.set_viewport_size({"width": 390, "height": 800})
    check(page, live_server, sections)


def test_liqiangs_start_and_review_pages_have_no_serious_violations(page, live_server, demo):
    pk = seed_evaluation().pk
    sign_in(page, live_server, "liqiang")
    check(page, live_server, ["/app/", f"/app/evaluations/{pk}/", f"/app/evaluations/{pk}/review/"])


def test_chenjings_start_summary_campaigns_and_review_pages_have_no_serious_violations(page, live_server, demo):
    pk = seed_evaluation().pk
    sign_in(page, live_server, "chenjing")
    check(
        page,
        live_server,
        [
            "/app/",
            "/app/summary/2024/",
            "/app/campaigns/",
            "/app/campaigns/new/",
            f"/app/evaluations/{pk}/",
            f"/app/evaluations/{pk}/review/",
            f"/app/evaluations/{pk}/bureau-review/",
        ],
    )


def test_the_administrators_start_and_bureau_pages_have_no_serious_violations(page, live_server, demo):
    pk = seed_evaluation().pk
    sign_in(page, live_server, "admin")
    check(page, live_server, ["/app/", "/app/summary/2024/", "/app/campaigns/", f"/app/evaluations/{pk}/"])


def test_the_report_and_the_open_data_on_a_phone_have_no_serious_violations(page, live_server, demo):
    # On a narrow screen the report's tables scroll sideways: each must then be reachable from the keyboard.
    page.set_viewport_size({"width": 390, "height": 800})
    publication = Publication.objects.get()
    check(page, live_server, [f"/reports/{publication.pk}/", "/open-data/"])
    sign_in(page, live_server, "wangfang")
    check(page, live_server, [f"/app/evaluations/{seed_evaluation().pk}/report/"])


def test_the_check_itself_finds_what_it_is_meant_to_find(page):
    # A picture without a text alternative and an input without a label: what the pages above must not have.
    page.set_content(
        '<html lang="zh-CN"><head><title>t</title></head><body><main><img src="x.png"><input></main></body></html>'
    )
    found = "\n".join(serious_violations(page))
    assert "image-alt (critical)" in found and "label (critical)" in found, found
