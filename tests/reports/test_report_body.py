"""A published body made ready for the portal: the table of contents of its h2/h3 headings, ids where a heading
lacks one, and every table in a focusable, labelled scroll frame; everything else exactly as stored."""

from __future__ import annotations

from django.test import SimpleTestCase

from reports.report_body import TocEntry, prepare_body

BODY = (
    '<article class="report" lang="zh-CN">'
    '<h1 class="report-title">株洲市渌口区科技和工业信息化局2024年度部门整体支出绩效自评报告</h1>'
    '<section><h2 class="report-h1" id="s1">一、部门基本情况</h2><p>我局主要职能&amp;职责 &#8212; 见下表。</p>'
    '<h3 class="report-h2" id="s1-1">（一）部门职能</h3>'
    '<div class="report-table"><table><caption>表1 人员编制情况<span class="report-unit-note">单位：人</span>'
    "</caption><tr><td>21</td></tr></table></div>"
    '<h4 class="report-h3" id="s1-1-1">1.行政编制</h4></section>'
    "<section><h2>二、部门整体支出情况</h2><table><tr><td>无标题表</td></tr></table>"
    "<h3>（一）基本支出 &lt;说明&gt;</h3></section></article>"
)


class PrepareBodyTests(SimpleTestCase):
    def test_the_contents_list_the_h2_and_h3_headings_in_order_keeping_their_ids(self):
        prepared = prepare_body(BODY)
        self.assertEqual(
            prepared.toc,
            [
                TocEntry(level=2, anchor="s1", heading="一、部门基本情况"),
                TocEntry(level=3, anchor="s1-1", heading="（一）部门职能"),
                TocEntry(level=2, anchor="heading-3", heading="二、部门整体支出情况"),
                TocEntry(level=3, anchor="heading-4", heading="（一）基本支出 <说明>"),
            ],
        )
        # Headings without an id (a body published before the report had anchors) get the one the contents link to.
        self.assertIn('<h2 id="heading-3">二、部门整体支出情况</h2>', prepared.html)
        self.assertIn('<h3 id="heading-4">（一）基本支出 &lt;说明&gt;</h3>', prepared.html)
        # An h4 is too deep for the contents; the h1 is the title.
        self.assertNotIn("行政编制", [entry.heading for entry in prepared.toc])

    def test_every_table_scrolls_inside_a_focusable_frame_named_after_its_caption(self):
        html = prepare_body(BODY).html
        self.assertIn(
            '<div class="report-table"><div class="table-scroll" role="region" aria-label="表1 人员编制情况单位：人" '
            'tabindex="0"><table><caption>',
            html,
        )
        self.assertIn("</table></div></div>", html)
        # A table without a caption is still named, so a screen reader can say what the region is.
        self.assertIn(
            '<div class="table-scroll" role="region" aria-label="表格" tabindex="0"><table><tr><td>无标题表', html
        )
        self.assertEqual(html.count('class="table-scroll"'), 2)

    def test_everything_else_is_copied_as_it_was_written(self):
        html = prepare_body(BODY).html
        unframed = (
            html.replace(
                '<div class="table-scroll" role="region" aria-label="表1 人员编制情况单位：人" tabindex="0">', ""
            )
            .replace('<div class="table-scroll" role="region" aria-label="表格" tabindex="0">', "")
            .replace("</table></div>", "</table>")
            .replace(' id="heading-3"', "")
            .replace(' id="heading-4"', "")
        )
        self.assertEqual(unframed, BODY)

    def test_a_generated_id_never_repeats_one_the_body_already_uses(self):
        prepared = prepare_body('<p id="heading-1">x</p><h2>甲</h2>')
        self.assertEqual(prepared.toc, [TocEntry(level=2, anchor="heading-2", heading="甲")])

    def test_a_caption_with_markup_characters_is_escaped_in_the_label(self):
        html = prepare_body('<table><caption>表"1" &lt;b&gt;</caption><tr><td>1</td></tr></table>').html
        self.assertIn('aria-label="表&quot;1&quot; &lt;b&gt;"', html)
