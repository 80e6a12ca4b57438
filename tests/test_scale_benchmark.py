"""The scale benchmark finds the portal's page 200 and search field as a visitor does, whatever shape the portal's
links take (benchmarks/scale.py measures URLs and imports nothing of the portal)."""

from __future__ import annotations

from django.test import SimpleTestCase

from benchmarks.scale import next_link, search_field


class PortalDiscoveryTests(SimpleTestCase):
    def test_it_follows_a_link_marked_rel_next_with_a_cursor(self):
        page = '<nav><a class="page-link" rel="next" href="?q=&amp;after=2025-06-01T08%3A00%3A00_42">下一页</a></nav>'
        self.assertEqual(next_link(page, "/"), "/?q=&after=2025-06-01T08%3A00%3A00_42")

    def test_it_falls_back_to_the_link_that_reads_next_page(self):
        page = '<li class="page-item"><a class="page-link" href="?year=2024&amp;page=2">下一页</a></li>'
        self.assertEqual(next_link(page, "/reports/"), "/reports/?year=2024&page=2")

    def test_the_last_page_has_no_next_link(self):
        self.assertIsNone(next_link('<a class="page-link" href="?page=3">上一页</a>', "/"))

    def test_it_reads_the_search_fields_name_from_the_form(self):
        self.assertEqual(search_field('<input type="hidden" name="x"><input type="search" name="keyword">'), "keyword")
        self.assertEqual(search_field('<input type="text" name="q" maxlength="100">'), "q")
        self.assertEqual(search_field("<p>no form</p>"), "q")
