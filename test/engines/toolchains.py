#!/usr/bin/env python3
"""V8's verdict against scout's engines on one vector of test-vectors/toolchains/
(test/engines/toolchains.cmake): scripts built by AssemblyScript, rustc and clang +
wasi-libc, which V8 runs unchanged (scout.ts ran on V8).

Usage:
  toolchains.py --scout SCOUT --node NODE --runner run.mjs --vector FILE
                --expect pass|fail [--engines binaryen,wabt,wasm2c]
                [--skip PREFIX=REASON]... [--timeout S]

1. The scripts the vector names (scripts/bin/<prefix>_*.wasm) are looked up; when the
   toolchain of one of them was not available at configure time (--skip as=..., rust=...,
   wasi=...), or node was not found (--node ""), the test prints why and exits 77, which
   ctest reports as skipped (SKIP_RETURN_CODE).
2. `node run.mjs FILE` (tools/bench-node/run.mjs, the JS EEI on V8) gives V8's verdict:
   PASS, FAIL with the first failure (a trap in block N, a post-state root mismatch, a
   deposit mismatch) or ERROR (the module cannot be loaded). It must be what the vector
   expects (--expect: toolchains/*.yaml pass, toolchains/traps/*.yaml trap), or the
   vector itself is wrong.
3. `scout run --format json --engine E FILE` for each engine must give the same verdict:
   the same status, the same kind of failure and, for a trap, the same block. An abort
   (AssemblyScript's env.abort) must also read the same: both decode the message, file,
   line and column as docs/eei.md says. Other trap messages are each engine's own words.
   scout must write nothing to stderr: the report is the JSON on stdout, and nothing
   Binaryen or an engine prints about these modules may reach the terminal raw.
"""
import argparse
import json
import os
import re
import subprocess
import sys

SKIP = 77
TOOLCHAINS = {"as": "AssemblyScript", "rust": "Rust (rustc, wasm32)", "wasi": "C (clang + wasi-libc)"}


