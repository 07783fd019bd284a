#!/usr/bin/env bash
# Instruction counts (valgrind --tool=callgrind, "Ir") of running vectors once:
# the naive embedding against scout's Binaryen engine. Reproducible to a few
# parts per million on a noisy machine, unlike wall-clock times.
#
#   bench/callgrind_ir.sh BUILD_DIR [--scout PATH] [--scout-args "ARGS"] [--label NAME] VECTOR.yaml...
#
# BUILD_DIR holds scout and bench/naive_binaryen; --scout runs another scout
# binary (e.g. one built before a change) against the same naive embedding. Per vector, prints a CSV line:
#   label,vector,naive_total,naive_exec,scout_total,scout_exec,exec_ratio
# total: the whole process (YAML parsing, wasm parsing, everything); exec: the
# inclusive count of the function that instantiates and runs the blocks
# (naive: run_blocks; scout: BinaryenScript::run_block, summed over the blocks).
# --scout-args adds options to `scout run` (e.g. "--binaryen-opt 2"); the naive
# embedding is then not rerun when NAIVE_CACHE (a folder) already has its count.
set -euo pipefail

build=$1
shift
scout_args=""
label="scout"
scout_bin=""
while [[ $# -gt 0 && $1 == --* ]]; do
  case $1 in
    --scout-args) scout_args=$2; shift 2 ;;
    --label) label=$2; shift 2 ;;
    --scout) scout_bin=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cache=${NAIVE_CACHE:-$work}
mkdir -p "$cache"

# total Ir, and the inclusive Ir of the first function matching $2
counts() {
  local out=$1 fn=$2
  local total exec
  # (awk reads everything: an early exit would fail the pipe under pipefail)
  total=$(callgrind_annotate "$out" 2>/dev/null |
          awk '/PROGRAM TOTALS/ && !done {gsub(",", "", $1); print $1; done = 1}')
  exec=$(callgrind_annotate --inclusive=yes "$out" 2>/dev/null |
         awk -v fn="$fn" 'index($0, fn) && !done {gsub(",", "", $1); print $1; done = 1}')
  echo "$total,${exec:-0}"
}

echo "label,vector,naive_total,naive_exec,scout_total,scout_exec,exec_ratio"
for v in "$@"; do
  key=$(echo "$v" | tr '/' '_')
  if [[ ! -f "$cache/$key.naive" ]]; then
    valgrind --tool=callgrind --callgrind-out-file="$work/naive.out" \
      "$build/bench/naive_binaryen" --repeat 0 "$v" > "$work/naive.log" 2>&1
    grep -q "roots match" "$work/naive.log" || { echo "naive run failed on $v" >&2; cat "$work/naive.log" >&2; exit 1; }
    counts "$work/naive.out" "run_blocks(" > "$cache/$key.naive"
  fi
  # shellcheck disable=SC2086
  valgrind --tool=callgrind --callgrind-out-file="$work/scout.out" \
    "${scout_bin:-$build/scout}" run --no-isolate -j 1 $scout_args "$v" > "$work/scout.log" 2>&1 ||
    { echo "scout run failed on $v" >&2; cat "$work/scout.log" >&2; exit 1; }
  naive=$(cat "$cache/$key.naive")
  scout=$(counts "$work/scout.out" "BinaryenScript::run_block(")
  ratio=$(awk -v a="${naive#*,}" -v b="${scout#*,}" 'BEGIN {printf "%.2f", a / b}')
  echo "$label,$v,$naive,$scout,$ratio"
done
