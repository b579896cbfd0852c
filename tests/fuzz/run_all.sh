#!/usr/bin/env bash
# Runs the libFuzzer targets, deterministically (what CI runs) or for a time (open-ended):
#
#   tests/fuzz/run_all.sh [--runs N | --seconds S] [--work DIR] [BUILD_DIR] [TARGET...]
#
#   --runs N     (the default) N executions per target from the fixed seed 1, in one process:
#                the same commit gives the same executions, coverage and corpus on every machine
#                run after run. N defaults to $COMETAPI_FUZZ_RUNS, else 40000.
#   --seconds S  S seconds per target from a random seed: the search for new bugs (scripts/fuzz).
#                Not deterministic, so not part of CI.
#   --work DIR   keep each target's working corpus in DIR/<target>/ and grow it from run to run
#                (default: a new <build>/tests/fuzz/run.XXXXXX, removed unless something failed).
#
# BUILD_DIR holds the fuzzers (<build>/tests/fuzz) or is the build root (default:
# $COMETAPI_FUZZ_BUILD_DIR, else ./build-fuzz). TARGETs default to all six. Build first with
#   CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCOMETAPI_BUILD_FUZZERS=ON
#   cmake --build build-fuzz
#
# Each target first replays its saved findings (tests/fuzz/regressions/<target>/), one by one, then
# fuzzes a COPY of its seed corpus (tests/fuzz/corpus/<target>/; libFuzzer runs every seed before
# it mutates any): the repository's corpus never grows. Prints one line per target on stdout (with
# --runs it holds no timing, so two runs can be compared with diff); exits 1 when any target
# crashed, broke an invariant or failed to run, keeping that target's log and crash inputs and
# naming them.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
all_targets=(fuzz_task_codec fuzz_submit_codec fuzz_error_envelope fuzz_custom_id fuzz_webhook
             fuzz_data_uri fuzz_split_grid)
# Built only with their optional library (fuzz_split_grid: COMETAPI_BUILD_IMAGES): skipped,
# with a line saying so, when absent.
optional_targets=" fuzz_split_grid "

runs="${COMETAPI_FUZZ_RUNS:-40000}"
seconds=""
work=""
while (($# > 0)); do
  case "$1" in
    --runs) runs="${2:-}"; seconds=""; shift 2 ;;
    --seconds) seconds="${2:-}"; shift 2 ;;
    --work) work="${2:-}"; shift 2 ;;
    -h | --help) sed -n '2,24p' "$0"; exit 0 ;;
    -*) echo "run_all.sh: unknown option '$1'" >&2; exit 2 ;;
    *) break ;;
  esac
done
for value in "$runs" ${seconds:+"$seconds"}; do
  if [[ ! "$value" =~ ^[1-9][0-9]*$ ]]; then
    echo "run_all.sh: --runs and --seconds take a positive integer, got '$value'" >&2
    exit 2
  fi
done

build="${1:-${COMETAPI_FUZZ_BUILD_DIR:-build-fuzz}}"
(($# > 0)) && shift
targets=("$@")
((${#targets[@]} > 0)) || targets=("${all_targets[@]}")
if [[ -x "$build/tests/fuzz/${all_targets[0]}" ]]; then
  build="$build/tests/fuzz"
fi
if [[ -d "$build" ]]; then
  build="$(cd "$build" && pwd -P)"
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
  local done_runs
  done_runs="$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$1" | tail -n 1)"
  if [[ -z "$done_runs" ]]; then
    done_runs="$(grep -o '^#[0-9]*' "$1" | tail -n 1 | tr -d '#')"
  fi
  echo "${done_runs:-0}"
}

# "cov N ft M" from libFuzzer's last status line: the edges and features the run reached.
coverage_in() {
  grep -E '^#[0-9]+' "$1" | tail -n 1 | sed -n 's/.*cov: \([0-9]*\) ft: \([0-9]*\).*/cov \1 ft \2/p'
}

keep=0
if [[ -n "$work" ]]; then
  mkdir -p "$work"
  work="$(cd "$work" && pwd -P)"
  keep=1
else
  # In the build directory, not /tmp: nothing else on the machine cleans it up under our feet.
  work="$(mktemp -d "$build/run.XXXXXX")"
fi
cleanup() {
  if [[ "$keep" == 0 ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT

if [[ -n "$seconds" ]]; then
  budget=(-max_total_time="$seconds")
  how="in ${seconds}s"
else
  # -reload=0: libFuzzer otherwise re-reads its corpus directory every second, which makes what it
  # does depend on the clock.
  budget=(-runs="$runs" -seed=1 -reload=0)
  how="(seed 1)"
fi

# What else steers libFuzzer: the values its comparison tracing records include addresses (of the
# stack, the heap, the binary). So each target runs without address randomisation, with a fixed
# environment, from its work directory, as ./target with relative arguments: the same addresses on
# every run.
fixed=(env -i PATH=/usr/local/bin:/usr/bin:/bin)
if setarch "$(uname -m)" -R true 2>/dev/null; then
  fixed+=(setarch "$(uname -m)" -R)
elif [[ -z "$seconds" ]]; then
  echo "run_all.sh: warning: cannot turn off address randomisation (setarch -R); the runs" \
    "will not be reproducible" >&2
fi

failed=0
started=$SECONDS
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
        | cut -c 1-200 | sed 's/^/    /' || true
      failed=1
      keep=1
    fi
  done

  ln -sfn "$binary" "$dir/target"
  cp "$(dict_for "$target")" "$dir/dict"
  status=0
  (cd "$dir" && "${fixed[@]}" ./target "${budget[@]}" -timeout=25 -rss_limit_mb=2560 \
    -print_final_stats=1 -dict=dict -artifact_prefix=artifacts/ corpus) \
    >"$dir/fuzz.log" 2>&1 || status=$?
  done_runs="$(runs_in "$dir/fuzz.log")"
  corpus="$(find "$dir/corpus" -type f | wc -l)"
  if [[ "$status" == 0 ]]; then
    echo "$target: ok, $done_runs runs $how, $(coverage_in "$dir/fuzz.log"), corpus $seeds ->" \
      "$corpus, ${#regressions[@]} saved inputs replayed"
  else
    echo "$target: CRASHED (exit $status) after $done_runs runs; log $dir/fuzz.log, input(s):"
    find "$dir/artifacts" -type f | sed 's/^/    /'
    grep -E 'runtime error|ERROR:|invariant violated|unexpected exception' "$dir/fuzz.log" \
      | head -n 5 | cut -c 1-200 | sed 's/^/    /' || true
    failed=1
    keep=1
  fi
done
echo "run_all.sh: ${#targets[@]} targets in $((SECONDS - started)) s" >&2

if [[ "$failed" != 0 ]]; then
  echo "run_all.sh: failures; logs and inputs kept in $work" >&2
  exit 1
fi
