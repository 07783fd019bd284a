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
  # the style check of the test suite (.clang-format)
  clang-format
  # tests, and unpacking the Binaryen source package
  python3 python3-jsonschema xz-utils patch ca-certificates bsdutils
  # sanitizer and fuzzing builds (docs/fuzzing.md): clang's ASan/UBSan/LSan
  # runtimes and libFuzzer, and llvm-symbolizer for readable stacks
  libclang-rt-14-dev llvm
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
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
