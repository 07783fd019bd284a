#!/usr/bin/env bash
# Fetch the C++ headers of the installed Binaryen from Debian's source package.
#
# Debian's `binaryen` package ships libbinaryen.so, which exports the C++ API
# (wasm::WasmBinaryBuilder, wasm::ModuleRunner, ...), but only the C header.
# The matching C++ headers live in the source package of the same version.
# We download it with a private deb-src list (passed through apt options), so
# the system's apt configuration and lists stay untouched, and unpack it into
# an ignored cache folder. Nothing from here is ever committed.
#
# Usage: tools/fetch-binaryen-source.sh CACHE_DIR
# Prints the path of the unpacked source tree (the folder holding src/) on
# success. Exits non-zero with one line on stderr on failure.
set -euo pipefail

cache=${1:?usage: fetch-binaryen-source.sh CACHE_DIR}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

version=$(dpkg-query -W -f='${Version}' binaryen 2>/dev/null || true)
if [ -z "$version" ]; then
  echo "fetch-binaryen-source: the Debian package 'binaryen' is not installed (apt-get install binaryen)" >&2
  exit 1
fi
upstream=${version%-*}          # 108-1 -> 108
upstream=${upstream#*:}         # drop an epoch if any
tree="$cache/binaryen-$version"

if [ -f "$tree/.complete" ]; then
  echo "$tree"
  exit 0
fi

work="$cache/apt-$version"
rm -rf "$work" "$tree"
mkdir -p "$work/lists/partial" "$work/archives/partial" "$work/download"

# A private deb-src list mirroring the system's Debian sources.
suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
cat > "$work/sources.list" <<LIST
deb-src http://deb.debian.org/debian $suite main
deb-src http://deb.debian.org/debian $suite-updates main
deb-src http://deb.debian.org/debian-security $suite-security main
LIST

apt_opts=(
  -o "Dir::Etc::SourceList=$work/sources.list"
  -o "Dir::Etc::SourceParts=-"
  -o "Dir::State::Lists=$work/lists"
  -o "Dir::Cache=$work/cache"
  -o "Debug::NoLocking=1"
  -o "APT::Get::List-Cleanup=0"
)
mkdir -p "$work/cache"
if ! apt-get "${apt_opts[@]}" update -qq >"$work/update.log" 2>&1; then
  echo "fetch-binaryen-source: apt-get update of the private deb-src list failed (see $work/update.log)" >&2
  exit 1
fi
if ! (cd "$work/download" && apt-get "${apt_opts[@]}" source --download-only "binaryen=$version" >"$work/source.log" 2>&1); then
  echo "fetch-binaryen-source: could not download Debian source binaryen=$version (see $work/source.log)" >&2
  exit 1
fi

orig=$(ls "$work/download"/binaryen_"$upstream"*.orig.tar.* 2>/dev/null | head -n 1)
if [ -z "$orig" ]; then
  echo "fetch-binaryen-source: no orig tarball for binaryen $upstream in $work/download" >&2
  exit 1
fi
mkdir -p "$tree"
tar -xf "$orig" -C "$tree" --strip-components=1
# Apply Debian's patches so the headers match the built library exactly.
debian_tar=$(ls "$work/download"/binaryen_"$version".debian.tar.* 2>/dev/null | head -n 1 || true)
if [ -n "$debian_tar" ]; then
  tar -xf "$debian_tar" -C "$tree"
  if [ -f "$tree/debian/patches/series" ]; then
    while read -r p; do
      case "$p" in ""|\#*) continue ;; esac
      if ! patch -d "$tree" -p1 -s -N < "$tree/debian/patches/$p" >/dev/null; then
        echo "fetch-binaryen-source: Debian patch $p does not apply" >&2
        exit 1
      fi
    done < "$tree/debian/patches/series"
  fi
fi
if [ ! -f "$tree/src/wasm.h" ]; then
  echo "fetch-binaryen-source: unpacked tree has no src/wasm.h ($tree)" >&2
  exit 1
fi
echo "$version" > "$tree/.debian-version"
touch "$tree/.complete"
rm -rf "$work"
echo "$tree"
