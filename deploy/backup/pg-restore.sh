#!/usr/bin/env bash
# CraneExam 起重机作业人员考试系统: restore a backup written by pg-backup.sh into a
# PostgreSQL database.
#
#   crane-exam-pg-restore [--yes] [--force] BACKUP_DIR [URL]
#
# URL is the database to restore into, as the servers will use it
# (postgres://user:password@host:5432/db); without it CRANE_EXAM__DATABASE_URL. Restore
# AS THE ROLE THE SERVERS USE: the dump carries no owners (--no-owner), so the
# restoring role owns every restored table. Steps, each printed:
#   1. checks the backup: SHA256SUMS present, every file matching it, exam.dump in it,
#      no file the manifest does not list, pg_restore can read the dump;
#   2. checks the target: reachable, EMPTY (no table in schema public), and no other
#      session connected to it (the exam-server instances must be stopped);
#   3. asks for confirmation (type RESTORE), unless --yes;
#   4. pg_restore --no-owner --exit-on-error --single-transaction: all or nothing;
#   5. prints what it restored and what to do next (signing key, starting the servers;
#      migrations run at their start if the backup is older than the binary).
#
# --force restores into a database that is not empty, or that other sessions use:
# objects in the dump are dropped first (pg_restore --clean --if-exists), objects the
# dump does not have are left alone. Prefer an empty database:
#   DROP DATABASE crane_exam; CREATE DATABASE crane_exam OWNER crane_exam;
#
# Needs pg_restore (of the dump's pg_dump version or newer), psql, sha256sum.
# The password is never printed and not passed on a command line (PGPASSWORD).
#
# Exit status: 0 restored; 1 refused or failed (see the message); 2 usage error.

set -euo pipefail
umask 077

PROG=crane-exam-pg-restore
FAILURE=REFUSED/FAILED
ASSUME_YES=0
FORCE=0

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
Usage: $PROG [--yes] [--force] BACKUP_DIR [URL]

Restore a CraneExam PostgreSQL backup (a directory written by crane-exam-pg-backup)
into the database URL (default: \$CRANE_EXAM__DATABASE_URL), which must be empty.
Stop every exam-server instance first.

  --yes    do not ask for confirmation
  --force  restore even if the database has tables or other sessions (drops and
           recreates the objects of the dump; others stay)
EOF
}

BACKUP=""
URL=""
while [[ $# -gt 0 ]]; do
    case $1 in
    --yes) ASSUME_YES=1; shift ;;
    --force) FORCE=1; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) usage >&2; exit 2 ;;
    *)
        if [[ -z $BACKUP ]]; then
            BACKUP=$1
        elif [[ -z $URL ]]; then
            URL=$1
        else
            usage >&2
            exit 2
        fi
        shift
        ;;
    esac
done
[[ -n $BACKUP ]] || { usage >&2; exit 2; }
URL=${URL:-${CRANE_EXAM__DATABASE_URL:-}}
[[ -n $URL ]] || { printf '%s: no target URL (argument or CRANE_EXAM__DATABASE_URL)\n' "$PROG" >&2; exit 2; }

split_url "$URL"
unset URL CRANE_EXAM__DATABASE_URL

for tool in pg_restore psql sha256sum; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found (apt-get install postgresql-client coreutils)"
done

# --- 1. The backup -------------------------------------------------------------------
[[ -d $BACKUP ]] || die "no such backup directory: $BACKUP"
BACKUP=$(cd -- "$BACKUP" && pwd -P)
[[ $BACKUP != *.partial ]] || die "$BACKUP is an unfinished backup (.partial)"
[[ -f $BACKUP/SHA256SUMS ]] ||
    die "no manifest $BACKUP/SHA256SUMS: not a complete backup (or not made by crane-exam-pg-backup)"
[[ -f $BACKUP/exam.dump ]] || die "no exam.dump in $BACKUP (a SQLite backup? use restore.sh)"

verify_backup "$BACKUP" exam.dump
pg_restore --list "$BACKUP/exam.dump" >/dev/null || die "pg_restore cannot read $BACKUP/exam.dump"

info() { sed -n "s/^$1=//p" "$BACKUP/BACKUP-INFO" 2>/dev/null | head -n 1; }
backup_time=$(info created_at)
backup_db=$(info database)
backup_migration=$(info schema_migration)

# --- 2. The target -------------------------------------------------------------------
q() { psql -X -A -t -q -v ON_ERROR_STOP=1 --dbname="$URL_NOPW" -c "$1"; }
q 'SELECT 1' >/dev/null || die "cannot connect to $URL_SHOWN (see the message above)"
tables=$(q "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')")
others=$(q "SELECT count(*) FROM pg_catalog.pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()")
# exam-server connects with application_name = exam-server.
servers=$(q "SELECT count(*) FROM pg_catalog.pg_stat_activity
             WHERE datname = current_database() AND application_name = 'exam-server'")
clean=()
if [[ $tables != 0 ]]; then
    [[ $FORCE -eq 1 ]] ||
        die "$URL_SHOWN is not empty ($tables tables in schema public). Restore into an empty" \
            "database (DROP DATABASE / CREATE DATABASE), or pass --force to drop and recreate" \
            "the dump's objects in it"
    warn "$URL_SHOWN has $tables tables in schema public; --force: the dump's objects are dropped and recreated"
    clean=(--clean --if-exists)
fi
if [[ $others != 0 ]]; then
    [[ $FORCE -eq 1 ]] ||
        die "$others other session(s) are connected to $URL_SHOWN ($servers of them exam-server):" \
            "stop every exam-server instance (and other clients) first, or pass --force"
    warn "$others other session(s) connected to $URL_SHOWN (--force)"
fi

# --- 3. Confirmation -----------------------------------------------------------------
cat <<EOF
About to restore:
  backup:     $BACKUP
  taken at:   ${backup_time:-unknown} from ${backup_db:-unknown} (schema migration ${backup_migration:-unknown})
  into:       $URL_SHOWN ($tables tables in schema public now)
The exam-server instances must stay stopped until the restore is complete.
EOF
if [[ $ASSUME_YES -ne 1 ]]; then
    [[ -t 0 ]] || die "no terminal to confirm on: pass --yes to restore without asking"
    read -r -p "Type RESTORE to continue: " answer || answer=""
    [[ $answer == RESTORE ]] || die "not confirmed; nothing changed"
fi

# --- 4. Restore ----------------------------------------------------------------------
say "restoring (one transaction: on any error nothing is restored) ..."
started=$SECONDS
pg_restore --no-owner --exit-on-error --single-transaction "${clean[@]}" \
    --dbname="$URL_NOPW" "$BACKUP/exam.dump" ||
    die "pg_restore failed (see its message above); the transaction was rolled back"
restored=$(q "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')")
migration=$(q 'SELECT max(version) FROM _sqlx_migrations WHERE success' 2>/dev/null || echo none)

key_note="the backup has no archive-signing.key: keep each instance's current key (or the
                   server creates a new one; old records still verify)"
if [[ -f $BACKUP/archive-signing.key ]]; then
    key_note="install $BACKUP/archive-signing.key as <data_dir>/archive-signing.key
                   of every instance (owner of the server, mode 0600) before starting them"
fi
cat <<EOF

Restore complete in $((SECONDS - started)) s.
  restored from:   $BACKUP (taken ${backup_time:-at an unknown time})
  into:            $URL_SHOWN: $restored tables in schema public, schema migration ${migration:-none}
  signing key:     $key_note
  next:            start ONE exam-server instance (pending migrations run at its start),
                   check its log and /healthz, then start the others;
                   exam-server archive verify (outside exam hours)
EOF
