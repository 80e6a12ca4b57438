from django.core.management.base import BaseCommand, CommandParser

from reports.key_figures import refresh_key_figures


class Command(BaseCommand):
    help = "Recompute the frozen key figures (汇总表) of every submitted, approved or published report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, help="Only the reports of this year.")

    def handle(self, *args, year: int | None = None, **options) -> None:
        count = refresh_key_figures(year=year)
        self.stdout.write(f"Recomputed the key figures of {count} reports.")
