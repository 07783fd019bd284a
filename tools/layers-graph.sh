#!/usr/bin/env bash
# Regenerates docs/layers.dot and docs/layers.svg, the picture of src/'s
# libraries in docs/architecture.md, from the build graph: CMake's --graphviz
# on a configure-only build folder (no tests, scripts or benchmarks, so only
# src/'s targets and what they link), then Graphviz's dot.
# Needs Graphviz (apt-get install graphviz); the build and CI do not.
# Usage: tools/layers-graph.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
command -v dot >/dev/null || { echo "layers-graph: dot not found: apt-get install graphviz" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Read by cmake --graphviz from the build folder: the libraries and the
# executable, each link (solid: PUBLIC, dotted: PRIVATE, dashed: INTERFACE).
cat > "$tmp/CMakeGraphVizOptions.cmake" <<'OPTIONS'
set(GRAPHVIZ_GRAPH_NAME "scout")
set(GRAPHVIZ_GENERATE_PER_TARGET FALSE)
set(GRAPHVIZ_GENERATE_DEPENDERS FALSE)
# The aggregate for tests (every layer) would hide the layering.
set(GRAPHVIZ_IGNORE_TARGETS "^scout_lib$")
OPTIONS
cmake -S "$root" -B "$tmp" -DSCOUT_BUILD_TESTS=OFF -DSCOUT_BUILD_SCRIPTS=OFF \
  -DSCOUT_BUILD_BENCH=OFF --graphviz="$tmp/layers.dot" >/dev/null
# Absolute paths of imported libraries (libwabt.a, libbinaryen.so) differ
# between machines; their file names are enough.
sed -E 's#"(/[^"]*/)([^"/]+)"#"\2"#g; s#-> /[^ ]*/([^/ ]+)$#-> \1#' "$tmp/layers.dot" > "$root/docs/layers.dot"
dot -Tsvg "$root/docs/layers.dot" -o "$root/docs/layers.svg"
echo "docs/layers.dot, docs/layers.svg"
