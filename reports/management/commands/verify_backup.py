"""Check a restored backup: every table has as many rows as the database it was taken from, and every published
PDF in the restored store has the SHA-256 and size its publication row recorded. Run by scripts/backup-check.sh
(`make backup-check`); usable on its own after a real restore."""

from __future__ import annotations

import hashlib
from pathlib import Path

import psycopg2
from django.core.management.base import BaseCommand, CommandError, CommandParser
from psycopg2 import sql

PUBLICATION_TABLE = "evaluations_publication"


def table_counts(url: str) -> dict[str, int]:
    """Rows per table of the public schema (exact counts: a backup check must not rely on statistics)."""
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
        tables = [name for (name,) in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
            counts[table] = cursor.fetchone()[0]
    connection.close()
    return counts


def publication_files(url: str) -> list[tuple[int, str, str, int]]:
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("SELECT id, pdf_name, pdf_sha256, pdf_size FROM {} ORDER BY id").format(
                sql.Identifier(PUBLICATION_TABLE)
            )
        )
        rows = cursor.fetchall()
    connection.close()
    return rows


def file_problem(store: Path, name: str, sha256: str, size: int) -> str | None:
    path = (store / name).resolve()
    if not path.is_relative_to(store.resolve()):
        return f"{name}: outside the store"
    if not path.is_file():
        return f"{name}: missing"
    digest = hashlib.sha256()
    with path.open("rb") as stored:
        for chunk in iter(lambda: stored.read(1024 * 1024), b""):
            digest.update(chunk)
    if path.stat().st_size != size:
        return f"{name}: {path.stat().st_size} bytes, the publication recorded {size}"
    if digest.hexdigest() != sha256:
        return f"{name}: SHA-256 {digest.hexdigest()}, the publication recorded {sha256}"
    return None


class Command(BaseCommand):
    help = "Verify a restored backup: row counts per table against the source, and every publication's SHA-256."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database-url", required=True, help="The restored PostgreSQL database.")
        parser.add_argument("--store", required=True, type=Path, help="The restored publication store (a directory).")
        parser.add_argument("--compare-with", help="The database the backup was taken from: row counts must match.")

    def handle(self, *args, database_url: str, store: Path, compare_with: str | None, **options) -> None:
        problems: list[str] = []
        restored = table_counts(database_url)
        if compare_with:
            source = table_counts(compare_with)
            for table in sorted(set(source) | set(restored)):
                if source.get(table) != restored.get(table):
                    problems.append(
                        f"table {table}: {source.get(table)} rows in the source, {restored.get(table)} restored"
                    )
            self.stdout.write(f"{len(restored)} tables, {sum(restored.values())} rows: counts compared with the source")
        publications = publication_files(database_url)
        for pk, name, sha256, size in publications:
            found = file_problem(store, name, sha256, size)
            if found is not None:
                problems.append(f"publication {pk}: {found}")
        self.stdout.write(f"{len(publications)} publications: PDFs checked against their SHA-256")
        if problems:
            raise CommandError("The backup does not restore faithfully:\n" + "\n".join(problems))
        self.stdout.write(self.style.SUCCESS("Backup verified."))
