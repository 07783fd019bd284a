#!/usr/bin/env python3
"""Differential test of two engines on one vector file (test/engines/CMakeLists.txt).

Usage:
  compare_engines.py compare --scout SCOUT --vector FILE [--engine wabt]
                     [--reference binaryen] [--timeout S]
                     [--known-difference WHY --expect-reference RE --expect-engine RE]
                     [-- OPTION...]
  compare_engines.py build-hostile --source PROJECT_DIR --out DIR [--wat2wasm PATH]

compare runs `SCOUT run --engine E [OPTION...] FILE` for both engines, once plainly and once
with --trace (unless --no-trace), and checks that they agree: the same exit code and the same report, line by
line, after normalising what may differ between engines for the same cause:
  - the wording of wasm traps: "trap (wasm): <message>" keeps only the kind;
  - the wording of a rejected module: "invalid wasm binary: ..." and
    "wasm validation failed: ..." (each engine's own parser and validator) become one
    "<wasm rejected>".
Everything else must be equal: PASS/FAIL/ERROR lines, trap kinds and the messages of
host, tick, gas and resource traps, post-state roots, deposit receipts, debug output, and
(with --trace) every host call with its arguments, memory ranges and result.

With --known-difference the engines are expected to disagree (a documented difference):
the test passes when they do and each report matches its --expect-* regex, and fails
once they agree, so that the note can be removed.

build-hostile makes the hostile-bin/ folder the hostile vectors name (relative to the
current directory): the WAT sources of test-vectors/hostile/wat compiled with wat2wasm,
and the binaries test/hostile/gen_hostile.py generates.
"""
import argparse
import difflib
import os
import re
import subprocess
import sys

WASM_TRAP = re.compile(r"(trap \(wasm\)): .*")
REJECTED = re.compile(r"(invalid wasm binary|wasm validation failed): .*")


def normalise(text):
    lines = []
    for line in text.splitlines():
        line = WASM_TRAP.sub(r"\1: <wasm trap>", line)
        line = REJECTED.sub("<wasm rejected>", line)
        lines.append(line)
    return lines


def run(scout, engine, vector, options, timeout):
    cmd = [scout, "run", "--engine", engine, "--timeout", str(timeout)] + options + [vector]
    env = dict(os.environ, NO_COLOR="1")
    # The harness's own limit: scout's --timeout applies per block and to loading.
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                       timeout=20 * timeout + 60)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"), cmd


def compare(args, options):
    differences = []
    reports = {}
    modes = (("plain", []),) if args.no_trace else (("plain", []), ("trace", ["--trace"]))
    for mode, extra in modes:
        ref = run(args.scout, args.reference, args.vector, options + extra, args.timeout)
        eng = run(args.scout, args.engine, args.vector, options + extra, args.timeout)
        reports[mode] = (ref, eng)
        same = ref[0] == eng[0] and normalise(ref[1]) == normalise(eng[1])
        if not same:
            differences.append(mode)
        print(f"{mode}: {args.reference} exit {ref[0]}, {args.engine} exit {eng[0]}: "
              f"{'agree' if same else 'DIFFER'}")
        # A vector that timed out once would only time out again with --trace.
        if "trap (timeout)" in ref[1] and "trap (timeout)" in eng[1]:
            break

    def show(mode):
        ref, eng = reports[mode]
        print(f"--- {mode}: {' '.join(ref[3])} (exit {ref[0]})")
        print(f"+++ {mode}: {' '.join(eng[3])} (exit {eng[0]})")
        for line in difflib.unified_diff(normalise(ref[1]), normalise(eng[1]), args.reference,
                                         args.engine, lineterm=""):
            print(line)
        for name, r in ((args.reference, ref), (args.engine, eng)):
            if r[2].strip():
                print(f"stderr of {name}:\n{r[2]}")

    if args.known_difference:
        print(f"known difference: {args.known_difference}")
        if not differences:
            print("FAILED: the engines now agree; remove the known difference")
            return 1
        ref, eng = reports["plain"]
        ok = True
        for name, regex, report in ((args.reference, args.expect_reference, ref[1]),
                                    (args.engine, args.expect_engine, eng[1])):
            if regex and not re.search(regex, report, re.MULTILINE):
                print(f"FAILED: the report of {name} does not match {regex!r}")
                ok = False
        if not ok:
            show("plain")
            return 1
        return 0
    if differences:
        for mode in differences:
            show(mode)
        print(f"FAILED: {args.engine} and {args.reference} disagree on {args.vector}")
        return 1
    return 0


def build_hostile(args):
    source = args.source
    out = args.out
    os.makedirs(out, exist_ok=True)
    wat_dir = os.path.join(source, "test-vectors", "hostile", "wat")
    failed = []
    if os.path.isdir(wat_dir):
        for name in sorted(os.listdir(wat_dir)):
            if not name.endswith(".wat"):
                continue
            target = os.path.join(out, name[:-4] + ".wasm")
            p = subprocess.run([args.wat2wasm, os.path.join(wat_dir, name), "-o", target],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            if p.returncode != 0:
                failed.append(f"{name}: {p.stdout.decode('utf-8', 'replace')}")
    generator = os.path.join(source, "test", "hostile", "gen_hostile.py")
    if os.path.isfile(generator):
        p = subprocess.run([sys.executable, generator, "build", out])
        if p.returncode != 0:
            failed.append(f"{generator} build {out}: exit {p.returncode}")
    for f in failed:
        print(f"warning: {f}")
    print(f"hostile-bin: {len(os.listdir(out))} entries in {out}")
    return 0


def main():
    argv = sys.argv[1:]
    options = []
    if "--" in argv:
        i = argv.index("--")
        argv, options = argv[:i], argv[i + 1:]
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("compare")
    c.add_argument("--scout", required=True)
    c.add_argument("--vector", required=True)
    c.add_argument("--engine", default="wabt")
    c.add_argument("--reference", default="binaryen")
    c.add_argument("--timeout", type=int, default=10)
    c.add_argument("--no-trace", action="store_true",
                   help="compare the plain runs only (vectors whose traces run to many MB)")
    c.add_argument("--known-difference")
    c.add_argument("--expect-reference")
    c.add_argument("--expect-engine")
    h = sub.add_parser("build-hostile")
    h.add_argument("--source", required=True)
    h.add_argument("--out", required=True)
    h.add_argument("--wat2wasm", default="wat2wasm")
    args = parser.parse_args(argv)
    if args.command == "compare":
        return compare(args, options)
    return build_hostile(args)


if __name__ == "__main__":
    sys.exit(main())
