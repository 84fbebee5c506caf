#!/usr/bin/env bash
# CraneExam 起重机作业人员考试系统: online backup of the PostgreSQL database of
# exam-server (database_url set; several instances). For SQLite use backup.sh.
#
# `exam-server backup` is SQLite-only; for PostgreSQL the backup is pg_dump's custom
# format, one consistent snapshot taken while the servers keep running.
#
#   crane-exam-pg-backup                           # URL from CRANE_EXAM__DATABASE_URL
#   crane-exam-pg-backup --data-dir /var/lib/crane-exam --label pre-upgrade
#   crane-exam-pg-backup --url postgres://crane_exam:PASSWORD@db.example.lan:5432/crane_exam
#
# Prefer the environment variable to --url: a command line is visible to every user
# of the machine (ps). The password is never printed, and pg_dump gets it through
# PGPASSWORD, not on its command line.
#
# Layout of one backup, <dest>/crane-exam-pg-<UTC time>[-<label>]/:
#   exam.dump             pg_dump -Fc --no-owner (restore with pg-restore.sh)
#   archive-signing.key   Ed25519 archive signing key (secret!), with --data-dir
#   BACKUP-INFO           when, where, database (without password), versions
#   SHA256SUMS            SHA-256 of every file above (`sha256sum -c` format)
# The directory is written as <name>.partial and renamed when complete, so a
# directory without .partial is always complete.
#
# Settings (environment, or the options below):
#   CRANE_EXAM__DATABASE_URL  the server's database URL              (--url)
#   CRANE_EXAM_BACKUP_DIR     /var/backups/crane-exam-pg             (--dest)
#   CRANE_EXAM_BACKUP_KEEP    30                                     (--keep)
#   CRANE_EXAM_DATA_DIR       (none: no key copied)                  (--data-dir)
# Needs pg_dump and pg_restore of the server's major version or newer
# (apt-get install postgresql-client), sha256sum, flock; psql is optional.
#
# Exit status: 0 backup written; 1 failure (nothing half-written is left behind);
# 2 usage error.

set -euo pipefail
umask 077

PROG=crane-exam-pg-backup
FAILURE=ERROR
URL=${CRANE_EXAM__DATABASE_URL:-}
DEST=${CRANE_EXAM_BACKUP_DIR:-/var/backups/crane-exam-pg}
KEEP=${CRANE_EXAM_BACKUP_KEEP:-30}
DATA_DIR=${CRANE_EXAM_DATA_DIR:-}
LABEL=""

# Shared helpers (say, die, begin_backup, seal_backup, prune_backups, verify_backup, split_url).
common=$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/common.sh
[[ -r $common ]] || common=/usr/local/lib/crane-exam/backup-common.sh
[[ -r $common ]] || {
    printf '%s: ERROR: %s is missing (install -D -m 0644 deploy/backup/common.sh %s)\n' \
        "$PROG" "$common" "$common" >&2
    exit 1
}
# shellcheck source=common.sh
. "$common"

usage() {
    cat <<EOF
Usage: $PROG [--url URL] [--dest DIR] [--keep N] [--label NAME] [--data-dir DIR]

Online backup of the CraneExam PostgreSQL database (pg_dump -Fc), safe while the
exam-server instances run.

  --url URL       postgres://user:password@host:5432/db   [\$CRANE_EXAM__DATABASE_URL]
  --dest DIR      directory holding the backups           [$DEST]
  --keep N        unlabelled backups to keep              [$KEEP]
  --label NAME    add NAME to this backup's directory name (letters, digits, . _ -);
                  labelled backups are never removed automatically
  --data-dir DIR  an instance's data_dir: copy its archive-signing.key into the backup
EOF
}

while [[ $# -gt 0 ]]; do
    case $1 in
    --url) URL=${2:?--url needs a URL}; shift 2 ;;
    --dest) DEST=${2:?--dest needs a directory}; shift 2 ;;
    --keep) KEEP=${2:?--keep needs a number}; shift 2 ;;
    --label) LABEL=${2:?--label needs a name}; shift 2 ;;
    --data-dir) DATA_DIR=${2:?--data-dir needs a directory}; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) bad_usage "unknown argument '$1'" ;;
    esac
done

