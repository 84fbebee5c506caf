#!/usr/bin/env bash
# Fuzz the HTTP API from its own OpenAPI document with schemathesis (PyPI): for each
# staff role of a fresh demo server, generated requests to every operation must get no
# 5xx, only documented status codes, and bodies and content types that match the schema.
#
#   scripts/schemathesis.sh [path/to/exam-server]     # default: a debug build
#   MAX_EXAMPLES=100 scripts/schemathesis.sh
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${1:-${CARGO_TARGET_DIR:-target}/debug/exam-server}
MAX_EXAMPLES=${MAX_EXAMPLES:-30}
PORT=${PORT:-18610}
command -v st >/dev/null 2>&1 || { echo "schemathesis not installed: pip install schemathesis" >&2; exit 2; }
[ -x "$BIN" ] || cargo build --quiet -p exam-server --bin exam-server

work=$(mktemp -d "${TMPDIR:-/tmp}/crane-st.XXXXXX")
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$BIN" serve --demo --data-dir "$work/data" --listen "127.0.0.1:$PORT" > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  [ -f "$work/data/demo.json" ] && curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done

status=0
for role in examiner admin assessor certifier; do
  token=$(python3 - "$work/data/demo.json" "$PORT" "$role" <<'EOF'
import json, sys, urllib.request
demo, port, role = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
account = next(a for a in demo["accounts"] if a["role"] == role)
body = json.dumps({"username": account["username"], "password": account["password"]}).encode()
req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/auth/login", data=body,
                             headers={"Content-Type": "application/json"})
print(json.load(urllib.request.urlopen(req))["token"])
EOF
)
  echo "== schemathesis as $role"
  # Judged by the failures it reports (server errors, undocumented statuses, schema
  # mismatches); schemathesis' own runtime errors are printed but do not fail the run.
  # Run from the scratch directory: schemathesis keeps a cache in the current one.
  (cd "$work" && st run "http://127.0.0.1:$PORT/api/openapi.json" -H "Authorization: Bearer $token" \
      --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
      --max-examples "$MAX_EXAMPLES" --workers 2 --seed 1 > "$work/st-$role.txt" 2>&1) || true
  cp "$work/st-$role.txt" "${TMPDIR:-/tmp}/crane-st-$role.txt"
  if grep -qE "found [0-9]+ unique failure" "$work/st-$role.txt"; then
    status=1
    sed -n '/= FAILURES =/,/= WARNINGS =/p' "$work/st-$role.txt"
  fi
  if grep -q "Runtime Error" "$work/st-$role.txt"; then
    echo "   (schemathesis reported an internal runtime error: ${TMPDIR:-/tmp}/crane-st-$role.txt)"
  fi
  sed -n '/SUMMARY/,$p' "$work/st-$role.txt" | grep -E "Tested|generated|passed|failures|errors" || true
done
if grep -q "panicked" "$work/server.log"; then
  echo "== the server panicked:" >&2
  grep -B2 -A10 "panicked" "$work/server.log" >&2
  status=1
fi
exit "$status"
