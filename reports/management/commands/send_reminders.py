"""Send the campaigns' reminder e-mails due today, each (unit, step) at most once: `send_reminders [--dry-run]`.

Run daily by cron or a task scheduler (see README, 催报提醒). Safe to run more often, or twice at once: what has been
sent is recorded, and a reminder already recorded is never sent again (evaluations.campaigns.send_reminders)."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from evaluations.campaigns import send_reminders


class Command(BaseCommand):
    help = "向尚未提交绩效自评的单位发送截止前和逾期提醒邮件（每个单位每种提醒只发一次）。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只列出将要发送的提醒，不发送也不记录")
        parser.add_argument("--today", help="按此日期计算（YYYY-MM-DD，默认今天），用于补发或核对")

    def handle(self, *args, dry_run: bool, today: str | None, **options):
        try:
            day = datetime.date.fromisoformat(today) if today else None
        except ValueError:
            raise CommandError(f"日期格式应为 YYYY-MM-DD：{today}") from None
        run = send_reminders(today=day, dry_run=dry_run)
        verb = "将发送" if dry_run else "已发送"
        for planned in run.sent:
            step = "逾期提醒" if planned.step == "overdue" else "截止前提醒"
            self.stdout.write(
                f"{verb}：{planned.campaign.year}年度 · {planned.unit.name} · {step} → {'、'.join(planned.recipients)}"
            )
        for planned in run.without_address:
            self.stdout.write(
                f"无收件地址：{planned.campaign.year}年度 · {planned.unit.name}（该单位没有填写邮箱的人员）"
            )
        for planned in run.failed:
            self.stderr.write(f"发送失败，下次运行时重试：{planned.campaign.year}年度 · {planned.unit.name}")
        summary = (
            f"{'试运行，' if dry_run else ''}{verb} {len(run.sent)} 条提醒；"
            f"此前已发送 {run.already_sent} 条；无收件地址 {len(run.without_address)} 个单位；"
            f"发送失败 {len(run.failed)} 条。"
        )
        self.stdout.write(summary)
        if run.failed:
            raise CommandError("部分提醒发送失败，见上。")