[[ $KEEP =~ ^[1-9][0-9]*$ ]] || bad_usage "--keep must be a whole number >= 1, not '$KEEP'"
if [[ -n $LABEL && ! $LABEL =~ ^[A-Za-z0-9._-]{1,40}$ ]]; then
    bad_usage "--label takes 1-40 letters, digits, '.', '_' or '-', not '$LABEL'"
fi
[[ -n $URL ]] || bad_usage "no database URL: set CRANE_EXAM__DATABASE_URL or pass --url"

split_url "$URL"
unset URL CRANE_EXAM__DATABASE_URL

# --- Preflight ---------------------------------------------------------------------
for tool in pg_dump pg_restore sha256sum flock; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found (apt-get install postgresql-client coreutils util-linux)"
done
if [[ -n $DATA_DIR ]]; then
    [[ -d $DATA_DIR ]] || die "--data-dir: no such directory: $DATA_DIR"
fi

if [[ ! -d $DEST ]]; then
    mkdir -p -- "$DEST" || die "cannot create backup directory $DEST"
    chmod 0700 -- "$DEST"
fi
[[ -w $DEST ]] || die "backup directory not writable by $(id -un): $DEST"

# One backup at a time.
exec 9>>"$DEST/.lock"
flock -n 9 || die "another backup is running (lock $DEST/.lock)"

# Leftovers of an interrupted run (we hold the lock, so nobody is writing them).
find "$DEST" -mindepth 1 -maxdepth 1 -type d -name 'crane-exam-pg-*.partial' -exec rm -rf -- {} +

# --- Backup ------------------------------------------------------------------------
stamp=$(date -u +%Y%m%dT%H%M%SZ)
name="crane-exam-pg-$stamp${LABEL:+-$LABEL}"
final="$DEST/$name"
work="$final.partial"
begin_backup "$final" "$work"

say "dumping $URL_SHOWN to $final"
started=$SECONDS
# One snapshot (pg_dump runs in a repeatable-read transaction): the servers keep
# writing meanwhile. --no-owner: the restore makes the restoring role the owner.
pg_dump --format=custom --no-owner --file="$work/exam.dump" --dbname="$URL_NOPW" ||
    die "pg_dump failed (see its message above). No backup written."
[[ -s $work/exam.dump ]] || die "pg_dump wrote no data"

# The archive must be readable as a whole; its table of contents also names the versions.
toc=$(pg_restore --list "$work/exam.dump") || die "pg_restore cannot read the dump it just wrote"
tables=$(grep -c ' TABLE DATA ' <<<"$toc" || true)
server_version=$(sed -n 's/^;[[:space:]]*Dumped from database version: //p' <<<"$toc" | head -n 1)
dump_version=$(sed -n 's/^;[[:space:]]*Dumped by pg_dump version: //p' <<<"$toc" | head -n 1)
grep -Eq ' TABLE DATA public _sqlx_migrations( |$)' <<<"$toc" ||
    warn "the dump has no table _sqlx_migrations: is this the database of exam-server?"
say "dump readable by pg_restore: $tables tables with data"

migration=""
if command -v psql >/dev/null 2>&1; then
    migration=$(psql -X -A -t -q --dbname="$URL_NOPW" \
        -c 'SELECT max(version) FROM _sqlx_migrations WHERE success' 2>/dev/null || true)
fi

copied=()
if [[ -n $DATA_DIR ]]; then
    if [[ -f $DATA_DIR/archive-signing.key ]]; then
        cp --preserve=timestamps -- "$DATA_DIR/archive-signing.key" "$work/archive-signing.key"
        chmod 0600 -- "$work/archive-signing.key"
        copied+=(archive-signing.key)
    else
        warn "no $DATA_DIR/archive-signing.key: the backup holds no signing key"
    fi
else
    warn "no --data-dir: archive-signing.key is not in this backup (back it up separately)"
fi

{
    echo "created_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "host=$(uname -n)"
    echo "kind=postgresql"
    echo "database=$URL_SHOWN"
    echo "server_version=$server_version"
    echo "pg_dump_version=$dump_version"
    echo "schema_migration=$migration"
    echo "label=$LABEL"
    echo "files=exam.dump ${copied[*]}"
} >"$work/BACKUP-INFO"

seal_backup "$work" "$final" "$DEST" "$started"

# --- Keep the newest $KEEP unlabelled backups ----------------------------------------
prune_backups "$DEST" crane-exam-pg "$KEEP"

echo "$final"
