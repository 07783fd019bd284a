#!/usr/bin/env bash
# The whole test suite under AddressSanitizer (with LeakSanitizer) and
# UndefinedBehaviorSanitizer: configures build-asan/ with
# -DSCOUT_SANITIZE=address,undefined (cmake/Sanitizers.cmake), builds scout, the
# unit tests and the example scripts, and runs ctest there. Every executable
# (scout, its `scout worker` children, the unit tests) is instrumented and stops
# at the first report; options: test/sanitizers/. docs/fuzzing.md.
#
# Usage: tools/sanitize.sh [ctest arguments, e.g. -R cli.pass]
# Environment: CC/CXX pick the compiler (default: clang/clang++, which builds
# the instrumented code about twice as fast as gcc here; CC=gcc
# CXX=g++ in a fresh build folder works too).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash tools/install-deps.sh
build=${SCOUT_ASAN_BUILD_DIR:-build-asan}
# RelWithDebInfo: -O2 -g -DNDEBUG, as Release (Binaryen's interpreter without
# its assertions) plus line numbers in reports.
export CC=${CC:-clang} CXX=${CXX:-clang++}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSCOUT_SANITIZE=address,undefined >/dev/null
cmake --build "$build" -j "$(nproc)"
# Tests that cannot pass instrumented (test/sanitizers/known-failures.txt, each
# with its reason) are left out, by exact name, and said so.
skip=$(grep -v '^\s*\(#\|$\)' test/sanitizers/known-failures.txt | sed 's/[][\.*^$+?(){}|]/\\&/g; s/.*/^&$/' | paste -sd'|' - || true)
if [ -n "$skip" ]; then
  echo "sanitize: left out (test/sanitizers/known-failures.txt): $(grep -v '^\s*\(#\|$\)' test/sanitizers/known-failures.txt | paste -sd' ' -)"
  ctest --test-dir "$build" --output-on-failure -j "$(nproc)" -E "$skip" "$@"
else
  ctest --test-dir "$build" --output-on-failure -j "$(nproc)" "$@"
fi
