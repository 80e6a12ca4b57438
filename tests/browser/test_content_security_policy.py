"""The Content-Security-Policy refuses inline scripts and styles: Chromium loads the key pages as a reader, 赵敏 (with
the editor's live figures, which htmx fetches), 陈静 (the summary with its SVG chart) and the administrator would,
and not one violation is reported."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Registered before any page script runs; a violation is also printed to the console, which is watched too.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def violations(page):
    console: list[str] = []
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda message: console.append(message.text) if "Content Security Policy" in message.text else None,
    )

    def found() -> list[str]:
        return [*console, *page.evaluate("window.__violations || []")]

    return found


def visit(page, violations, url: str) -> None:
    response = page.goto(url)
    assert response.status < 400, (url, response.status)
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    assert violations() == [], url


def test_the_key_pages_load_without_a_policy_violation(page, live_server, demo, violations):
    from evaluations.models import Evaluation, Publication, ReportOutline, ScoringScheme

    publication = Publication.objects.current().first()
    visit(page, violations, f"{live_server.url}/")
    visit(page, violations, f"{live_server.url}/reports/{publication.pk}/")
    visit(page, violations, f"{live_server.url}/accounts/login/")

    other = Evaluation.objects.get(unit__name="株洲市渌口区农业农村局")
    sign_in(page, live_server, "zhaomin")
    visit(page, violations, f"{live_server.url}/app/evaluations/{other.pk}/")
    visit(page, violations, f"{live_server.url}/app/evaluations/{other.pk}/edit/basic/")
    # Typing asks the server for the live figures (htmx, with its request indicator).
    with page.expect_response(lambda response: "figures" in response.url):
        page.locator("#main form input[type=text]:not([readonly])").first.fill("123")
    page.wait_for_load_state("networkidle")
    assert violations() == []
    visit(page, violations, f"{live_server.url}/app/evaluations/{other.pk}/report/")

    page.context.clear_cookies()
    sign_in(page, live_server, "chenjing")
    visit(page, violations, f"{live_server.url}/app/summary/")
    expect(page.locator("svg").first).to_be_visible()
    # Trees indented by depth (these had style="padding-left: …").
    outline = ReportOutline.objects.filter(builtin=False).first() or ReportOutline.objects.first()
    visit(page, violations, f"{live_server.url}/app/outlines/{outline.pk}/")
    visit(page, violations, f"{live_server.url}/app/schemes/{ScoringScheme.objects.first().pk}/")

    page.context.clear_cookies()
    sign_in(page, live_server, "admin")
    visit(page, violations, f"{live_server.url}/admin/")
    visit(page, violations, f"{live_server.url}/admin/evaluations/evaluation/{other.pk}/change/")
