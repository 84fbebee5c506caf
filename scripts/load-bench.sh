#!/usr/bin/env bash
# Load benchmark (see BENCHMARKS.md): in one run on this machine,
#   1. the raw durable-insert rate of SQLite with the server's settings (WAL,
#      synchronous=FULL): single-row committed inserts in a loop;
#   2. `exam-client simulate`: TERMINALS terminals in rooms of 500, all signed in first
#      and started at one instant, answering with a mean think time of THINK_MS;
#   3. the raw rate again (the machine is shared; the ratio uses the mean of both);
# then prints the HTTP answer-save rate as a ratio to the raw rate.
#
#   scripts/load-bench.sh                       # 10,000 terminals, 1 s mean think time
#   TERMINALS=2000 THINK_MS=500 scripts/load-bench.sh
#   BACKEND=postgres scripts/load-bench.sh      # the same on PostgreSQL (PG_ADMIN_URL,
#                                               # default postgres://postgres@127.0.0.1:5432/test;
#                                               # two scratch databases, dropped after)
set -euo pipefail
cd "$(dirname "$0")/.."

TERMINALS=${TERMINALS:-10000}
THINK_MS=${THINK_MS:-1000}
RAW_SECONDS=${RAW_SECONDS:-5}
PORT=${PORT:-18480}
BACKEND=${BACKEND:-sqlite}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/test}
TIMELINE=${TIMELINE:-}   # a CSV file for the run second by second (simulate --timeline)
work=$(mktemp -d "${TMPDIR:-/tmp}/crane-load.XXXXXX")
server_pid=
pg_dbs=()
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  for db in "${pg_dbs[@]}"; do psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# Every terminal holds a connection: both processes need a descriptor per terminal.
ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" -lt $((TERMINALS + 512)) ]; then
  echo "open-file limit $(ulimit -n) is too low for $TERMINALS terminals" >&2
  exit 1
fi

echo "== build (release)" >&2
cargo build --quiet --release -p exam-server -p exam-client --bins
cargo build --quiet --release -p exam-server --example durable_insert
bin="${CARGO_TARGET_DIR:-target}/release"

# Where the raw loop and the server write.
raw_target="$work/raw.db"
server_db=()
if [ "$BACKEND" = postgres ]; then
  root="${PG_ADMIN_URL%/*}"
  for db in "ce_bench_raw_$$" "ce_bench_server_$$"; do
    psql -q "$PG_ADMIN_URL" -c "CREATE DATABASE $db"
    pg_dbs+=("$db")
  done
  raw_target="$root/ce_bench_raw_$$"
  server_db=(--database-url "$root/ce_bench_server_$$")
fi

echo "== raw durable inserts ($BACKEND), before" >&2
raw_before=$("$bin/examples/durable_insert" "$raw_target" "$RAW_SECONDS")
echo "$raw_before" >&2

echo "== server" >&2
"$bin/exam-server" serve --demo --data-dir "$work/data" --listen "127.0.0.1:$PORT" "${server_db[@]}" \
  > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  [ -f "$work/data/demo.json" ] && curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done

echo "== simulate: $TERMINALS terminals, synchronized start, think ${THINK_MS} ms" >&2
set +e
"$bin/exam-client" simulate --server "http://127.0.0.1:$PORT" --demo-file "$work/data/demo.json" \
  --terminals "$TERMINALS" --think-ms "$THINK_MS" --rooms --sync-start \
  ${TIMELINE:+--timeline "$TIMELINE"} > "$work/simulate.out"
sim_status=$?
set -e
summary=$(tail -n 1 "$work/simulate.out")
if [ "$sim_status" != 0 ]; then tail -n 20 "$work/server.log" >&2; fi
echo "$summary" >&2
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
rm -f "$work/raw.db"*

echo "== raw durable inserts, after" >&2
raw_after=$("$bin/examples/durable_insert" "$raw_target" "$RAW_SECONDS")
echo "$raw_after" >&2

python3 - "$raw_before" "$raw_after" "$summary" "$(nproc)" <<'EOF'
import json, sys
before, after, sim = (json.loads(a) for a in sys.argv[1:4])
print(f"| database | {before['backend']} |")
raw = (before["single_row_commits_per_s"] + after["single_row_commits_per_s"]) / 2
batched = (before["rows_per_s_in_256_row_commits"] + after["rows_per_s_in_256_row_commits"]) / 2
print(f"| cores | {sys.argv[4]} |")
print(f"| terminals | {sim['terminals']} (submitted {sim['submitted']}) |")
print(f"| answers acknowledged / lost | {sim['answers_acked']} / {sim['answers_lost']} |")
print(f"| errors / retried requests | {sim['errors']} / {sim['retried']} |")
print(f"| paper start p50 / p99 | {sim['start_p50_ms']} ms / {sim['start_p99_ms']} ms |")
print(f"| save p50 / p99 / max | {sim['save_p50_ms']} ms / {sim['save_p99_ms']} ms / {sim['save_max_ms']} ms |")
print(f"| HTTP answer saves | {sim['saves_per_s']:.0f} /s over {sim['answering_s']} s |")
print(f"| saves per durable commit | {sim['saves_per_commit']} |")
print(f"| raw single-row durable commits | {raw:.0f} /s (before {before['single_row_commits_per_s']:.0f}, after {after['single_row_commits_per_s']:.0f}) |")
print(f"| raw rows in 256-row commits | {batched:.0f} /s |")
print(f"| **ratio** HTTP saves / raw commits | **{sim['saves_per_s'] / raw:.2f}** |")
print(f"| with all terminals answering: saves, save p99 | {sim['all_answering_saves_per_s']:.0f} /s over {sim['all_answering_s']} s, p99 {sim['all_answering_save_p99_ms']} ms |")
print(f"| **ratio** with all terminals answering | **{sim['all_answering_saves_per_s'] / raw:.2f}** |")
EOF
exit "$sim_status"
