from django.core.management.base import BaseCommand, CommandParser

from reports import print_fonts


class Command(BaseCommand):
    help = (
        "Build the PDF's CJK faces (GB 2312 and common symbols, from the system's Noto CJK collections) into "
        "static/fonts/, which makes WeasyPrint's PDFs several times cheaper to write. Skips faces already built."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Build every face again.")

    def handle(self, *args, force: bool, **options) -> None:
        faces = print_fonts.FACES if force else print_fonts.missing()
        for face in faces:
            path = print_fonts.build(face)
            self.stdout.write(f"Built {path.name} ({path.stat().st_size / 1e6:.1f} MB) from {face.source}.")
        if not faces:
            self.stdout.write("The report fonts are built.")
