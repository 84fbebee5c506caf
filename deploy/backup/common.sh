# CraneExam 起重机作业人员考试系统: what the backup and restore scripts share
# (backup.sh, restore.sh, pg-backup.sh, pg-restore.sh source it). Not a command.
#
# Found next to the script (a checkout, the compose setup's /scripts), otherwise at
#   /usr/local/lib/crane-exam/backup-common.sh
# (install -D -m 0644 deploy/backup/common.sh /usr/local/lib/crane-exam/backup-common.sh).
#
# The sourcing script sets PROG (its name in messages) and FAILURE (the word before a
# fatal message: ERROR for backups, REFUSED/FAILED for restores).
# shellcheck shell=bash

say() { printf '%s: %s\n' "$PROG" "$*"; }
warn() { printf '%s: WARNING: %s\n' "$PROG" "$*" >&2; }
die() {
    printf '%s: %s: %s\n' "$PROG" "${FAILURE:-ERROR}" "$*" >&2
    exit 1
}
bad_usage() {
    printf '%s: %s (see --help)\n' "$PROG" "$*" >&2
    exit 2
}

# begin_backup FINAL WORK: refuse an existing FINAL, then create the work directory WORK
# (mode 0700); it is removed when the script exits unless seal_backup has renamed it.
begin_backup() {
    [[ ! -e $1 ]] || die "$1 already exists"
    BACKUP_WORK=$2
    trap 'if [[ -n ${BACKUP_WORK:-} && -d $BACKUP_WORK ]]; then rm -rf -- "$BACKUP_WORK"; fi' EXIT
    mkdir -m 0700 -- "$BACKUP_WORK"
}

# seal_backup WORK FINAL DEST STARTED: write SHA256SUMS over every file of the finished
# backup directory WORK, sync it, rename it to FINAL (so a backup under its final name
# is always complete) and report.
seal_backup() {
    local work=$1 final=$2 dest=$3 started=$4 files
    mapfile -t files < <(find "$work" -mindepth 1 -maxdepth 1 -type f -printf '%f\n' | LC_ALL=C sort)
    (cd -- "$work" && sha256sum -- "${files[@]}" >SHA256SUMS.tmp && mv -- SHA256SUMS.tmp SHA256SUMS)
    sync -- "$work"/* "$work"
    mv -- "$work" "$final"
    BACKUP_WORK=""
    sync -- "$dest"
    say "backup complete in $((SECONDS - started)) s: $final ($(du -sh -- "$final" | cut -f1))"
}

# prune_backups DEST PREFIX KEEP: keep the newest KEEP unlabelled backups named
# PREFIX-<UTC time> in DEST (labelled ones are never removed).
prune_backups() {
    local dest=$1 prefix=$2 keep=$3 backups excess i
    mapfile -t backups < <(find "$dest" -mindepth 1 -maxdepth 1 -type d \
        -regextype posix-extended -regex ".*/$prefix-[0-9]{8}T[0-9]{6}Z" -printf '%f\n' | LC_ALL=C sort)
    excess=$((${#backups[@]} - keep))
    for ((i = 0; i < excess; i++)); do
        say "removing old backup ${backups[i]} (keeping $keep)"
        rm -rf -- "${dest:?}/${backups[i]}"
    done
}

# verify_backup BACKUP MAIN: BACKUP's SHA256SUMS lists MAIN (the database file), lists
# every file in BACKUP, and every checksum matches.
verify_backup() {
    local backup=$1 main=$2 listed=() file path
    while read -r _ file; do
        file=${file#\*}
        [[ $file =~ ^[A-Za-z0-9._-]+$ ]] || die "unexpected file name in SHA256SUMS: '$file'"
        listed+=("$file")
    done <"$backup/SHA256SUMS"
    printf '%s\n' "${listed[@]}" | grep -qxF -- "$main" || die "SHA256SUMS does not list $main"
    while IFS= read -r -d '' path; do
        file=${path##*/}
        [[ $file == SHA256SUMS ]] && continue
        printf '%s\n' "${listed[@]}" | grep -qxF -- "$file" ||
            die "$backup/$file is not in SHA256SUMS (was the backup opened or changed?); refusing"
    done < <(find "$backup" -mindepth 1 -maxdepth 1 -print0)

    say "verifying $backup against SHA256SUMS ..."
    (cd -- "$backup" && sha256sum --strict --quiet -c SHA256SUMS) ||
        die "checksum mismatch in $backup: the backup is damaged; use another one"
    say "checksums OK (${#listed[@]} files)"
}

# split_url URL: sets URL_NOPW (the PostgreSQL URL without its password), PGPASSWORD
# (decoded, exported for libpq) and URL_SHOWN (what may be printed: no password, no
# query string).
split_url() {
    local url=$1 scheme rest authority path userinfo hostport user password
    [[ $url =~ ^(postgres|postgresql)://(.*)$ ]] ||
        die "the database URL must start with postgres:// or postgresql://"
    scheme=${BASH_REMATCH[1]}
    rest=${BASH_REMATCH[2]}
    authority=${rest%%/*}
    path=${rest:${#authority}}
    userinfo=""
    hostport=$authority
    if [[ $authority == *@* ]]; then
        userinfo=${authority%@*}
        hostport=${authority##*@}
    fi
    user=${userinfo%%:*}
    password=""
    [[ $userinfo == *:* ]] && password=${userinfo#*:}
    if [[ $path == *password=* ]]; then
        die "put the password in the user part of the URL (user:password@host), not in the query string"
    fi
    # shellcheck disable=SC2034 # read by the sourcing script
    URL_NOPW="$scheme://${user:+$user@}$hostport$path"
    # shellcheck disable=SC2034 # read by the sourcing script
    URL_SHOWN="$scheme://${user:+$user@}$hostport${path%%\?*}"
    if [[ -n $password ]]; then
        # Percent-decoding (%40 -> @), as libpq does for a password in a URL.
        password=${password//\\/\\\\}
        PGPASSWORD=$(printf '%b' "${password//%/\\x}")
        export PGPASSWORD
    fi
}
