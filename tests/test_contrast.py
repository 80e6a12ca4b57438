"""Every text colour our stylesheet sets is readable on the background it sits on: WCAG 2.1 AA asks 4.5:1 for
normal text. A citizen reading the portal on the off-white page found Bootstrap's link blue at 4.19:1 and its grey
at 4.37:1; the colours now declared in static/css/app.css are computed here, so a lighter shade fails the test."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

AA_NORMAL_TEXT = 4.5
WHITE = "#ffffff"
CSS = Path(settings.BASE_DIR) / "static" / "css"


def relative_luminance(colour: str) -> float:
    """WCAG 2.1's relative luminance of an sRGB colour (#rgb, #rrggbb or "r, g, b")."""
    if colour.startswith("#"):
        digits = colour[1:]
        if len(digits) == 3:
            digits = "".join(d * 2 for d in digits)
        channels = [int(digits[i : i + 2], 16) for i in (0, 2, 4)]
    else:
        channels = [int(part) for part in colour.split(",")]
    linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    lighter, darker = sorted([relative_luminance(foreground), relative_luminance(background)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def rules(name: str) -> list[tuple[str, dict[str, str]]]:
    """The stylesheet's rules as (selector, {property: value}); comments and @media wrappers dropped."""
    text = re.sub(r"/\*.*?\*/", "", (CSS / name).read_text(), flags=re.S)
    text = re.sub(r"@media[^{]*\{", "", text)
    found = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        declarations = dict(
            (prop.strip(), value.strip()) for prop, _, value in (d.partition(":") for d in body.split(";")) if value
        )
        found.append((selector.strip(), declarations))
    return found


class ContrastTests(SimpleTestCase):
    def setUp(self):
        self.rules = rules("app.css")
        self.root = next(declarations for selector, declarations in self.rules if selector == ":root")

    def colour(self, value: str) -> str:
        match = re.fullmatch(r"var\((--[\w-]+)\)", value)
        return self.colour(self.root[match[1]]) if match else value

    def assertReadable(self, foreground: str, background: str, where: str) -> None:
        ratio = contrast(self.colour(foreground), self.colour(background))
        self.assertGreaterEqual(ratio, AA_NORMAL_TEXT, f"{where}: {foreground} on {background} is {ratio:.2f}:1")

    def test_the_formula_gives_the_known_ratios(self):
        self.assertAlmostEqual(contrast("#000", "#fff"), 21.0)
        self.assertAlmostEqual(contrast("#6c757d", "#f7f7f5"), 4.37, places=2)  # the grey
        self.assertAlmostEqual(contrast("#0d6efd", "#f7f7f5"), 4.20, places=2)  # the blue, as measured

    def test_the_page_background_is_the_declared_one(self):
        body = dict(self.rules)["body"]
        self.assertEqual(body["background"], "var(--app-page-bg)")

    def test_links_grey_and_red_text_are_readable_on_the_page_white_and_pale_grey_backgrounds(self):
        backgrounds = [self.root["--app-page-bg"], WHITE, "#f8f9fa", "#f1f3f5"]  # page, cards, striped rows, heads
        for name in ["--bs-link-color", "--bs-link-hover-color", "--bs-secondary", "--bs-danger"]:
            for name_or_rgb in [name, f"{name}-rgb"]:
                for background in backgrounds:
                    with self.subTest(name_or_rgb, background=background):
                        self.assertReadable(self.root[name_or_rgb], background, name_or_rgb)
        for name in ["--bs-form-invalid-color", "--app-accent"]:
            for background in backgrounds:
                self.assertReadable(self.root[name], background, name)

    def test_the_rgb_variables_match_their_hex_twins(self):
        # Bootstrap uses both spellings (.text-secondary the rgb one, .btn the hex one): they must not drift apart.
        for name in ["--bs-link-color", "--bs-link-hover-color", "--bs-secondary", "--bs-danger"]:
            hex_value, rgb = self.root[name], self.root[f"{name}-rgb"]
            channels = tuple(int(hex_value[i : i + 2], 16) for i in (1, 3, 5))
            self.assertEqual(channels, tuple(int(part) for part in rgb.split(",")), name)

    def test_every_button_rule_is_readable(self):
        for selector, declarations in self.rules:
            if "--bs-btn-color" not in declarations:
                continue
            with self.subTest(selector):
                text = declarations["--bs-btn-color"]
                if "--bs-btn-bg" in declarations:
                    self.assertReadable(text, declarations["--bs-btn-bg"], selector)
                else:  # an outline button: its text on the page, its white text on the hover fill
                    self.assertReadable(text, self.root["--app-page-bg"], selector)
                    self.assertReadable(text, WHITE, selector)
                    self.assertReadable(WHITE, declarations["--bs-btn-hover-bg"], f"{selector}:hover")
                if "--bs-btn-disabled-color" in declarations and "--bs-btn-disabled-bg" not in declarations:
                    self.assertReadable(declarations["--bs-btn-disabled-color"], self.root["--app-page-bg"], selector)

    def test_every_rule_that_sets_text_and_background_is_readable(self):
        checked = 0
        for name in ["app.css", "report.css"]:
            for selector, declarations in rules(name):
                background = declarations.get("background") or declarations.get("background-color")
                text = declarations.get("color")
                if background is None or not re.fullmatch(r"#[0-9a-fA-F]{3,6}|var\(--[\w-]+\)", background):
                    continue
                if text is None and ".badge" in selector:
                    text = WHITE  # Bootstrap's badge text
                if text is None:
                    continue
                with self.subTest(selector):
                    self.assertReadable(text, background, selector)
                    checked += 1
        self.assertGreaterEqual(checked, 8)

    def test_the_report_texts_are_readable_on_white(self):
        for selector, declarations in rules("report.css"):
            text = declarations.get("color")
            if text and re.fullmatch(r"#[0-9a-fA-F]{3,6}", text):
                with self.subTest(selector):
                    self.assertReadable(text, WHITE, selector)
