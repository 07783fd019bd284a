#!/usr/bin/env python3
"""Times scout's engines against V8 (Node.js) on the bench vectors and prints
the tables of docs/performance.md (Markdown).

  tools/bench-node/bench.py [--scout build/scout] [--repeat 20] [--runs 20]
                            [--engines binaryen,wabt,wasm2c] [VECTOR.yaml...]

Execution: `scout bench --engine E --repeat N` (after its own warm-up run) per
engine, and `node tools/bench-node/run.mjs --json --repeat N` with V8's default
tiers and with --no-liftoff (optimizing compiler only); the median over the N
runs of the per-run sum, over blocks, of instantiate + execute.
Whole runs: hyperfine (--warmup 3, N runs) of `scout run --engine E VECTOR`
(isolated, the default: a worker process per file), `scout run --no-isolate`
and `node run.mjs VECTOR`, start to exit; the median.

The wasm2c engine is timed with a warm cache (hyperfine's and scout bench's
warm-up runs fill it); the cache is SCOUT_CACHE_DIR if set (bench.py sets it to
a folder of its own when it is not).
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUN_MJS = os.path.join(ROOT, "tools", "bench-node", "run.mjs")
DEFAULT_VECTORS = [os.path.join("test-vectors", "bench", n + ".yaml")
                   for n in ("sha256_16k", "bignum_wasm", "bignum_host", "small_blocks")]
# Whole runs also time the smallest vector: start-up and load overhead alone.
WHOLE_EXTRA = [os.path.join("test-vectors", "helloworld.yaml")]


def scout_bench(scout, engine, vector, repeat):
    out = subprocess.run([scout, "bench", "--engine", engine, "--repeat", str(repeat), vector],
                         cwd=ROOT, capture_output=True, text=True)
    rows = [l.split(",") for l in out.stdout.splitlines() if l.startswith(engine + ",")]
    if out.returncode != 0 or not rows:
        sys.exit(f"scout bench --engine {engine} {vector} failed:\n{out.stdout}{out.stderr}")
    return statistics.median(float(r[3]) for r in rows) * 1000


def node_bench(vector, repeat, flags):
    out = subprocess.run(["node"] + flags + [RUN_MJS, "--json", "--repeat", str(repeat), vector],
                         cwd=ROOT, capture_output=True, text=True)
    lines = [l for l in out.stdout.splitlines() if l.startswith("{")]
    if out.returncode != 0 or not lines:
        sys.exit(f"node run.mjs {vector} failed:\n{out.stdout}{out.stderr}")
    return json.loads(lines[0])["execute_ms"]["median"]


def hyperfine(commands, runs, extra=("--warmup", "3")):
    with tempfile.NamedTemporaryFile(suffix=".json") as f:
        subprocess.run(["hyperfine", "-N", *extra, "--runs", str(runs), "--export-json", f.name,
                        "--style", "none"] + commands, cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        results = json.load(open(f.name))["results"]
    return [statistics.median(r["times"]) * 1000 for r in results]


def fmt(ms):
    return f"{ms:.3f}" if ms < 10 else f"{ms:.1f}"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scout", default=os.path.join(ROOT, "build", "scout"))
    p.add_argument("--repeat", type=int, default=20)
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--engines", default="binaryen,wabt,wasm2c")
    p.add_argument("--no-whole", action="store_true", help="skip the whole-run timings")
    p.add_argument("vectors", nargs="*", default=DEFAULT_VECTORS)
    args = p.parse_args()
    scout = os.path.abspath(args.scout)
    engines = [e for e in args.engines.split(",") if e]
    os.environ.setdefault("SCOUT_CACHE_DIR", tempfile.mkdtemp(prefix="scout-bench-cache-"))
    if not args.no_whole and not shutil.which("hyperfine"):
        sys.exit("hyperfine not found (Debian package hyperfine), or pass --no-whole")

    names = [os.path.splitext(os.path.basename(v))[0] for v in args.vectors]
    print(f"Execution, ms (median of {args.repeat} runs after a warm-up; sum over the blocks "
          "of instantiate + execute):\n")
    cols = engines + ["v8", "v8 --no-liftoff"]
    print("| script | " + " | ".join(cols) + " | wasm2c / v8 | wasm2c / v8 --no-liftoff |")
    print("|---" * (len(cols) + 3) + "|")
    for name, vector in zip(names, args.vectors):
        t = {e: scout_bench(scout, e, vector, args.repeat) for e in engines}
        t["v8"] = node_bench(vector, args.repeat, [])
        t["v8 --no-liftoff"] = node_bench(vector, args.repeat, ["--no-liftoff"])
        ratio = lambda a, b: f"{t[a] / t[b]:.2f}" if a in t and b in t else "-"
        print(f"| {name} | " + " | ".join(fmt(t[c]) for c in cols) +
              f" | {ratio('wasm2c', 'v8')} | {ratio('wasm2c', 'v8 --no-liftoff')} |", flush=True)

    if args.no_whole:
        return 0
    print(f"\nWhole runs, ms (hyperfine: median of {args.runs} runs after 3 warm-ups, start to exit):\n")
    wcols = [f"scout {e}" for e in engines] + ["scout wasm2c --no-isolate", "node"]
    print("| vector | " + " | ".join(wcols) + " | scout wasm2c / node |")
    print("|---" * (len(wcols) + 2) + "|")
    whole = list(args.vectors) + ([] if args.vectors != DEFAULT_VECTORS else WHOLE_EXTRA)
    for vector in whole:
        name = os.path.splitext(os.path.basename(vector))[0]
        commands = [f"{scout} run -q --engine {e} {vector}" for e in engines]
        commands.append(f"{scout} run -q --no-isolate --engine wasm2c {vector}")
        commands.append(f"node {RUN_MJS} {vector}")
        times = hyperfine(commands, args.runs)
        by = dict(zip(wcols, times))
        ratio = f"{by['scout wasm2c'] / by['node']:.2f}" if "scout wasm2c" in by else "-"
        print(f"| {name} | " + " | ".join(fmt(x) for x in times) + f" | {ratio} |", flush=True)

    if "wasm2c" not in engines:
        return 0
    cache = os.environ["SCOUT_CACHE_DIR"]
    print(f"\nFirst run with an empty cache, ms (hyperfine --prepare 'rm -rf {cache}/wasm2c': median "
          "of 5): `scout run --engine wasm2c` translating and compiling, against a warm run:\n")
    print("| vector | cold cache | warm cache | compile cost |")
    print("|---|---|---|---|")
    for vector in whole:
        name = os.path.splitext(os.path.basename(vector))[0]
        command = f"{scout} run -q --engine wasm2c {vector}"
        cold = hyperfine([command], 5, ("--prepare", f"rm -rf {cache}/wasm2c"))[0]
        warm = hyperfine([command], 10)[0]
        print(f"| {name} | {fmt(cold)} | {fmt(warm)} | {fmt(cold - warm)} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