def scripts_of(vector):
    """The .wasm files a vector names (execution scripts and libraries), as written."""
    names = []
    with open(vector, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^\s*(?:-\s*)?(?:file:\s*)?(\S+\.wasm)\s*(?:#.*)?$", line)
            if m:
                names.append(m.group(1).strip("\"'"))
    return names


def v8_verdict(node, runner, vector, timeout):
    p = subprocess.run([node, runner, vector], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    out = p.stdout.decode("utf-8", "replace")
    first = out.splitlines()[0] if out.strip() else ""
    raw = f"exit {p.returncode}: {first}{p.stderr.decode('utf-8', 'replace').strip()}"
    if first.startswith("PASS "):
        return ("PASS", None, None), raw
    if first.startswith("ERROR "):
        return ("ERROR", None, None), raw
    m = re.match(r"^FAIL .*?: block (\d+): trap: (.*)$", first)
    if m:
        return ("FAIL", "trap in block " + m.group(1), m.group(2)), raw
    if re.match(r"^FAIL .*?: env \d+: post-state root mismatch", first):
        return ("FAIL", "post-state root mismatch", None), raw
    if re.match(r"^FAIL .*?: deposit \d+:", first):
        return ("FAIL", "deposits differ", None), raw
    return ("UNKNOWN", None, None), raw


def scout_report(scout, engine, vector, timeout, cwd=None):
    """`scout run --format json --engine ENGINE VECTOR`: (the report's one file, or None,
    scout's exit code, what went wrong when there is no report or scout wrote to stderr).
    Also used by test/peers/scout_ts.py."""
    cmd = [scout, "run", "--format", "json", "--engine", engine, "--timeout", str(timeout), vector]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd,
                       env=dict(os.environ, NO_COLOR="1"), timeout=20 * timeout + 60)
    stderr = p.stderr.decode("utf-8", "replace").strip()
    if stderr:
        return None, p.returncode, f"wrote to stderr: {stderr[:2000]}"
    try:
        report = json.loads(p.stdout.decode("utf-8", "replace"))
        (f,) = report["files"]
    except (ValueError, KeyError, TypeError) as e:
        return None, p.returncode, f"no JSON report ({e})"
    return f, p.returncode, None


def scout_verdict(scout, engine, vector, timeout):
    f, rc, problem = scout_report(scout, engine, vector, timeout)
    if problem:
        kind = "STDERR" if problem.startswith("wrote to stderr") else "UNKNOWN"
        return (kind, None, None), f"exit {rc}: {problem}"
    status = f["status"]
    if status == "passed":
        return ("PASS", None, None), f"exit {rc}: passed"
    if status == "error":
        return ("ERROR", None, None), f"exit {rc}: error: {f.get('error')}"
    for b in f.get("blocks", []):
        if b.get("trap"):
            t = b["trap"]
            return (("FAIL", "trap in block %d" % b["index"], t.get("message")),
                    f"exit {rc}: block {b['index']}: trap ({t.get('kind')}): {t.get('message')}")
    if f.get("root_mismatches"):
        return ("FAIL", "post-state root mismatch", None), f"exit {rc}: root mismatch"
    if not f.get("deposits_match", True):
        return ("FAIL", "deposits differ", None), f"exit {rc}: deposits differ"
    return ("UNKNOWN", None, None), f"exit {rc}: failed, but not by a trap, root or deposit"


def show(verdict):
    status, detail, _ = verdict
    return status + (f" ({detail})" if detail else "")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scout", required=True)
    parser.add_argument("--node", default="")
    parser.add_argument("--runner", required=True)
    parser.add_argument("--vector", required=True)
    parser.add_argument("--expect", choices=("pass", "fail"), required=True)
    parser.add_argument("--engines", default="binaryen,wabt,wasm2c")
    parser.add_argument("--skip", action="append", default=[],
                        help="PREFIX=REASON: the toolchain of scripts PREFIX_*.wasm is missing")
    parser.add_argument("--timeout", type=int, default=60)
    args = parser.parse_args()

    skipped = dict(s.split("=", 1) for s in args.skip)
    for script in scripts_of(args.vector):
        prefix = os.path.basename(script).split("_", 1)[0]
        if prefix in skipped:
            print(f"SKIPPED: {args.vector} needs {script}, built by {TOOLCHAINS.get(prefix, prefix)}, "
                  f"which was not available at configure time: {skipped[prefix]}")
            return SKIP
    if not args.node:
        print(f"SKIPPED: {args.vector}: node (Node.js) was not found at configure time, so there is "
              "no V8 verdict to compare with (install nodejs)")
        return SKIP

    v8, raw = v8_verdict(args.node, args.runner, args.vector, 20 * args.timeout)
    print(f"v8 (node {os.path.basename(args.runner)}): {show(v8)}    [{raw}]")
    failed = False
    expected = ("PASS",) if args.expect == "pass" else ("FAIL",)
    if v8[0] not in expected or (args.expect == "fail" and not (v8[1] or "").startswith("trap")):
        print(f"FAILED: V8's verdict is {show(v8)}, but the vector expects "
              f"{'PASS' if args.expect == 'pass' else 'a trap'}: the vector (tools/gen_vectors.py) "
              "or the script is wrong")
        failed = True

    for engine in args.engines.split(","):
        verdict, raw = scout_verdict(args.scout, engine, args.vector, args.timeout)
        same = verdict[:2] == v8[:2]
        if same and v8[2] and v8[2].startswith("abort") and verdict[2] != v8[2]:
            same = False
            raw += f"  (V8's abort reads {v8[2]!r})"
        print(f"scout --engine {engine}: {show(verdict)}: {'same as V8' if same else 'DIFFERS FROM V8'}"
              f"    [{raw}]")
        failed |= not same
    if failed:
        print(f"FAILED: {args.vector}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
