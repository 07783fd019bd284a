#!/usr/bin/env python3
"""scout's verdicts against a real peer's: scout.ts's own CLI on V8 (the npm package
scout.ts 0.0.2, pinned in test/peers/package-lock.json), on the vectors it ships and on
copies of them changed so that they must fail (test/peers/CMakeLists.txt, tests
peers.scout_ts.<vector>).

Usage:
  scout_ts.py --scout SCOUT --node NODE --cli <...>/node_modules/scout.ts/dist/cli.js
              --vector NAME.yaml [--engines binaryen,wabt,wasm2c] [--skip REASON] [--timeout S]

1. With --skip (scout.ts was not installed at configure time: no node or npm, or npm ci
   failed) the test prints why and exits 77, which ctest reports as skipped.
2. The cases: the vector as shipped (dist/NAME.yaml, run in dist/, where its wasm paths
   point); then copies written to a temporary folder, with the script paths made absolute:
   the vector unchanged (the copying itself changes no verdict), each env's expected
   post-state root with one bit flipped, and the changes of DERIVED for this vector: a
   block's data changed, a block appended.
3. Each case runs on scout.ts (`node cli.js FILE`, in the file's folder: the CLI takes
   one vector and reads the scripts relative to its working directory), whose verdict must
   be the case's (PASS for the vector as shipped and its copy, FAIL for every change that
   must bite: a change that scout.ts passes proves nothing), and then with
   `scout run --format json --engine E FILE` for every engine, which must give the same
   verdict: PASS with exit 0, or FAIL with exit 1 and the same first failure: a trap in the
   same block, or a post-state root mismatch of the same env with the same root computed.

What scout.ts 0.0.2's CLI checks, and so what agreeing with it proves: it runs each script
in turn over the blocks of its env (file order), the pre-state root of each block being the
root the last block saved, and after the script's last block asserts that root equals the
expected post-state root; the first trap or mismatch ends the run (exit 1). It does NOT
check deposits (it has no deposit host function and ignores deposit_receipts), nor any root
but each script's last, nor anything about blocks of an env that has no script (ignored). Its
saved root is one variable for the whole run: a block that saves no root leaves the previous
block's root, even another script's, and a script with no block is compared with the
previous script's root (or crashes, for the first). So the vectors here are only those where
its verdict means what scout's does: every env has blocks, every block saves a root, no
deposits. scout compares each env's final root as well (and deposits); a trap or mismatch it
reports is compared with scout.ts's first one, taken in scout.ts's order.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "engines"))
from toolchains import scout_report  # noqa: E402  (test/engines/toolchains.py)

SKIP = 77

# Changes of a shipped vector besides the post-state root flips, each with scout.ts's
# verdict, which the test asserts (V8's, checked when these were chosen):
#   ("data", BLOCK, BYTE): bit 0 of byte BYTE of block BLOCK's data flipped;
#   ("append", ENV, HEX): a block of env ENV with data HEX appended;
#   ("append-copy", BLOCK): a copy of block BLOCK appended.
DERIVED = {
    # hello-world-optimized.wasm adds 1 to the root's last byte per block (1 -> 3 in two).
    "test.yaml": [
        (("append", 0, ""), "FAIL"),  # a third block: 4, not 3
    ],
    # phase2_helloworld.wasm (env 0) saves the root it is given; phase2_bazaar.wasm (env 1)
    # reads the one block of env 1 (ewasm/scout's bazaar example). What V8 does with each
    # change, as scout.ts 0.0.2 reports it:
    "bazaar.yaml": [
        (("data", 2, 0), "FAIL"),  # the first byte: a trap (unreachable) in block 2
        (("data", 2, 8), "FAIL"),  # the ninth byte: another root for env 1
        (("append-copy", 2), "FAIL"),  # the same block again: a trap in block 3
        (("append", 0, ""), "PASS"),  # env 0's root stays, whatever the number of blocks
    ],
}


class Vector:
    """A vector in the shape of ewasm/scout's and scout.ts's (the files scout.ts ships):
    execution_scripts, the pre- and post-state roots, the blocks (env, data) and nothing
    else. Read line by line (the tests need no YAML library); anything else is an error."""

    def __init__(self, path):
        self.scripts, self.pre, self.post, self.blocks = [], [], [], []
        lists = {"beacon_state/execution_scripts": self.scripts,
                 "shard_pre_state/exec_env_states": self.pre,
                 "shard_post_state/exec_env_states": self.post}
        top = sub = None
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                text = line.rstrip()
                if not text.strip() or text.lstrip().startswith("#"):
                    continue
                m = re.fullmatch(r"(\w+):(?:\s*\[\])?", text)
                if m:
                    top, sub = m.group(1), None
                    continue
                m = re.fullmatch(r"  (\w+):", text)
                if m and top in ("beacon_state", "shard_pre_state", "shard_post_state"):
                    sub = m.group(1)
                    continue
                m = re.fullmatch(r"    - (\S+)", text)
                if m and f"{top}/{sub}" in lists:
                    lists[f"{top}/{sub}"].append(m.group(1).strip("\"'"))
                    continue
                m = re.fullmatch(r"  - env: (\d+)", text)
                if m and top == "shard_blocks":
                    self.blocks.append([int(m.group(1)), None])
                    continue
                m = re.fullmatch(r"    data: (\S*)", text)
                if m and top == "shard_blocks" and self.blocks and self.blocks[-1][1] is None:
                    self.blocks[-1][1] = m.group(1).strip("\"'")
                    continue
                raise ValueError(f"{path}:{n}: not a line of the shape this test reads: {text!r}")
        if not self.scripts or len(self.pre) != len(self.scripts) or len(self.post) != len(self.scripts):
            raise ValueError(f"{path}: {len(self.scripts)} scripts, {len(self.pre)} pre-state and "
                             f"{len(self.post)} post-state roots")
        for i in range(len(self.scripts)):
            if not any(env == i for env, _ in self.blocks):
                raise ValueError(f"{path}: env {i} has no block: scout.ts's verdict would not be "
                                 "about it (see this file's docstring)")
        if any(data is None for _, data in self.blocks):
            raise ValueError(f"{path}: a block without data")

    def write(self, path):
        with open(path, "w", encoding="utf-8") as f:
            f.write("beacon_state:\n  execution_scripts:\n")
            f.writelines(f"    - {s}\n" for s in self.scripts)
            f.write("shard_pre_state:\n  exec_env_states:\n")
            f.writelines(f'    - "{r}"\n' for r in self.pre)
            f.write("shard_blocks:\n")
            f.writelines(f'  - env: {env}\n    data: "{data}"\n' for env, data in self.blocks)
            f.write("shard_post_state:\n  exec_env_states:\n")
            f.writelines(f'    - "{r}"\n' for r in self.post)

    def run_order(self):
        """The blocks' indexes in the order scout.ts runs them: script by script."""
        return [b for i in range(len(self.scripts))
                for b, (env, _) in enumerate(self.blocks) if env == i]


