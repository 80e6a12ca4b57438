"""axe-core (vendored, tests/browser/vendor/axe.min.js) run on a page Playwright has open: the WCAG 2.0 A/AA and
2.1 AA rules, failing on critical and serious violations with each rule, its impact and the elements it found."""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).with_name("vendor") / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21aa"]
SERIOUS = {"critical", "serious"}

# The script is injected inline, which a Content-Security-Policy without 'unsafe-inline' refuses: contexts that run
# it are opened with bypass_csp (see the browser_context_args fixture of tests/browser/test_accessibility.py).
_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map((node) => node.target.join(" ")),
  }));
}"""


def serious_violations(page) -> list[str]:
    """The critical and serious violations on the page as it is now, one line each: rule, impact, help, targets."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(_RUN, TAGS)
    return [
        f"{page.url} · {v['id']} ({v['impact']}): {v['help']} → {', '.join(v['targets'][:8])}"
        for v in found
        if v["impact"] in SERIOUS
    ]


def assert_no_serious_violations(page) -> None:
    violations = serious_violations(page)
    assert not violations, "axe-core found critical or serious violations:\n" + "\n".join(violations)
