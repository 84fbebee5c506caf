#!/usr/bin/env bash
# CraneExam 起重机作业人员考试系统: online backup of the exam database and keys.
#
# Takes a consistent copy of the live SQLite database while exam-server runs, by calling
#   exam-server backup --config <server.toml> --output <file>
# (SQLite VACUUM INTO; exits non-zero on failure), copies the key files of data_dir and
# the config next to it, writes a SHA-256 manifest (SHA256SUMS, `sha256sum -c` format),
# and keeps the newest N unlabelled backups.
#
# Installed as /usr/local/sbin/crane-exam-backup and run by crane-exam-backup.service
# (timer). By hand:
#   crane-exam-backup                        # as root or crane-exam
#   crane-exam-backup --label pre-upgrade    # kept until removed by hand
#
# Layout of one backup, <dest>/crane-exam-<UTC time>[-<label>]/:
#   exam.db               the database (rollback-journal mode file; WAL is set again on open)
#   archive-signing.key   Ed25519 archive signing key (secret!), if present
#   jwt.key               token key, if present (absent when jwt_secret comes from secrets.env)
#   server.toml           the configuration used (no secrets in it)
#   BACKUP-INFO           when, where, which exam-server version
#   SHA256SUMS            SHA-256 of every file above
#
# Settings (environment, or the options below):
#   CRANE_EXAM_SERVER_CONFIG  /etc/crane-exam/server.toml   (--config)
#   CRANE_EXAM_SERVER_BIN     /usr/local/bin/exam-server    (--bin)
#   CRANE_EXAM_BACKUP_DIR     /var/backups/crane-exam       (--dest)
#   CRANE_EXAM_BACKUP_KEEP    30                            (--keep)
#   CRANE_EXAM_USER           crane-exam   (root re-runs the script as this user)
# data_dir is read from the config file (or CRANE_EXAM__DATA_DIR, like exam-server).
#
# Exit status: 0 backup written; 1 failure (nothing half-written is left behind);
# 2 usage error.

set -euo pipefail
umask 077

PROG=crane-exam-backup
FAILURE=ERROR
CONFIG=${CRANE_EXAM_SERVER_CONFIG:-/etc/crane-exam/server.toml}
BIN=${CRANE_EXAM_SERVER_BIN:-/usr/local/bin/exam-server}
DEST=${CRANE_EXAM_BACKUP_DIR:-/var/backups/crane-exam}
KEEP=${CRANE_EXAM_BACKUP_KEEP:-30}
OWNER=${CRANE_EXAM_USER:-crane-exam}
LABEL=""
KEY_FILES=(archive-signing.key jwt.key)

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
Usage: $PROG [--config FILE] [--bin PATH] [--dest DIR] [--keep N] [--label NAME]

Online backup of the CraneExam database and keys (safe while exam-server runs).

  --config FILE  exam-server config file        [$CONFIG]
  --bin PATH     exam-server binary             [$BIN]
  --dest DIR     directory holding the backups  [$DEST]
  --keep N       unlabelled backups to keep     [$KEEP]
  --label NAME   add NAME to this backup's directory name (letters, digits, . _ -);
                 labelled backups are never removed automatically
EOF
}

while [[ $# -gt 0 ]]; do
    case $1 in
    --config) CONFIG=${2:?--config needs a file}; shift 2 ;;
    --bin) BIN=${2:?--bin needs a path}; shift 2 ;;
    --dest) DEST=${2:?--dest needs a directory}; shift 2 ;;
    --keep) KEEP=${2:?--keep needs a number}; shift 2 ;;
    --label) LABEL=${2:?--label needs a name}; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) bad_usage "unknown argument '$1'" ;;
    esac
done

[[ $KEEP =~ ^[1-9][0-9]*$ ]] || bad_usage "--keep must be a whole number >= 1, not '$KEEP'"
if [[ -n $LABEL && ! $LABEL =~ ^[A-Za-z0-9._-]{1,40}$ ]]; then
    bad_usage "--label takes 1-40 letters, digits, '.', '_' or '-', not '$LABEL'"
fi

# Run as the service's user, so that nothing in data_dir changes owner and the backup
# files belong to the same account as the database.
if [[ $(id -u) -eq 0 && $(id -un) != "$OWNER" ]]; then
    id -u "$OWNER" >/dev/null 2>&1 || die "user $OWNER does not exist (see deploy/README.md, Install)"
    say "running as $OWNER"
    exec runuser -u "$OWNER" -- "$0" --config "$CONFIG" --bin "$BIN" --dest "$DEST" \
        --keep "$KEEP" ${LABEL:+--label "$LABEL"}
fi

