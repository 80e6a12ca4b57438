"""The project is in order: checks pass and every model change has its migration."""

from io import StringIO

from django.core.management import call_command
from django.test import TestCase


class ProjectTests(TestCase):
    def test_system_checks_pass(self):
        call_command("check", stdout=StringIO())

    def test_every_model_change_has_a_migration(self):
        out = StringIO()
        # Exits with SystemExit(1) when a migration is missing.
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
