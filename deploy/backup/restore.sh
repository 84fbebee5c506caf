#!/usr/bin/env bash
# CraneExam 起重机作业人员考试系统: restore a backup written by backup.sh.
#
#   crane-exam-restore [--yes] [--no-start] /var/backups/crane-exam/crane-exam-<time>
#
# As root. Steps, each printed:
#   1. checks the backup: SHA256SUMS present and every file matching it, exam.db in it,
#      no file that the manifest does not list, PRAGMA quick_check (if sqlite3 exists);
#   2. checks the target: data_dir (from the config) exists, the service user exists;
#   3. asks for confirmation (type RESTORE), unless --yes;
#   4. stops crane-exam-backup.timer (if active) and crane-exam.service, and checks that
#      no process still has the database open;
#   5. moves the current exam.db, exam.db-wal, exam.db-shm (and the key files the backup
#      replaces) into <data_dir>/pre-restore-<UTC time>/;
#   6. puts the backup's exam.db and key files in place, owner crane-exam, mode 0600;
#   7. starts crane-exam.service (it runs any pending database migrations at start) and
#      the timer again, unless --no-start.
# Nothing is deleted: the previous database stays in the pre-restore directory.
#
# Settings (environment):
#   CRANE_EXAM_SERVER_CONFIG  /etc/crane-exam/server.toml  (to find data_dir)
#   CRANE_EXAM_SERVER_BIN     /usr/local/bin/exam-server   (only for its version)
#   CRANE_EXAM_SERVICE        crane-exam.service
#   CRANE_EXAM_BACKUP_TIMER   crane-exam-backup.timer
#   CRANE_EXAM_USER           crane-exam
#
# Exit status: 0 restored; 1 refused or failed (see the message); 2 usage error.

set -euo pipefail
umask 077

PROG=crane-exam-restore
FAILURE=REFUSED/FAILED
CONFIG=${CRANE_EXAM_SERVER_CONFIG:-/etc/crane-exam/server.toml}
BIN=${CRANE_EXAM_SERVER_BIN:-/usr/local/bin/exam-server}
SERVICE=${CRANE_EXAM_SERVICE:-crane-exam.service}
TIMER=${CRANE_EXAM_BACKUP_TIMER:-crane-exam-backup.timer}
OWNER=${CRANE_EXAM_USER:-crane-exam}
KEY_FILES=(archive-signing.key jwt.key)
DB_FILES=(exam.db exam.db-wal exam.db-shm exam.db-journal)
ASSUME_YES=0
START=1

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
Usage: $PROG [--yes] [--no-start] BACKUP_DIR

Restore a CraneExam backup (a directory written by crane-exam-backup) into data_dir.
The running server is stopped; the current database is moved aside, not deleted.

  --yes       do not ask for confirmation
  --no-start  leave the service stopped afterwards
EOF
}

BACKUP=""
while [[ $# -gt 0 ]]; do
    case $1 in
    --yes) ASSUME_YES=1; shift ;;
    --no-start) START=0; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) usage >&2; exit 2 ;;
    *)
        [[ -z $BACKUP ]] || { usage >&2; exit 2; }
        BACKUP=$1
        shift
        ;;
    esac
done
[[ -n $BACKUP ]] || { usage >&2; exit 2; }

[[ $(id -u) -eq 0 ]] || die "run as root (it stops and starts $SERVICE and sets file owners)"

# --- 1. The backup -------------------------------------------------------------------
[[ -d $BACKUP ]] || die "no such backup directory: $BACKUP"
BACKUP=$(cd -- "$BACKUP" && pwd -P)
[[ -f $BACKUP/SHA256SUMS ]] ||
    die "no manifest $BACKUP/SHA256SUMS: not a complete backup (or not made by crane-exam-backup)"
[[ -f $BACKUP/exam.db ]] || die "no exam.db in $BACKUP"

verify_backup "$BACKUP" exam.db

