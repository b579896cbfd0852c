#!/usr/bin/env bash
# Runs every libFuzzer target for a bounded time:
#
#   tests/fuzz/run_all.sh [BUILD_DIR] [SECONDS]
#
# BUILD_DIR is the directory holding the fuzzers (<build>/tests/fuzz) or the build root
# (default: $COMETAPI_FUZZ_BUILD_DIR, else ./build-fuzz). SECONDS is the time per target (default:
# $COMETAPI_FUZZ_SECONDS, else 20). Build first with
#   CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCOMETAPI_BUILD_FUZZERS=ON
#   cmake --build build-fuzz
#
# Each target first replays its saved crashes (tests/fuzz/regressions/<target>/), then fuzzes a
# temporary COPY of its seed corpus (tests/fuzz/corpus/<target>/): the repository's corpus never
# grows. Prints one line per target with the runs executed; exits 1 when any target crashed, broke
# an invariant or failed to run, keeping that target's log and crash inputs and naming them.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
targets=(fuzz_task_codec fuzz_submit_codec fuzz_error_envelope fuzz_custom_id fuzz_webhook
         fuzz_data_uri fuzz_split_grid)
# Built only with their optional library (fuzz_split_grid: COMETAPI_BUILD_IMAGES): skipped,
# with a line saying so, when absent.
optional_targets=" fuzz_split_grid "

build="${1:-${COMETAPI_FUZZ_BUILD_DIR:-build-fuzz}}"
seconds="${2:-${COMETAPI_FUZZ_SECONDS:-20}}"
if [[ ! "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "run_all.sh: seconds must be a positive integer, got '$seconds'" >&2
  exit 2
fi
if [[ -x "$build/tests/fuzz/${targets[0]}" ]]; then
  build="$build/tests/fuzz"
fi

dict_for() {
  case "$1" in
    fuzz_custom_id) echo "$here/dict/custom_id.dict" ;;
    fuzz_data_uri) echo "$here/dict/data_uri.dict" ;;
    fuzz_error_envelope) echo "$here/dict/error_envelope.dict" ;;
    fuzz_split_grid) echo "$here/dict/image.dict" ;;
    *) echo "$here/dict/json.dict" ;;
  esac
}

# The runs libFuzzer reports: its final stats, else the last "#N" status line.
runs_in() {
  local runs
  runs="$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$1" | tail -n 1)"
  if [[ -z "$runs" ]]; then
    runs="$(grep -o '^#[0-9]*' "$1" | tail -n 1 | tr -d '#')"
  fi
  echo "${runs:-0}"
}

work="$(mktemp -d "${TMPDIR:-/tmp}/cometapi-fuzz.XXXXXX")"
keep=0
cleanup() {
  if [[ "$keep" == 0 ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT

failed=0
for target in "${targets[@]}"; do
  binary="$build/$target"
  if [[ ! -x "$binary" && "$optional_targets" == *" $target "* ]]; then
    echo "$target: skipped, not built (its optional library is off)"
    continue
  fi
  if [[ ! -x "$binary" ]]; then
    echo "$target: FAILED, $binary not found (build with -DCOMETAPI_BUILD_FUZZERS=ON)"
    failed=1
    continue
  fi
  dir="$work/$target"
  mkdir -p "$dir/corpus" "$dir/artifacts"
  if [[ -d "$here/corpus/$target" ]]; then
    cp -R "$here/corpus/$target/." "$dir/corpus/"
  fi
  seeds="$(find "$dir/corpus" -type f | wc -l)"

  # Known crashes first: each must pass once its bug is fixed (then it is a regression test).
  # Fuzzing goes on either way, to look for other bugs.
  regressions=()
  if [[ -d "$here/regressions/$target" ]]; then
    while IFS= read -r -d '' file; do regressions+=("$file"); done \
      < <(find "$here/regressions/$target" -type f ! -name '*.md' -print0 | sort -z)
  fi
  for file in "${regressions[@]}"; do
    log="$dir/regression-$(basename "$file").log"
    if ! "$binary" -artifact_prefix="$dir/replay-" "$file" >"$log" 2>&1; then
      echo "$target: FAILED, saved input tests/fuzz/regressions/$target/$(basename "$file")" \
        "still crashes (log: $log)"
      grep -E 'runtime error|ERROR:|invariant violated|unexpected exception' "$log" | head -n 3 \
        | cut -c 1-200 | sed 's/^/    /'
      failed=1
      keep=1
    fi
  done

  status=0
  "$binary" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2560 -print_final_stats=1 \
    -dict="$(dict_for "$target")" -artifact_prefix="$dir/artifacts/" "$dir/corpus" \
    >"$dir/fuzz.log" 2>&1 || status=$?
  runs="$(runs_in "$dir/fuzz.log")"
  corpus="$(find "$dir/corpus" -type f | wc -l)"
  if [[ "$status" == 0 ]]; then
    echo "$target: ok, $runs runs in ${seconds}s, corpus $seeds -> $corpus," \
      "${#regressions[@]} saved inputs replayed"
  else
    echo "$target: CRASHED (exit $status) after $runs runs; log $dir/fuzz.log, input(s):"
    find "$dir/artifacts" -type f | sed 's/^/    /'
    grep -E 'runtime error|ERROR:|invariant violated|unexpected exception' "$dir/fuzz.log" \
      | head -n 5 | cut -c 1-200 | sed 's/^/    /'
    failed=1
    keep=1
  fi
done

if [[ "$failed" != 0 ]]; then
  echo "run_all.sh: failures; logs and inputs kept in $work" >&2
  exit 1
fi
