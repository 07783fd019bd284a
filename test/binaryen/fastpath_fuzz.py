#!/usr/bin/env python3
"""Differential fuzzing of the Binaryen engine's fast paths.

Makes random valid modules with Binaryen's own fuzzer (`wasm-opt -ttf`, "translate
to fuzz": random bytes in, a module with loops, calls, call_indirect, memory, globals,
traps, floats, SIMD and multi-value out) restricted to the features scout accepts,
and runs them through test/binaryen/fastpath_check, which compares ScoutRunner against
Binaryen's unmodified interpreter call by call. Deterministic: the random bytes
come from fixed seeds.

Usage:
    fastpath_fuzz.py --checker build/test/binaryen/fastpath_check [--seeds 1:200] [--opt 1,2,3] [--keep DIR]

With --opt, each module is also checked with scout's side optimized at each of the
given --binaryen-opt levels (fastpath_check --opt).

Exit 0 when every module behaves identically, 1 otherwise (the differing
modules are kept in --keep DIR, default a temporary folder that is reported).
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile

# scout's features (src/engines/binaryen/binaryen_support.cpp: script_features).
FEATURES = ["--mvp-features", "--enable-mutable-globals", "--enable-sign-ext",
            "--enable-nontrapping-float-to-int", "--enable-bulk-memory",
            "--enable-multivalue", "--enable-simd"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checker", required=True, help="the fastpath_check binary")
    parser.add_argument("--wasm-opt", default=shutil.which("wasm-opt") or "wasm-opt")
    parser.add_argument("--seeds", default="1:200", help="FIRST:LAST, inclusive")
    parser.add_argument("--keep", help="write the modules here (and keep them)")
    parser.add_argument("--opt", default="", help="comma-separated --binaryen-opt levels to check too")
    args = parser.parse_args()
    first, last = (int(x) for x in args.seeds.split(":"))

    out = args.keep or tempfile.mkdtemp(prefix="scout-fastpath-")
    os.makedirs(out, exist_ok=True)
    modules = []
    for seed in range(first, last + 1):
        rng = random.Random("scout-fastpath:%d" % seed)
        size = rng.choice([500, 2000, 8000, 20000])
        data = os.path.join(out, "seed%d.dat" % seed)
        wasm = os.path.join(out, "seed%d.wasm" % seed)
        with open(data, "wb") as f:
            f.write(rng.getrandbits(8 * size).to_bytes(size, "little"))
        subprocess.run([args.wasm_opt, "-ttf", data, "-o", wasm] + FEATURES, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.remove(data)
        modules.append(wasm)

    failed = False
    levels = [[]] + [["--opt", level] for level in args.opt.split(",") if level]
    for level in levels:
        for i in range(0, len(modules), 50):
            batch = modules[i:i + 50]
            r = subprocess.run([args.checker] + level + batch, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
            lines = r.stdout.splitlines()
            if r.returncode != 0:
                failed = True
                print("\n".join(lines))
            elif lines:
                print("%sseeds %d..%d: %s" % (" ".join(level) + " " if level else "", first + i,
                                              first + i + len(batch) - 1, lines[-1]))
    if failed:
        print("FAILED: modules kept in %s" % out)
        return 1
    if not args.keep:
        shutil.rmtree(out)
    print("all %d modules identical" % len(modules))
    return 0


if __name__ == "__main__":
    sys.exit(main())
