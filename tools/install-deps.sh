#!/usr/bin/env bash
# Installs what scout needs on Debian bookworm, as root; does nothing when all
# of it is present. Everything comes from Debian's packages.
set -euo pipefail

packages=(
  # build
  build-essential cmake pkg-config
  # libraries (binaryen: libbinaryen.so; its C++ headers are fetched from the
  # Debian source package by tools/fetch-binaryen-source.sh)
  binaryen libyaml-cpp-dev libcli11-dev libssl-dev libcrypto++-dev nlohmann-json3-dev libgtest-dev libgmock-dev
  # example execution scripts: WAT and C to wasm
  wabt clang lld
  # the style checks of the test suite (.clang-format, .clang-tidy)
  clang-format clang-tidy
  # tests, and unpacking the Binaryen source package
  python3 python3-jsonschema xz-utils patch ca-certificates bsdutils
  # sanitizer and fuzzing builds (docs/fuzzing.md): clang's ASan/UBSan/LSan
  # runtimes and libFuzzer, and llvm-symbolizer for readable stacks
  libclang-rt-14-dev llvm
  # scripts built by real toolchains (scripts/README.md, scripts/toolchains.cmake):
  # Rust for wasm32 (Debian's rustc is /usr/bin/rustc), C against wasi-libc
  rustc libstd-rust-dev-wasm32 wasi-libc libclang-rt-14-dev-wasm32
)
# Installed when the archive has them (bookworm's point releases do): a current
# clang for the wasi-libc scripts, which scripts/toolchains.cmake prefers to clang-14.
optional=(clang-19 lld-19 libclang-rt-19-dev-wasm32)
# Node.js for the AssemblyScript compiler (npm) and V8's verdicts in the tests. A
# node from elsewhere (NodeSource's nodejs, which bundles npm and conflicts with
# Debian's npm package) is kept. AssemblyScript 0.28 needs node >= 20: with
# bookworm's nodejs 18 its scripts are skipped, with a notice, at configure time.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}
missing=()
for p in "${packages[@]}"; do
  installed "$p" || missing+=("$p")
done
optional_missing=()
for p in "${optional[@]}"; do
  installed "$p" || optional_missing+=("$p")
done
if [ ${#optional_missing[@]} -ne 0 ] && [ "$(id -u)" -eq 0 ]; then
  # Only those apt knows (after an update, if it knows none yet).
  has_candidate() { apt-cache policy "$1" 2>/dev/null | grep -q 'Candidate: [^(]'; }
  known=()
  for p in "${optional_missing[@]}"; do has_candidate "$p" && known+=("$p"); done
  if [ ${#known[@]} -eq 0 ]; then
    apt-get update -qq
    for p in "${optional_missing[@]}"; do has_candidate "$p" && known+=("$p"); done
  fi
  missing+=("${known[@]}")
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}; run as root (or: sudo $0)" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
