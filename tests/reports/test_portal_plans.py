"""On PostgreSQL, the portal's list reads along indexes at any depth and for any search: the query plans of page 1,
a deep page and searches never read the whole publication table (issue 15). Skipped on SQLite, whose planner
this is not about."""

from __future__ import annotations

import unittest

from django.core.cache import cache
from django.db import connection
from django.test import TestCase

from reports import portal
from reports.synthetic import generate_units
from tests.reports.workflow_support import TemporaryPublicationsStore

SEQ_SCAN = "Seq Scan on evaluations_publication"


@unittest.skipUnless(connection.vendor == "postgresql", "query plans are PostgreSQL's")
class PortalPlanTests(TemporaryPublicationsStore, TestCase):
    @classmethod
    def setUpTestData(cls):
        # About 6,500 current publications of 3,000 units over four years: enough that reading the whole table
        # costs the planner more than an index does, as it would at a province's scale.
        generate_units(units=3000, years=4, last_year=2024, prefix="计划单位")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def setUp(self):
        cache.clear()

    def plan(self, query: portal.PortalQuery, cursor: portal.Cursor | None = None) -> str:
        publications = portal.current_publications(query)
        if cursor is not None:
            publications = portal.older_than(publications, cursor)
        return publications[: portal.PAGE_SIZE + 1].explain()

    def test_the_first_and_a_deep_page_read_the_current_versions_index(self):
        first = self.plan(portal.PortalQuery())
        self.assertNotIn(SEQ_SCAN, first)
        self.assertIn("publication_current_order", first)
        # A page some 5,000 rows deep: the cursor is a condition on the index, not a filter over the rows before.
        deep_row = portal.current_publications(portal.PortalQuery())[5000]
        deep = self.plan(portal.PortalQuery(), portal.Cursor.of(deep_row))
        self.assertNotIn(SEQ_SCAN, deep)
        self.assertIn("Index Cond: (ROW(published_at, id) < ROW(", deep)
        # And the page read through the view is that page.
        page = portal.keyset_page(portal.current_publications(portal.PortalQuery()), after=portal.Cursor.of(deep_row))
        self.assertEqual(page.rows[0], portal.current_publications(portal.PortalQuery())[5001])

    def test_searches_find_the_units_first_and_the_trigram_index_answers_them(self):
        narrow = self.plan(portal.PortalQuery(q="计划单位0012"))  # ten units
        self.assertNotIn(SEQ_SCAN, narrow)
        # At 3,000 units the planner may well prefer reading the unit table (it is small; at 10,000 it takes the
        # index). That the index matches the expressions Django writes for icontains: with the other ways made
        # expensive, the planner answers the unit search from it.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
        self.assertIn("Bitmap Index Scan on unit_search_trgm", portal.matching_units("计划单位0012").explain())
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_indexscan")
        for q in ["株洲市", "渌口"]:  # every unit (by region); a fifth of them, under three characters
            with self.subTest(q=q):
                self.assertNotIn(SEQ_SCAN, self.plan(portal.PortalQuery(q=q)))
        with_filters = self.plan(portal.PortalQuery(q="计划单位0012", year=2023, grade="优"))
        self.assertNotIn(SEQ_SCAN, with_filters)
