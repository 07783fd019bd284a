#!/usr/bin/env bash
# Runs one libFuzzer target of test/fuzz/ (docs/fuzzing.md). Used by the ctest
# tests of a SCOUT_FUZZ build and by tools/fuzz.sh.
#
#   fuzz_target.sh replay   TARGET BINARY
#       Runs every seed and every file of test/fuzz/crashes/TARGET/ and
#       test/fuzz/regressions/TARGET/ once; fails on the first crash.
#   fuzz_target.sh campaign TARGET BINARY SECONDS [CORPUS_DIR]
#       Fuzzes for SECONDS, starting from CORPUS_DIR (default
#       .cache/fuzz-corpus/TARGET, kept between runs, ignored by git), the seeds
#       and the regressions. A crash, leak, timeout or out-of-memory input is
#       saved as test/fuzz/crashes/TARGET/<kind>-<sha1> and the run fails.
#
# Seeds: fuzz_vector_loader: test-vectors/**/*.yaml; fuzz_run_module:
# scripts/bin/*.wasm (built by the project: tools/bootstrap); fuzz_hex: its
# regressions folder only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mode=${1:?mode: replay or campaign}
target=${2:?target name}
binary=${3:?fuzzer binary}

crashes="$here/crashes/$target"
regressions="$here/regressions/$target"

seed_dirs=()
case $target in
  fuzz_vector_loader) seed_dirs+=("$root/test-vectors") ;;
  fuzz_run_module)
    if ls "$root"/scripts/bin/*.wasm >/dev/null 2>&1; then
      seed_dirs+=("$root/scripts/bin")
    else
      echo "fuzz_target: no scripts/bin/*.wasm (build the project first: tools/bootstrap); no wasm seeds" >&2
    fi ;;
esac
for d in "$regressions" "$crashes"; do
  [ -d "$d" ] && seed_dirs+=("$d")
done

# Per-input limits: a hang or a huge allocation is a finding.
common=(-timeout=60 -rss_limit_mb=4096 -malloc_limit_mb=2048)
# fuzz_run_module: no leak check after each input. Binaryen interns every new
# name for the life of the process (and leaks on its parse error paths:
# test/sanitizers/lsan.supp), so nearly every input looks like a leak
# candidate and LeakSanitizer would rescan the heap after each (most of the
# time went there).
# Leaks are still checked when the fuzzer exits, and by the replay.
[ "$target" = fuzz_run_module ] && common+=(-detect_leaks=0)
dict="$here/$target.dict"
[ -f "$dict" ] && common+=("-dict=$dict")

case $mode in
  replay)
    files=()
    for d in "${seed_dirs[@]}"; do
      while IFS= read -r -d '' f; do files+=("$f"); done \
        < <(find "$d" -type f ! -name 'README*' ! -name '.*' -print0 | sort -z)
    done
    if [ ${#files[@]} -eq 0 ]; then
      echo "fuzz_target: $target: nothing to replay"
      exit 0
    fi
    echo "fuzz_target: $target: replaying ${#files[@]} inputs"
    # Files (not folders) as arguments: libFuzzer runs each once and exits,
    # non-zero on the first crash.
    log=$(mktemp)
    trap 'rm -f "$log"' EXIT
    set +e
    "$binary" "${common[@]}" "${files[@]}" >"$log" 2>&1
    rc=$?
    set -e
    grep -v '^Running: \|^Executed .* in [0-9]* ms$' "$log" || true
    if [ "$rc" -ne 0 ]; then
      echo "fuzz_target: $target: replay FAILED (exit $rc); the input it was running:" >&2
      grep '^Running: ' "$log" | tail -1 >&2 || true
      exit 1
    fi
    echo "fuzz_target: $target: ${#files[@]} inputs replayed, no finding"
    ;;
  campaign)
    seconds=${4:?seconds}
    corpus=${5:-$root/.cache/fuzz-corpus/$target}
    mkdir -p "$corpus" "$crashes"
    marker=$(mktemp)
    trap 'rm -f "$marker"' EXIT
    # slow-unit-* files (inputs over 10 s) are saved there too, but are no crash.
    count() { find "$crashes" -type f ! -name 'slow-unit-*' | wc -l; }
    before=$(count)
    echo "fuzz_target: $target: ${seconds}s, corpus $corpus, crashes go to $crashes/"
    set +e
    # SCOUT_FUZZ_SEED: libFuzzer's random seed (ctest's bounded campaign sets
    # it, so that CI repeats the campaign a developer ran; unset: a new one).
    [ -n "${SCOUT_FUZZ_SEED:-}" ] && common+=("-seed=$SCOUT_FUZZ_SEED")
    "$binary" "${common[@]}" -max_total_time="$seconds" -print_final_stats=1 \
      -artifact_prefix="$crashes/" "$corpus" "${seed_dirs[@]}"
    rc=$?
    set -e
    after=$(count)
    if [ "$rc" -ne 0 ] || [ "$after" -gt "$before" ]; then
      echo "fuzz_target: $target: FINDING (exit $rc); new inputs in $crashes/:" >&2
      find "$crashes" -type f ! -name 'slow-unit-*' -newer "$marker" -printf '  %p\n' >&2 || true
      echo "fuzz_target: reproduce with: $binary $crashes/<file>" >&2
      exit 1
    fi
    echo "fuzz_target: $target: no finding in ${seconds}s"
    ;;
  *)
    echo "fuzz_target: unknown mode '$mode' (replay, campaign)" >&2
    exit 2 ;;
esac
