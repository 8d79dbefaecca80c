#!/usr/bin/env bash
# Run by toolkiosk-server-backup.service: one consistent copy of the server's
# database, written under a temporary name and renamed only when complete;
# the newest TOOLKIOSK_BACKUP_KEEP (14) are kept.
#   PostgreSQL (TOOLKIOSK_DATABASE_URL set): pg_dump's custom format,
#     restored with pg_restore.
#   SQLite: sqlite3's .backup (the online backup API), checked with
#     PRAGMA integrity_check.
set -euo pipefail

dest=${TOOLKIOSK_BACKUP_DIR:?set TOOLKIOSK_BACKUP_DIR}
keep=${TOOLKIOSK_BACKUP_KEEP:-14}
stamp=$(date -u +%Y%m%d-%H%M%S)

[ -d "$dest" ] || { echo "backup.sh: $dest is missing" >&2; exit 1; }
rm -f "$dest"/.partial-*
if [ -n "${TOOLKIOSK_DATABASE_URL:-}" ]; then
    name=server-$stamp.dump
    trap 'rm -f "$dest/.partial-$name"' EXIT
    pg_dump --format=custom --file="$dest/.partial-$name" "$TOOLKIOSK_DATABASE_URL"
else
    name=server-$stamp.db
    db=${TOOLKIOSK_SERVER_DATA:?set TOOLKIOSK_SERVER_DATA or TOOLKIOSK_DATABASE_URL}/server.db
    [ -f "$db" ] || { echo "backup.sh: no database at $db" >&2; exit 1; }
    trap 'rm -f "$dest/.partial-$name"' EXIT
    sqlite3 "$db" ".backup '$dest/.partial-$name'"
    # One self-contained file, no -wal beside it.
    sqlite3 "$dest/.partial-$name" "PRAGMA journal_mode=DELETE" >/dev/null
    check=$(sqlite3 "$dest/.partial-$name" "PRAGMA integrity_check")
    [ "$check" = ok ] || { echo "backup.sh: the copy failed its integrity check: $check" >&2; exit 1; }
fi
sync "$dest/.partial-$name"
mv "$dest/.partial-$name" "$dest/$name"
trap - EXIT
echo "backup.sh: wrote $dest/$name"

# Names sort by time; the fresh one is never removed.
mapfile -t old < <(find "$dest" -maxdepth 1 -name 'server-*' ! -name "$name" -printf '%f\n' | sort)
excess=$(( ${#old[@]} - (keep - 1) ))
for (( i = 0; i < excess; i++ )); do
    rm -f "$dest/${old[i]}"
    echo "backup.sh: removed ${old[i]}"
done
