#!/usr/bin/env bash
# clang-tidy with the checked-in .clang-tidy over every src/**/*.cpp (found now, not
# listed: files move between folders), warnings as errors, headers of src/ included,
# files in parallel. The ctest test style.clang_tidy runs it; so can you:
#
#   tools/clang-tidy.sh [BUILD_DIR]      (default build/; needs its compile_commands.json)
#
# Prints the findings of each file that has any, then "clang-tidy: N of M files
# clean"; exits 1 when a file has a finding or clang-tidy is missing (a missing tool
# fails the check rather than skipping it; tools/install-deps.sh installs it).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" 2>/dev/null && pwd) || {
  echo "clang-tidy.sh: no build folder ${1:-$root/build}" >&2
  exit 1
}
tidy=$(command -v clang-tidy-14 || command -v clang-tidy) || {
  echo "clang-tidy.sh: clang-tidy not found: install Debian's clang-tidy (tools/install-deps.sh)" >&2
  exit 1
}
if [ ! -f "$build/compile_commands.json" ]; then
  echo "clang-tidy.sh: $build/compile_commands.json missing (configure with CMAKE_EXPORT_COMPILE_COMMANDS=ON)" >&2
  exit 1
fi
# Diagnostics in scout's own headers, not in Binaryen's or wabt's (whose paths hold a
# src/ too, under .cache/ and /usr/include).
header_filter="^$(printf '%s' "$root/src/" | sed 's/[][\.*^$+?(){}|]/\\&/g')"
findings=$(mktemp -d)
trap 'rm -rf "$findings"' EXIT

mapfile -d '' files < <(find "$root/src" -name '*.cpp' -print0 | sort -z)
if [ ${#files[@]} -eq 0 ]; then
  echo "clang-tidy.sh: no .cpp files under $root/src" >&2
  exit 1
fi
# One clang-tidy per file, as many at once as there are cores; each file's output is
# kept apart, so parallel runs do not interleave their lines.
printf '%s\0' "${files[@]}" | xargs -0 -n 1 -P "$(nproc)" sh -c '
  out=$("$0" -p "$1" --quiet --warnings-as-errors="*" --header-filter="$2" "$4" 2>&1) && exit 0
  printf "%s\n" "$out" >"$3/$(printf "%s" "$4" | tr / _).txt"
' "$tidy" "$build" "$header_filter" "$findings"
exit_code=0
for f in "$findings"/*.txt; do
  [ -e "$f" ] || break
  cat "$f"
  exit_code=1
done
failed=$(find "$findings" -name '*.txt' | wc -l)
echo "clang-tidy: $((${#files[@]} - failed)) of ${#files[@]} files clean"
exit "$exit_code"