if command -v sqlite3 >/dev/null 2>&1; then
    check=$(sqlite3 "file:$BACKUP/exam.db?immutable=1" 'PRAGMA quick_check;' 2>&1) ||
        die "sqlite3 cannot read $BACKUP/exam.db: $check"
    [[ $check == ok ]] || die "$BACKUP/exam.db fails PRAGMA quick_check: $check"
    say "database passes PRAGMA quick_check"
else
    warn "sqlite3 not installed: database not checked beyond its checksum"
fi

info() { sed -n "s/^$1=//p" "$BACKUP/BACKUP-INFO" 2>/dev/null | head -n 1; }
backup_version=$(info exam_server_version)
backup_time=$(info created_at)
current_version=$("$BIN" --version 2>/dev/null || echo unknown)

# --- 2. The target -------------------------------------------------------------------
id -u "$OWNER" >/dev/null 2>&1 || die "user $OWNER does not exist: install first (deploy/README.md)"
GROUP=$(id -gn "$OWNER")
[[ -r $CONFIG ]] || die "config file not readable: $CONFIG"
DATA_DIR=${CRANE_EXAM__DATA_DIR:-$(sed -n 's/^[[:space:]]*data_dir[[:space:]]*=[[:space:]]*"\([^"]*\)".*$/\1/p' "$CONFIG" | tail -n 1)}
[[ -n $DATA_DIR ]] || die "no data_dir = \"...\" line in $CONFIG"
[[ $DATA_DIR == /* ]] || die "data_dir must be an absolute path, not '$DATA_DIR'"
[[ -d $DATA_DIR ]] ||
    die "target data directory $DATA_DIR does not exist: install the server first (deploy/README.md), start it once, then restore"
systemctl cat -- "$SERVICE" >/dev/null 2>&1 || die "no systemd unit $SERVICE on this host"

# --- 3. Confirmation -----------------------------------------------------------------
cat <<EOF
About to restore:
  backup:       $BACKUP
  taken at:     ${backup_time:-unknown} (${backup_version:-version unknown})
  into:         $DATA_DIR (owner $OWNER:$GROUP)
  running now:  ${current_version}
  service:      $SERVICE will be STOPPED$([[ $START -eq 1 ]] && echo ' and started again')
Everything written since the backup (answers, results, sealed records) is left out of
the restored database; the current files are kept in $DATA_DIR/pre-restore-<time>/.
EOF
[[ $START -eq 1 ]] || echo "  (--no-start: the service stays stopped)"
if [[ -n $backup_version && $backup_version != "$current_version" ]]; then
    warn "backup made by '$backup_version', installed binary is '$current_version'." \
        "An older database is migrated at start; a database from a NEWER version does not" \
        "start with an older binary (install the matching binary first)."
fi
if [[ $ASSUME_YES -ne 1 ]]; then
    [[ -t 0 ]] || die "no terminal to confirm on: pass --yes to restore without asking"
    read -r -p "Type RESTORE to continue: " answer || answer=""
    [[ $answer == RESTORE ]] || die "not confirmed; nothing changed"
fi

# --- 4. Stop -------------------------------------------------------------------------
stamp=$(date -u +%Y%m%dT%H%M%SZ)
ASIDE="$DATA_DIR/pre-restore-$stamp"
moved=()
stopped=0
# If anything fails once the service is stopped, say how to put things back.
on_exit() {
    local status=$?
    [[ $status -ne 0 && $stopped -eq 1 ]] || return 0
    printf '%s: stopped half-way (exit %s); %s is NOT running.\n' "$PROG" "$status" "$SERVICE" >&2
    if [[ ${#moved[@]} -gt 0 ]]; then
        printf '%s: the previous files are in %s; to put them back:\n' "$PROG" "$ASIDE" >&2
        for f in "${moved[@]}"; do
            printf '    mv -f %q %q\n' "$ASIDE/$f" "$DATA_DIR/$f" >&2
        done
    fi
    printf '%s: then: systemctl start %s %s\n' "$PROG" "$SERVICE" "$TIMER" >&2
}
trap on_exit EXIT

systemctl is-active --quiet -- crane-exam-backup.service &&
    die "a backup is running (crane-exam-backup.service); wait for it and try again"
timer_was_active=0
if systemctl is-active --quiet -- "$TIMER"; then
    timer_was_active=1
    say "stopping $TIMER (no backup may start during the restore)"
    systemctl stop -- "$TIMER"
fi
say "stopping $SERVICE"
stopped=1
systemctl stop -- "$SERVICE"
systemctl is-active --quiet -- "$SERVICE" && die "$SERVICE is still active after stop"

# Nothing else may hold the database (a manual exam-server run, sqlite3, ...).
holders=$(find /proc/[0-9]*/fd -maxdepth 1 -lname "$DATA_DIR/exam.db*" 2>/dev/null | cut -d/ -f3 | sort -u | tr '\n' ' ' || true)
holders=${holders% }
[[ -z $holders ]] || die "process(es) $holders still have $DATA_DIR/exam.db open; stop them first"

# --- 5. Move the current files aside --------------------------------------------------
install -d -o "$OWNER" -g "$GROUP" -m 0700 -- "$ASIDE"
to_move=("${DB_FILES[@]}")
for key in "${KEY_FILES[@]}"; do
    [[ -f $BACKUP/$key ]] && to_move+=("$key")
done
for f in "${to_move[@]}"; do
    if [[ -e $DATA_DIR/$f ]]; then
        mv -- "$DATA_DIR/$f" "$ASIDE/$f"
        moved+=("$f")
        say "moved aside: $DATA_DIR/$f -> $ASIDE/$f"
    fi
done

# --- 6. Put the backup in place --------------------------------------------------------
restored=()
for f in exam.db "${KEY_FILES[@]}"; do
    [[ -f $BACKUP/$f ]] || continue
    install -o "$OWNER" -g "$GROUP" -m 0600 -- "$BACKUP/$f" "$DATA_DIR/.$f.restoring"
    want=$(awk -v f="$f" '{ n = $2; sub(/^\*/, "", n) } n == f { print $1 }' "$BACKUP/SHA256SUMS")
    got=$(sha256sum -- "$DATA_DIR/.$f.restoring" | cut -d' ' -f1)
    [[ $want == "$got" ]] || die "the copy of $f in $DATA_DIR does not match the manifest"
    mv -f -- "$DATA_DIR/.$f.restoring" "$DATA_DIR/$f"
    restored+=("$f")
    say "restored: $DATA_DIR/$f"
done
sync -- "$DATA_DIR" "${restored[@]/#/$DATA_DIR/}"
for key in "${KEY_FILES[@]}"; do
    if [[ ! -f $BACKUP/$key && -f $DATA_DIR/$key ]]; then
        say "kept the current $key (the backup has none)"
    fi
done
[[ -f $DATA_DIR/archive-signing.key ]] ||
    warn "no archive-signing.key: the server will create a NEW signing key at start"

# --- 7. Start ------------------------------------------------------------------------
if [[ $START -eq 1 ]]; then
    say "starting $SERVICE (pending database migrations run now)"
    systemctl start -- "$SERVICE" || die "$SERVICE did not start: journalctl -u $SERVICE -n 50"
    # Type=exec is "active" once the binary runs; a failing migration ends it within seconds.
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        sleep 1
        systemctl is-active --quiet -- "$SERVICE" ||
            die "$SERVICE stopped again: journalctl -u $SERVICE -n 50 (previous files: $ASIDE)"
    done
    say "$SERVICE is running"
    stopped=0
    if [[ $timer_was_active -eq 1 ]]; then
        systemctl start -- "$TIMER"
        say "started $TIMER again"
    fi
else
    stopped=0
    say "--no-start: $SERVICE left stopped$([[ $timer_was_active -eq 1 ]] && echo "; $TIMER too")"
fi

cat <<EOF

Restore complete.
  restored from:   $BACKUP (taken ${backup_time:-at an unknown time})
  files restored:  ${restored[*]}
  previous files:  $ASIDE/ (${moved[*]:-none}); delete when no longer needed
  check:           journalctl -u $SERVICE -n 50 ; the console's 首页 and 存档 pages;
                   runuser -u $OWNER -- $BIN archive verify --config $CONFIG
EOF
