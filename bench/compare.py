#!/usr/bin/env python3
"""Wall-clock comparison of the naive embedding and scout's Binaryen engine.

For each vector, runs in turn (so that a change in the machine's load hits every
contender alike): naive_binaryen --repeat N, then each scout binary given with
`scout bench --repeat N` (plus its extra options), and prints a Markdown table of
the median execution time per vector (instantiate and run every block, as
`scout bench` reports it; load excluded) and its ratio to the naive embedding.

Usage:
    compare.py --naive build/bench/naive_binaryen \\
               --scout "after=build/scout" [--scout "after -O1=build/scout --binaryen-opt 1"]... \\
               [--repeat 20] VECTOR.yaml...
"""

import argparse
import statistics
import subprocess
import sys


def exec_times(cmd):
    """Per-run exec times (seconds) from the CSV part of a bench output."""
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    times = []
    csv = False
    for line in out.stdout.splitlines():
        if line.startswith("engine,bench_name,parse_time,exec_time"):
            csv = True
            continue
        if csv and line.count(",") == 3:
            times.append(float(line.split(",")[3]))
    if out.returncode != 0 or not times:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), out.stdout))
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--naive", required=True)
    parser.add_argument("--scout", action="append", default=[],
                        help="LABEL=BINARY [OPTIONS...]")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("vectors", nargs="+")
    args = parser.parse_args()

    contenders = []
    for spec in args.scout:
        label, _, command = spec.partition("=")
        binary, *options = command.split()
        contenders.append((label, binary, options))

    head = "| vector | naive (ms) | " + " | ".join(
        "%s (ms) | naive / %s" % (label, label) for label, _, _ in contenders) + " |"
    print(head)
    print("|" + "---|" * (2 + 2 * len(contenders)))
    sys.stdout.flush()
    for v in args.vectors:
        naive = statistics.median(exec_times([args.naive, "--repeat", str(args.repeat), v]))
        cells = ["%.2f" % (naive * 1000)]
        for label, binary, options in contenders:
            t = statistics.median(exec_times(
                [binary, "bench", "--repeat", str(args.repeat)] + options + [v]))
            cells += ["%.2f" % (t * 1000), "%.2f" % (naive / t)]
        print("| %s | %s |" % (v, " | ".join(cells)))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
