"""A published report body made ready for the portal page: a table of contents from its h2/h3 headings (ids added
where a heading has none) and every table wrapped in a focusable, labelled frame that scrolls sideways on a phone.

The body is stored HTML (:attr:`evaluations.models.Publication.body_html`, rendered and escaped by our own templates
when it was published) and never changes, so it is rewritten here on the way out rather than in the stored row.
Everything that is not a heading's id or a table's frame is copied through exactly as it was written."""

from __future__ import annotations

import html
from dataclasses import dataclass
from html.parser import HTMLParser

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

TOC_TAGS = {"h2": 2, "h3": 3}
# Ids the portal page itself uses; a heading without an id gets one from this prefix, which the report's own
# anchors (s1, s2-1, …: reports.report) never start with.
GENERATED_ID_PREFIX = "heading-"


@dataclass(frozen=True)
class TocEntry:
    level: int  # 2 for an h2, 3 for an h3
    anchor: str
    heading: str


@dataclass(frozen=True)
class PreparedBody:
    html: SafeString
    toc: list[TocEntry]


def prepare_body(body_html: str) -> PreparedBody:
    """The body with ids on its h2/h3 headings and its tables framed, and the table of contents of those headings,
    in document order."""
    parser = _BodyRewriter()
    parser.feed(body_html)
    parser.close()
    # Safe: our own stored HTML, escaped by the report's templates when it was rendered, rewritten tag for tag.
    return PreparedBody(html=mark_safe("".join(parser.out)), toc=parser.toc)


class _BodyRewriter(HTMLParser):
    def __init__(self) -> None:
        # Character references are copied as written, not decoded: the output must stay the escaped text it was.
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.toc: list[TocEntry] = []
        self.used_ids: set[str] = set()
        self.heading: tuple[str, str, int, list[str]] | None = None  # tag, id, level, its text so far
        self.table_depth = 0
        self.frame_slot = -1  # where the frame's opening tag goes, once the caption is known
        self.caption: list[str] | None = None
        self.caption_text = ""

    # Tags -------------------------------------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or ""
        if tag in TOC_TAGS and self.heading is None:
            anchor = dict(attrs).get("id") or ""
            if not anchor:
                anchor = self._new_id()
                raw = f'{raw[:-1].rstrip("/").rstrip()} id="{anchor}">'
            self.used_ids.add(anchor)
            self.heading = (tag, anchor, TOC_TAGS[tag], [])
        elif tag == "table":
            self.table_depth += 1
            if self.table_depth == 1:
                self.frame_slot = len(self.out)
                self.out.append("")
                self.caption_text = ""
        elif tag == "caption" and self.table_depth == 1:
            self.caption = []
        elif "id" in dict(attrs):
            self.used_ids.add(dict(attrs)["id"] or "")
        self.out.append(raw)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")
        if self.heading is not None and tag == self.heading[0]:
            _tag, anchor, level, text = self.heading
            self.toc.append(TocEntry(level=level, anchor=anchor, heading=" ".join("".join(text).split())))
            self.heading = None
        elif tag == "caption" and self.caption is not None:
            self.caption_text = " ".join("".join(self.caption).split())
            self.caption = None
        elif tag == "table" and self.table_depth:
            self.table_depth -= 1
            if self.table_depth == 0:
                label = html.escape(self.caption_text or _("表格"))
                # role=region with a name and tabindex=0: a keyboard user can focus the frame and scroll it with
                # the arrow keys (WCAG 2.1.1; axe's scrollable-region-focusable).
                self.out[self.frame_slot] = (
                    f'<div class="table-scroll" role="region" aria-label="{label}" tabindex="0">'
                )
                self.out.append("</div>")

    # Text -------------------------------------------------------------------------------------------------------
    def handle_data(self, data: str) -> None:
        self.out.append(data)
        self._text(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")
        self._text(html.unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")
        self._text(html.unescape(f"&#{name};"))

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<![{data}]>")

    def _text(self, text: str) -> None:
        if self.heading is not None:
            self.heading[3].append(text)
        if self.caption is not None:
            self.caption.append(text)

    def _new_id(self) -> str:
        number = len(self.toc) + 1
        while f"{GENERATED_ID_PREFIX}{number}" in self.used_ids:
            number += 1
        return f"{GENERATED_ID_PREFIX}{number}"
