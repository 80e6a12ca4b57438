#!/usr/bin/env bash
# `make backup-check`: back up a PostgreSQL database (pg_dump -Fc) and the publication store (tar), restore both into
# a fresh database and a fresh directory, and verify the restore (manage.py verify_backup: row counts per table
# against the source, every publication's SHA-256). The restored copies are removed afterwards.
#
#   scripts/backup-check.sh [DATABASE_URL] [PUBLICATIONS_ROOT]
#
# Defaults: $DATABASE_URL and $PUBLICATIONS_ROOT (media/publications). The database's user must be allowed to
# create databases (the fresh one is created beside the source, on the same server).
set -euo pipefail
cd "$(dirname "$0")/.."

source_url=${1:-${DATABASE_URL:?"give a postgres:// URL or set DATABASE_URL"}}
store=${2:-${PUBLICATIONS_ROOT:-media/publications}}
python=${PYTHON_BIN:-${VENV:-.venv}/bin/python}

case "$source_url" in
  postgres://*|postgresql://*) ;;
  *) echo "backup-check needs a PostgreSQL DATABASE_URL, not $source_url" >&2; exit 2 ;;
esac
server=${source_url%/*}
name=${source_url##*/}
name=${name%%\?*}
restored_name="${name}_restore_check_$$"
restored_url="$server/$restored_name"
work=$(mktemp -d)

cleanup() {
  psql -q "$server/postgres" -c "DROP DATABASE IF EXISTS \"$restored_name\"" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "1. Backup: pg_dump of $name, tar of $store"
pg_dump --format=custom --no-owner --file="$work/database.dump" "$source_url"
mkdir -p "$work/empty"
tar -C "$(if [ -d "$store" ]; then echo "$store"; else echo "$work/empty"; fi)" -cf "$work/publications.tar" .

echo "2. Restore: a fresh database ($restored_name) and a fresh store directory"
psql -q "$server/postgres" -c "CREATE DATABASE \"$restored_name\""
pg_restore --no-owner --exit-on-error --dbname="$restored_url" "$work/database.dump"
mkdir "$work/store"
tar -C "$work/store" -xf "$work/publications.tar"

echo "3. Verify"
DEBUG=true "$python" manage.py verify_backup --database-url "$restored_url" --store "$work/store" \
  --compare-with "$source_url"
