from django.core.management.base import BaseCommand, CommandParser

from reports.synthetic import generate_units


class Command(BaseCommand):
    help = (
        "Create synthetic units with evaluations, key figures and publications over several years, for measuring "
        "the bureau's summary at scale. Idempotent: existing units named <prefix>NNNNN are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--units", type=int, default=100)
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument("--last-year", type=int, help="The newest year (default: last year).")
        parser.add_argument("--prefix", default="合成单位", help="Names of the units: <prefix>00001 …")

    def handle(self, *args, units: int, years: int, last_year: int | None, prefix: str, **options) -> None:
        made = generate_units(units=units, years=years, last_year=last_year, prefix=prefix)
        self.stdout.write(
            f"New: {made.units} units, {made.evaluations} evaluations, {made.key_figures} key figures, "
            f"{made.publications} publications."
        )
