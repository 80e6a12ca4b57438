"""`make backup-check` on PostgreSQL: the demo, published, is backed up (pg_dump and a tar of the publication store),
restored into a fresh database and directory, and verified; a PDF changed in the store fails the check."""

from __future__ import annotations

import os
import subprocess
import sys
import unittest
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from django.test import TransactionTestCase

from evaluations.models import Publication
from tests.reports.workflow_support import TemporaryPublicationsStore

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    settings = connection.settings_dict
    credentials = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    return f"postgres://{credentials}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"


@unittest.skipUnless(connection.vendor == "postgresql", "pg_dump and pg_restore need PostgreSQL")
class BackupCheckTests(TemporaryPublicationsStore, TransactionTestCase):
    def backup_check(self) -> subprocess.CompletedProcess:
        env = {**os.environ, "PYTHON_BIN": sys.executable}
        return subprocess.run(
            ["scripts/backup-check.sh", database_url(), self.publications_dir],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    def test_the_published_demo_survives_a_backup_and_restore(self):
        call_command("loaddemo", stdout=StringIO())
        publication = Publication.objects.get()

        result = self.backup_check()
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("1 publications: PDFs checked against their SHA-256", result.stdout)
        self.assertIn("Backup verified.", result.stdout)

        # A stored PDF that no longer matches its publication row is caught.
        path = Path(self.publications_dir) / publication.pdf_name
        path.write_bytes(path.read_bytes().replace(b"%%EOF", b"%%EOX"))
        result = self.backup_check()
        self.assertNotEqual(result.returncode, 0)
        self.assertIn(f"publication {publication.pk}: {publication.pdf_name}: SHA-256", result.stderr)
        # The fresh database was dropped again.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_database WHERE datname LIKE %s",
                [f"{connection.settings_dict['NAME']}_restore_check_%"],
            )
            self.assertEqual(cursor.fetchone()[0], 0)
