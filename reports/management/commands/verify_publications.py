"""Nightly (cron, see deploy/crontab): hash every stored PDF, record each result beside its publication
(reports.PublicationCheck), tell the administrators about each failure, and exit non-zero when any failed, so the
cron mail and monitoring notice."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from evaluations.models import Publication
from reports.publication import verify_publication


class Command(BaseCommand):
    help = "Check every published PDF in the store against its SHA-256; exit 1 when a file fails."

    def handle(self, *args, **options) -> None:
        failed = 0
        checked = 0
        # One publication at a time, without the bodies: the store is read file by file, in chunks.
        for publication in Publication.objects.defer("body_html", "data").order_by("pk").iterator(chunk_size=200):
            check = verify_publication(publication)
            checked += 1
            if not check.ok:
                failed += 1
                self.stderr.write(f"FAILED publication {publication.pk}: {check.detail}")
        self.stdout.write(f"{checked} checked, {failed} failed")
        if failed:
            raise CommandError(f"{failed} of {checked} stored publications failed their integrity check")
