"""The reminder command, day by day through the 2024 work (deadline 30 April 2025, reminders 3 days before): unit A
(王芳, 李强) has a draft and unit B (赵敏) has not started. Each unit hears once before the deadline and once after
it, never twice, and not at all once it has submitted."""

from __future__ import annotations

import threading
from datetime import date
from io import StringIO
from unittest import mock

from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TransactionTestCase, override_settings

from evaluations import campaigns
from evaluations.campaigns import open_campaign, send_reminders
from evaluations.models import Evaluation, Membership, Reminder, Unit
from tests.base import SeedTestCase, make_user

Status = Evaluation.Status
DEADLINE = date(2025, 4, 30)
TOO_EARLY = date(2025, 4, 26)
BEFORE = date(2025, 4, 27)
ON_THE_DAY = date(2025, 4, 30)
AFTER = date(2025, 5, 1)


def run(day: date, *options: str) -> str:
    out = StringIO()
    call_command("send_reminders", f"--today={day.isoformat()}", *options, stdout=out)
    return out.getvalue()


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


@override_settings(SITE_URL="https://jixiao.example.org")
class SendRemindersTests(SeedTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.campaign = open_campaign(
            actor=cls.chenjing, year=2024, deadline=DEADLINE, units=[cls.unit_a, cls.unit_b], today=date(2025, 3, 1)
        )

    def test_nothing_is_sent_before_the_reminder_days(self):
        output = run(TOO_EARLY)
        self.assertEqual(mail.outbox, [])
        self.assertFalse(Reminder.objects.exists())
        self.assertIn("已发送 0 条提醒", output)

    def test_the_before_step_goes_out_once_to_the_preparers_and_head(self):
        output = run(BEFORE)
        self.assertEqual(
            recipients(), ["liqiang@example.invalid", "wangfang@example.invalid", "zhaomin@example.invalid"]
        )
        self.assertIn("已发送 2 条提醒", output)
        message = next(m for m in mail.outbox if m.to == ["wangfang@example.invalid"])
        self.assertIn("【即将截止】株洲市渌口区科技和工业信息化局2024年度绩效自评尚未提交", message.subject)
        self.assertIn("2025-04-30 截止（还有3天）", message.body)
        self.assertIn("https://jixiao.example.org/app/", message.body)
        reminder = Reminder.objects.get(unit=self.unit_a)
        self.assertEqual(reminder.step, "before")
        self.assertEqual(reminder.recipients, "liqiang@example.invalid\nwangfang@example.invalid")

        # The next day's run, and the deadline's, send nothing again.
        mail.outbox.clear()
        output = run(ON_THE_DAY)
        self.assertEqual(mail.outbox, [])
        self.assertIn("已发送 0 条提醒", output)
        self.assertEqual(Reminder.objects.count(), 2)

    def test_the_overdue_step_follows_after_the_deadline_once(self):
        run(BEFORE)
        mail.outbox.clear()
        run(AFTER)
        self.assertEqual(
            recipients(), ["liqiang@example.invalid", "wangfang@example.invalid", "zhaomin@example.invalid"]
        )
        self.assertTrue(all(message.subject.startswith("【已逾期】") for message in mail.outbox))
        self.assertEqual(
            sorted(Reminder.objects.values_list("unit__name", "step")),
            sorted(
                [
                    (self.unit_a.name, "before"),
                    (self.unit_a.name, "overdue"),
                    (self.unit_b.name, "before"),
                    (self.unit_b.name, "overdue"),
                ]
            ),
        )
        mail.outbox.clear()
        run(date(2025, 5, 9))
        self.assertEqual(mail.outbox, [])

    def test_a_submitted_unit_gets_nothing(self):
        self.set_status(Status.SUBMITTED)
        run(BEFORE)
        run(AFTER)
        self.assertEqual(recipients(), ["zhaomin@example.invalid", "zhaomin@example.invalid"])
        self.assertFalse(Reminder.objects.filter(unit=self.unit_a).exists())

    def test_a_returned_report_counts_as_not_submitted(self):
        self.set_status(Status.RETURNED)
        run(AFTER)
        self.assertTrue(Reminder.objects.filter(unit=self.unit_a, step="overdue").exists())

    def test_a_dry_run_lists_what_would_be_sent_and_sends_nothing(self):
        output = run(BEFORE, "--dry-run")
        self.assertEqual(mail.outbox, [])
        self.assertFalse(Reminder.objects.exists())
        self.assertIn("将发送：2024年度 · 株洲市渌口区科技和工业信息化局 · 截止前提醒", output)
        self.assertIn("试运行，将发送 2 条提醒", output)
        # A real run afterwards still sends them.
        run(BEFORE)
        self.assertEqual(len(mail.outbox), 3)

    def test_a_closed_campaign_and_an_uncovered_unit_get_nothing(self):
        other = Unit.objects.create(name="株洲市渌口区教育局")
        make_user("sunli", "孙丽", other, Membership.Role.PREPARER)
        run(BEFORE)
        self.assertNotIn("sunli@example.invalid", recipients())
        campaigns.close_campaign(campaign=self.campaign, actor=self.chenjing)
        mail.outbox.clear()
        run(AFTER)
        self.assertEqual(mail.outbox, [])

    def test_a_unit_with_no_address_is_reported_and_tried_again_later(self):
        type(self.zhaomin).objects.filter(pk=self.zhaomin.pk).update(email="")
        output = run(BEFORE)
        self.assertIn("无收件地址：2024年度 · 株洲市渌口区农业农村局", output)
        self.assertFalse(Reminder.objects.filter(unit=self.unit_b).exists())

    def test_a_refused_send_records_nothing_so_the_next_run_tries_again(self):
        with (
            mock.patch("evaluations.notifications.send_mass_mail", side_effect=OSError("mail server down")),
            self.assertRaises(CommandError),
            self.assertLogs("evaluations.campaigns", "ERROR"),
        ):
            run(BEFORE)
        self.assertFalse(Reminder.objects.exists())
        run(BEFORE)
        self.assertEqual(Reminder.objects.count(), 2)

    def test_the_queries_do_not_grow_with_the_units(self):
        for units in (2, 42):
            if units > 2:
                new = Unit.objects.bulk_create([Unit(name=f"测试单位{n:02}") for n in range(40)])
                self.campaign.coverage.bulk_create(
                    [self.campaign.coverage.model(campaign=self.campaign, unit=unit) for unit in new]
                )
            # the open campaigns; the units not submitted and not yet reminded at this step; their people
            with self.subTest(units=units), self.assertNumQueries(3):
                due, _without = campaigns.planned_reminders(BEFORE)
        self.assertEqual(len(due), 2)


class ConcurrentRunsTests(TransactionTestCase):
    """Cron starts the command while yesterday's slow run is still going: both decide to remind the same units, and
    each unit still gets one e-mail."""

    def setUp(self):
        self.unit_a = Unit.objects.create(name="株洲市渌口区科技和工业信息化局")
        self.unit_b = Unit.objects.create(name="株洲市渌口区农业农村局")
        make_user("wangfang", "王芳", self.unit_a, Membership.Role.PREPARER)
        make_user("zhaomin", "赵敏", self.unit_b, Membership.Role.PREPARER)
        chenjing = make_user("chenjing", "陈静", None, Membership.Role.BUREAU)
        open_campaign(
            actor=chenjing, year=2024, deadline=DEADLINE, units=[self.unit_a, self.unit_b], today=date(2025, 3, 1)
        )

    def test_two_runs_at_once_send_each_reminder_once(self):
        # Both runs plan before either writes: without the unique constraint both would send everything.
        both_planned = threading.Barrier(2, timeout=10)
        plan = campaigns.planned_reminders

        def planned_then_wait(today):
            found = plan(today)
            both_planned.wait()
            return found

        runs: list[campaigns.ReminderRun] = []

        def one_run():
            try:
                runs.append(send_reminders(today=BEFORE))
            finally:
                connection.close()

        with mock.patch.object(campaigns, "planned_reminders", planned_then_wait):
            threads = [threading.Thread(target=one_run) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(20)
        self.assertEqual(len(runs), 2)
        self.assertEqual(sum(len(run.sent) for run in runs), 2)
        self.assertEqual(sum(run.already_sent for run in runs), 2)
        self.assertEqual(Reminder.objects.count(), 2)
        self.assertEqual(recipients(), ["wangfang@example.invalid", "zhaomin@example.invalid"])
