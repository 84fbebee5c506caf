#!/usr/bin/env bash
# Fuzz every parser target in fuzz/ for N seconds each (default 20):
#   scripts/fuzz.sh [SECONDS] [TARGET...]
# Installs cargo-fuzz when missing. Seeds each target's corpus with the matching sample
# from question-bank/samples/ (the corpus grows in fuzz/corpus/<target>/, crashes land in
# fuzz/artifacts/<target>/). Exits non-zero on the first crash.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds="${1:-20}"
shift || true

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
# `-s none` (no sanitizer: the parsers are safe Rust) builds on stable Rust. Should a
# cargo-fuzz release need unstable flags again, RUSTC_BOOTSTRAP=1 makes stable accept them.
if ! cargo fuzz build -s none >/dev/null 2>&1; then
  echo "== cargo fuzz build failed on $(rustc --version); retrying with RUSTC_BOOTSTRAP=1"
  export RUSTC_BOOTSTRAP=1
  cargo fuzz build -s none
fi

samples=../question-bank/samples
seed_for() {
  case "$1" in
    import_xlsx) echo "$samples/sample.xlsx $samples/template.xlsx" ;;
    import_csv) echo "$samples/sample.csv" ;;
    import_moodle) echo "$samples/sample.moodle.xml" ;;
    import_gift) echo "$samples/sample.gift" ;;
    import_aiken) echo "$samples/sample.aiken.txt" ;;
    import_qti21) echo "$samples/sample-qti21.zip" ;;
    import_qti30) echo "$samples/sample-qti30.zip" ;;
    import_toml) echo "$samples/sample.toml" ;;
    *) echo "" ;;
  esac
}

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo fuzz list)
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
for target in "${targets[@]}"; do
  corpus="corpus/$target"
  mkdir -p "$corpus"
  for seed in $(seed_for "$target"); do
    cp -n "$seed" "$corpus/" 2>/dev/null || true
  done
  echo "== fuzz $target for ${seconds}s"
  status=0
  cargo fuzz run -s none "$target" "$corpus" -- \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 >"$log" 2>&1 || status=$?
  grep -E "^(stat::number_of_executed_units|stat::new_units_added|Done [0-9]+ runs)" "$log" || true
  if [ "$status" -ne 0 ]; then
    grep -E -A1 "panicked at|^Failing input|^Reproduce with" "$log" | cut -c1-400
    echo "== $target: failed (exit $status); crash inputs in fuzz/artifacts/$target/"
    exit 1
  fi
done
echo "== fuzz: ${#targets[@]} targets, ${seconds}s each, no crash"