def flip_bit(hex_text, byte, bit=0):
    data = bytearray(bytes.fromhex(hex_text))
    data[byte] ^= 1 << bit
    return data.hex()


def derive(vector, change):
    """A copy of VECTOR with CHANGE (see DERIVED) made, and its description."""
    v = Vector.__new__(Vector)
    v.scripts, v.pre, v.post = list(vector.scripts), list(vector.pre), list(vector.post)
    v.blocks = [list(b) for b in vector.blocks]
    kind = change[0]
    if kind == "post":
        v.post[change[1]] = flip_bit(v.post[change[1]], 31)
        return v, f"env {change[1]}'s expected post-state root, bit 0 of its last byte flipped"
    if kind == "data":
        _, block, byte = change
        v.blocks[block][1] = flip_bit(v.blocks[block][1], byte)
        return v, f"block {block}'s data, bit 0 of byte {byte} flipped"
    if kind == "append":
        v.blocks.append([change[1], change[2]])
        return v, f"a block of env {change[1]} appended ({'data ' + change[2] if change[2] else 'no data'})"
    if kind == "append-copy":
        v.blocks.append(list(v.blocks[change[1]]))
        return v, f"a copy of block {change[1]} appended"
    raise ValueError(change)


def scout_ts_verdict(node, cli, vector, path, timeout):
    """scout.ts's verdict on PATH (VECTOR, as read): ("PASS",), ("FAIL", "trap", block),
    ("FAIL", "root", env, root), or ("UNKNOWN", why) for a failure that is neither (a crash
    of the CLI); and what it printed."""
    p = subprocess.run([node, cli, os.path.basename(path)], cwd=os.path.dirname(path),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    out = p.stdout.decode("utf-8", "replace")
    err = p.stderr.decode("utf-8", "replace")
    if p.returncode == 0:
        return ("PASS",), "exit 0"
    # Each block that returned printed one "benchmark took" line.
    done = len(re.findall(r"^benchmark took ", out, re.M))
    m = re.search(r"^AssertionError[^:]*: expected ([0-9a-f]{64}), received ([0-9a-f]{64})$", err, re.M)
    if m:
        # The script asserted last is the one whose blocks end at the DONE-th (every env
        # has blocks); its expected root must be the one the message names.
        ends = [sum(1 for e, _ in vector.blocks if e <= i) for i in range(len(vector.scripts))]
        env = ends.index(done) if done in ends else None
        if env is not None and vector.post[env].lower() != m.group(1):
            env = None
        return ("FAIL", "root", env, "0x" + m.group(2)), m.group(0)
    m = re.search(r"^(?:RuntimeError: .*|Wasm aborted|Error: (?:division by zero|"
                  r"modulus is zero))$", err, re.M)
    if m:
        # The trap is in the block after the last that returned.
        order = vector.run_order()
        return ("FAIL", "trap", order[done] if done < len(order) else None), m.group(0)
    lines = [s for s in err.splitlines() if s.strip()]
    return ("UNKNOWN", "failed otherwise"), f"exit {p.returncode}: {' | '.join(lines[-12:])[:1500]}"


def scout_verdict(scout, engine, vector, path, timeout):
    """scout's verdict in the same terms, its first failure in scout.ts's order (script by
    script: a trap in one of its blocks, else its root), and scout's exit code."""
    f, rc, problem = scout_report(scout, engine, path, timeout, cwd=os.path.dirname(path))
    if problem:
        return ("UNKNOWN", problem), rc, f"exit {rc}: {problem}"
    if f["status"] == "passed":
        return ("PASS",), rc, f"exit {rc}: passed"
    if f["status"] == "error":
        return ("ERROR",), rc, f"exit {rc}: error: {f.get('error') or f.get('load_error')}"
    blocks = {b["index"]: b for b in f.get("blocks", [])}
    mismatches = {m["env"]: m for m in f.get("root_mismatches", [])}
    for env in range(len(vector.scripts)):
        for b in [b for b in vector.run_order() if vector.blocks[b][0] == env]:
            if b not in blocks:
                return (("UNKNOWN", f"block {b} did not run"), rc,
                        f"exit {rc}: failed, block {b} (env {env}) not in the report")
            if blocks[b].get("trap"):
                t = blocks[b]["trap"]
                return ("FAIL", "trap", b), rc, f"exit {rc}: block {b}: trap ({t['kind']}): {t['message']}"
        if env in mismatches:
            m = mismatches[env]
            return (("FAIL", "root", env, m["actual"]), rc,
                    f"exit {rc}: env {env}: expected {m['expected']}, got {m['actual']}")
    why = "deposits differ" if not f.get("deposits_match", True) else "not by a trap or a root"
    return ("UNKNOWN", f"failed: {why}"), rc, f"exit {rc}: failed ({why})"


def show(verdict):
    if verdict[0] != "FAIL":
        return " ".join(str(v) for v in verdict)
    if verdict[1] == "trap":
        return f"FAIL (trap in block {verdict[2]})"
    return f"FAIL (env {verdict[2]}: post-state root {verdict[3]})"


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scout", required=True)
    parser.add_argument("--node", default="")
    parser.add_argument("--cli", required=True, help="scout.ts's dist/cli.js")
    parser.add_argument("--vector", required=True, help="a vector of scout.ts's dist/")
    parser.add_argument("--engines", default="binaryen,wabt,wasm2c")
    parser.add_argument("--skip", default="", help="why scout.ts is not installed")
    parser.add_argument("--timeout", type=int, default=60)
    args = parser.parse_args()

    if args.skip or not args.node:
        print(f"SKIPPED: scout.ts's {args.vector}: scout.ts was not installed at configure time: "
              f"{args.skip or 'node not found'}")
        return SKIP
    # Both run in the vectors' folders: paths relative to this one made absolute.
    scout, node, cli = (os.path.abspath(p) if os.sep in p else p
                        for p in (args.scout, args.node, args.cli))
    dist = os.path.dirname(cli)
    shipped = os.path.join(dist, args.vector)
    vector = Vector(shipped)
    changes = [(("post", i), "FAIL") for i in range(len(vector.scripts))]
    changes += DERIVED.get(args.vector, [])

    failed = False
    with tempfile.TemporaryDirectory(prefix="scout-peers-") as tmp:
        copy = Vector(shipped)
        copy.scripts = [os.path.join(dist, s) for s in copy.scripts]
        cases = [(f"{args.vector} as shipped", shipped, vector, "PASS")]
        path = os.path.join(tmp, "unchanged.yaml")
        copy.write(path)
        cases.append((f"{args.vector} copied to {path}, unchanged", path, copy, "PASS"))
        for n, (change, expect) in enumerate(changes):
            derived, what = derive(copy, change)
            path = os.path.join(tmp, f"derived_{n}.yaml")
            derived.write(path)
            cases.append((f"{args.vector} with {what} ({path})", path, derived, expect))

        for title, path, v, expect in cases:
            print(f"== {title}: scout.ts must say {expect}")
            ts, raw = scout_ts_verdict(node, cli, v, path, 20 * args.timeout)
            print(f"scout.ts (node dist/cli.js): {show(ts)}    [{raw}]")
            if ts[0] != expect:
                if ts[0] == "UNKNOWN":
                    why = "scout.ts's CLI failed, but by neither a trap nor a root (a crash?)"
                elif expect == "FAIL":
                    why = "the change did not bite, so the case proves nothing"
                else:
                    why = "scout.ts fails the vector"
                print(f"FAILED: scout.ts says {show(ts)}, the case is {expect}: {why}")
                failed = True
            if ts[0] == "FAIL" and None in ts:
                print("FAILED: scout.ts's failure could not be placed (which block or env)")
                failed = True
            for engine in args.engines.split(","):
                verdict, rc, raw = scout_verdict(scout, engine, v, path, args.timeout)
                want_rc = 0 if ts[0] == "PASS" else 1
                same = verdict == ts and rc == want_rc
                judged = "same as scout.ts" if same else "DIFFERS FROM scout.ts"
                if verdict == ts and rc != want_rc:
                    judged += f" (exit {rc}, not {want_rc})"
                print(f"scout --engine {engine}: {show(verdict)}: {judged}    [{raw}]")
                failed |= not same
    if failed:
        print(f"FAILED: scout.ts's {args.vector}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
