"""Ten people press 保存 on the same page at the same moment, through the web, on whichever database the suite
runs on (SQLite included: IMMEDIATE transactions, WAL and a busy timeout): one save wins, nine are told the page is
stale, and nobody gets a server error."""

from __future__ import annotations

import threading

from django.db import connections
from django.test import Client, TransactionTestCase
from django.urls import reverse

from evaluations.models import Evaluation, Membership, SectionRevision, Unit
from tests.base import make_user
from tests.reports.test_editor import page_data


class TenSimultaneousSavesTests(TransactionTestCase):
    def test_one_save_wins_and_nine_are_refused_without_a_server_error(self):
        unit = Unit.objects.create(name="株洲市渌口区科技和工业信息化局", level="正科级行政单位")
        people = [make_user(f"editor{n}", f"编辑{n}", unit, Membership.Role.PREPARER) for n in range(10)]
        evaluation = Evaluation.objects.create(unit=unit, year=2024)
        url = reverse("evaluation_section", args=[evaluation.pk, "narrative"])

        clients = []
        for person in people:
            client = Client(raise_request_exception=False)
            client.force_login(person)
            # Every page opened before anyone saved: all from the same revision.
            clients.append((client, page_data(client.get(url))))

        barrier = threading.Barrier(10, timeout=30)
        statuses: list[int] = []

        def save(client: Client, data: dict[str, str], number: int) -> None:
            try:
                barrier.wait()
                response = client.post(url, {**data, "narrative-problems": f"编辑{number}的修改"})
                statuses.append(response.status_code)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=save, args=(c, d, n)) for n, (c, d) in enumerate(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)

        self.assertEqual(sorted(statuses), [302] + [422] * 9)
        self.assertEqual(SectionRevision.objects.get(evaluation=evaluation, section="narrative").revision, 1)
        self.assertEqual(Evaluation.history.filter(id=evaluation.pk).exclude(problems="").count(), 1)
