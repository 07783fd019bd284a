#!/usr/bin/env bash
# Builds the libFuzzer targets of test/fuzz/ into build-fuzz/ (clang,
# -DSCOUT_FUZZ=ON: ASan + UBSan + libFuzzer) and fuzzes each target in turn.
# docs/fuzzing.md.
#
# Usage: tools/fuzz.sh [seconds-per-target (default 300)] [target...]
#   targets: fuzz_hex fuzz_vector_loader fuzz_run_module (default: all)
#        tools/fuzz.sh --ctest [seconds-per-target (default 25)]
#   builds the same, then runs build-fuzz's ctest: the replay of every seed,
#   crash and regression input, and a bounded campaign per target (CI).
#
# Corpora are kept in .cache/fuzz-corpus/<target>/ (ignored by git) and grow
# from run to run. A crash, leak, timeout or out-of-memory input is saved as
# test/fuzz/crashes/<target>/<kind>-<sha1>: from then on the build's ctest
# replays it (fuzz.replay.<target>) until it is fixed and moved to
# test/fuzz/regressions/<target>/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
ctest_mode=false
if [ "${1:-}" = --ctest ]; then
  ctest_mode=true
  shift
  seconds=${1:-25}
else
  seconds=${1:-300}
fi
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(fuzz_hex fuzz_vector_loader fuzz_run_module)

bash tools/install-deps.sh
build=${SCOUT_FUZZ_BUILD_DIR:-build-fuzz}
# SCOUT_BUILD_TESTS=OFF: the unit and CLI tests run under the sanitizers in
# build-asan/ (tools/sanitize.sh); this folder holds the fuzzers (and scout).
ctest_args=()
$ctest_mode && ctest_args=(-DSCOUT_FUZZ_SECONDS="$seconds")
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DSCOUT_FUZZ=ON -DSCOUT_BUILD_TESTS=OFF "${ctest_args[@]}" >/dev/null
cmake --build "$build" -j "$(nproc)"

if $ctest_mode; then
  exec ctest --test-dir "$build" --output-on-failure -j "$(nproc)"
fi

failed=()
for t in "${targets[@]}"; do
  if ! bash test/fuzz/fuzz_target.sh campaign "$t" "$build/fuzz/$t" "$seconds"; then
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]}: see test/fuzz/crashes/" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${seconds}s each, no finding"
