"""A visitor on a 390 px phone reads the portal: the list and the demo's published report fit the screen (only a
table's own frame scrolls sideways), axe-core finds no critical or serious problem, and the search box suggests
unit names as she types."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_no_serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SCREENSHOTS = __import__("os").environ.get("PORTAL_SCREENSHOTS")

# Every element whose right edge passes the viewport, unless an ancestor is a frame that scrolls sideways (the
# report's .table-scroll, or any overflow-x:auto/scroll box): there it is meant to be reached by scrolling.
WIDER_THAN_THE_SCREEN = """() => {
  const limit = window.innerWidth + 1;
  const framed = (element) => {
    for (let a = element.parentElement; a; a = a.parentElement) {
      if (a.classList.contains("table-scroll")) { return true; }
      const overflow = getComputedStyle(a).overflowX;
      if (overflow === "auto" || overflow === "scroll") { return true; }
    }
    return false;
  };
  const offenders = [];
  for (const element of document.querySelectorAll("body *")) {
    const box = element.getBoundingClientRect();
    if (box.width > 0 && box.right > limit && !framed(element)) {
      offenders.push(`${element.tagName.toLowerCase()}.${element.className} right=${Math.round(box.right)}`);
    }
  }
  if (document.documentElement.scrollWidth > limit) {
    offenders.push(`page scrollWidth=${document.documentElement.scrollWidth}`);
  }
  return offenders;
}"""


@pytest.fixture
def browser_context_args(browser_context_args):
    # bypass_csp: the page's Content-Security-Policy rightly refuses the inline script axe is injected as; the
    # audit is the test's, not the page's.
    return {**browser_context_args, "viewport": PHONE, "bypass_csp": True}


def settled(page) -> None:
    """Wait until the stylesheets and fonts have loaded: widths measured before that are not the page's."""
    page.wait_for_load_state("load")
    page.evaluate("() => document.fonts.ready.then(() => true)")


def assert_fits_and_is_accessible(page) -> None:
    settled(page)
    assert page.evaluate(WIDER_THAN_THE_SCREEN) == []
    assert_no_serious_violations(page)


def test_the_list_and_a_report_fit_a_phone_and_pass_axe(page, live_server, demo):
    page.goto(f"{live_server.url}/")
    cards = page.locator(".portal-cards")
    expect(cards).to_be_visible()
    expect(page.locator(".portal-table")).to_be_hidden()
    expect(cards.get_by_text("万元").first).to_be_visible()
    assert_fits_and_is_accessible(page)
    # The check sees what it is meant to catch: a block wider than the phone, outside any frame.
    page.evaluate(
        "() => { const d = document.createElement('div'); d.className = 'probe'; d.style.width = '600px';"
        " document.querySelector('main').append(d); }"
    )
    assert any(line.startswith("div.probe") for line in page.evaluate(WIDER_THAN_THE_SCREEN))
    page.evaluate("() => document.querySelector('.probe').remove()")

    cards.get_by_role("link", name="株洲市渌口区科技和工业信息化局2024年度部门整体支出绩效自评报告", exact=True).click()
    expect(page.locator("#key-figures")).to_contain_text("实际支出合计")
    expect(page.get_by_role("navigation", name="目录")).to_be_visible()
    frames = page.locator(".report .table-scroll")
    assert frames.count() > 0
    # A wide table scrolls inside its frame, which a keyboard can reach. Which tables are wider than the phone
    # depends on the fonts' widths: the widest one is.
    settled(page)
    overflow = frames.evaluate_all("(all) => all.map((f) => f.scrollWidth - f.clientWidth)")
    widest = max(range(len(overflow)), key=overflow.__getitem__)
    assert overflow[widest] > 0, "no table of the report is wider than a phone"
    frame = frames.nth(widest)
    frame.focus()
    expect(frame).to_be_focused()
    assert_fits_and_is_accessible(page)
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/report.png", full_page=True)


def test_the_search_box_suggests_unit_names_as_one_types(page, live_server, demo):
    page.goto(f"{live_server.url}/")
    page.get_by_label("单位名称、简称或地区").fill("科工")
    options = page.locator("#portal-unit-suggestions option")
    expect(options).to_have_count(1)
    assert options.first.get_attribute("value") == "株洲市渌口区科技和工业信息化局"
    # Without choosing, the form still searches what was typed.
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".portal-cards .card")).to_have_count(1)