# --- Preflight ---------------------------------------------------------------------
[[ -x $BIN ]] || die "exam-server binary not found or not executable: $BIN"
[[ -r $CONFIG ]] || die "config file not readable by $(id -un): $CONFIG"
if ! "$BIN" backup --help >/dev/null 2>&1; then
    die "$BIN has no 'backup' subcommand (this exam-server version is too old). Copying" \
        "exam.db by hand while the server runs is NOT a consistent backup; upgrade first."
fi

# data_dir as exam-server sees it: CRANE_EXAM__DATA_DIR, else the config file's key.
data_dir_of() {
    sed -n 's/^[[:space:]]*data_dir[[:space:]]*=[[:space:]]*"\([^"]*\)".*$/\1/p' "$1" | tail -n 1
}
DATA_DIR=${CRANE_EXAM__DATA_DIR:-$(data_dir_of "$CONFIG")}
[[ -n $DATA_DIR ]] || die "no data_dir = \"...\" line in $CONFIG (set it to an absolute path)"
[[ $DATA_DIR == /* ]] || die "data_dir must be an absolute path, not '$DATA_DIR'"
[[ -d $DATA_DIR ]] || die "data directory does not exist: $DATA_DIR"
[[ -f $DATA_DIR/exam.db ]] || die "no database at $DATA_DIR/exam.db (has the server ever started?)"

if [[ ! -d $DEST ]]; then
    mkdir -p -- "$DEST" || die "cannot create backup directory $DEST"
    chmod 0700 -- "$DEST"
fi
[[ -w $DEST ]] || die "backup directory not writable by $(id -un): $DEST"

# One backup at a time.
exec 9>>"$DEST/.lock"
flock -n 9 || die "another backup is running (lock $DEST/.lock)"

# Leftovers of an interrupted run (we hold the lock, so nobody is writing them).
find "$DEST" -mindepth 1 -maxdepth 1 -type d -name '.incomplete-*' -exec rm -rf -- {} +

# Room for a full copy: the database plus its WAL, with 10 % to spare.
db_bytes=$(($(stat -c %s -- "$DATA_DIR/exam.db") + $(stat -c %s -- "$DATA_DIR/exam.db-wal" 2>/dev/null || echo 0)))
free_bytes=$(df -P -B1 -- "$DEST" | awk 'NR == 2 { print $4 }')
if ((free_bytes < db_bytes + db_bytes / 10)); then
    die "not enough space in $DEST: $free_bytes bytes free, about $db_bytes needed"
fi

# --- Backup ------------------------------------------------------------------------
stamp=$(date -u +%Y%m%dT%H%M%SZ)
name="crane-exam-$stamp${LABEL:+-$LABEL}"
final="$DEST/$name"
work="$DEST/.incomplete-$name"
begin_backup "$final" "$work"

say "backing up $DATA_DIR/exam.db (about $((db_bytes / 1024 / 1024)) MiB) to $final"
started=$SECONDS
"$BIN" backup --config "$CONFIG" --output "$work/exam.db" ||
    die "exam-server backup failed (exit $?); see the messages above. No backup written."
[[ -s $work/exam.db ]] || die "exam-server backup wrote no database"

if command -v sqlite3 >/dev/null 2>&1; then
    # immutable=1: read the copy without creating -wal/-shm files next to it.
    check=$(sqlite3 "file:$work/exam.db?immutable=1" 'PRAGMA quick_check;' 2>&1) ||
        die "sqlite3 could not read the copy: $check"
    [[ $check == ok ]] || die "the copy fails PRAGMA quick_check: $check"
    say "copy passes PRAGMA quick_check"
else
    warn "sqlite3 not installed: the copy was not checked (apt-get install sqlite3)"
fi

copied=()
for key in "${KEY_FILES[@]}"; do
    if [[ -f $DATA_DIR/$key ]]; then
        cp --preserve=timestamps -- "$DATA_DIR/$key" "$work/$key"
        copied+=("$key")
    fi
done
[[ -f $work/archive-signing.key ]] ||
    warn "no $DATA_DIR/archive-signing.key: sealed records can only be verified with" \
        "the public keys kept in the database; new records will be signed by a new key"
cp --preserve=timestamps -- "$CONFIG" "$work/server.toml"

version=$("$BIN" --version 2>/dev/null || echo unknown)
{
    echo "created_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "host=$(hostname)"
    echo "exam_server_version=$version"
    echo "config=$CONFIG"
    echo "data_dir=$DATA_DIR"
    echo "label=$LABEL"
    echo "files=exam.db ${copied[*]} server.toml"
} >"$work/BACKUP-INFO"

seal_backup "$work" "$final" "$DEST" "$started"

# --- Keep the newest $KEEP unlabelled backups ----------------------------------------
prune_backups "$DEST" crane-exam "$KEEP"

echo "$final"
