#!/usr/bin/env python3
"""Runs one scout command line and checks its exit code and output.

Usage: check_cli.py --exit N [--expect REGEX]... [--reject REGEX]...
                    [--last-line TEXT] [--cwd DIR] -- COMMAND...

Every --expect must match (re.MULTILINE) somewhere in stdout+stderr, no
--reject may match, and --last-line must equal the last line of stdout.
Prints the command's output on failure so ctest --output-on-failure shows it.
"""
import argparse
import re
import subprocess
import sys


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--exit", type=int, required=True, dest="exit_code")
    parser.add_argument("--expect", action="append", default=[])
    parser.add_argument("--reject", action="append", default=[])
    parser.add_argument("--last-line")
    parser.add_argument("--cwd")
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")

    try:
        proc = subprocess.run(command, cwd=args.cwd, capture_output=True, text=True,
                              timeout=args.timeout)
    except subprocess.TimeoutExpired:
        print(f"FAIL: timed out after {args.timeout} s: {' '.join(command)}")
        return 1
    output = proc.stdout + proc.stderr
    problems = []
    if proc.returncode != args.exit_code:
        problems.append(f"exit code {proc.returncode}, expected {args.exit_code}")
    if proc.returncode < 0:
        problems.append(f"killed by signal {-proc.returncode}")
    for pattern in args.expect:
        if not re.search(pattern, output, re.MULTILINE):
            problems.append(f"output does not match: {pattern}")
    for pattern in args.reject:
        if re.search(pattern, output, re.MULTILINE):
            problems.append(f"output matches what it must not: {pattern}")
    if args.last_line is not None:
        lines = proc.stdout.rstrip("\n").split("\n")
        if lines[-1] != args.last_line:
            problems.append(f"last line is {lines[-1]!r}, expected {args.last_line!r}")

    if problems:
        print("command:", " ".join(command))
        print("--- output ---")
        print(output, end="")
        print("--------------")
        for p in problems:
            print("FAIL:", p)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
