#!/usr/bin/env python3
"""scout leaves no work behind and trusts no damaged cache entry (docs/reliability.md).

Usage: check_lifecycle.py --scout SCOUT --vectors DIR --slow-cc SCRIPT SCENARIO [options]

Runs in test/hostile's build folder (the vectors name their scripts hostile-bin/...).
Every scenario uses a private wasm2c cache (SCOUT_CACHE_DIR) and looks at /proc, so
it sees what scout left running however scout ended. Scenarios:

  stop-parent --signal KILL|TERM|INT
      `scout run -j 2` on a passing file and two endless loops; once both endless
      workers run, scout gets the signal. No worker may survive it; on TERM and INT
      scout reports the passed file, the two interrupted ones and its summary.
  stop-compile --signal KILL|TERM [--no-isolate]
      the wasm2c engine with a C compiler that never finishes (slow_cc.sh: a driver
      and its "cc1"); scout gets the signal while it compiles. Neither the driver nor
      its child may survive; the scratch folder is gone after the next run, which
      passes with the real compiler.
  compile-timeout
      the same compiler under --timeout 2: the file times out while loading, and no
      compiler process and no scratch folder is left.
  cache-damage --damage flip|truncate|swap|strip [--no-isolate]
      a cached wasm2c object is damaged (a byte changed, cut to half its size,
      replaced by another module's sealed object, its seal removed); the next run
      gives the right result, not the damaged entry's, and the entry is rebuilt with
      a valid seal (checked here, independently of scout: SHA-256 over the key and
      the bytes, parts length-prefixed as aot::KeyHasher does).
"""
import argparse
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid


def processes():
    """pid -> (state, ppid, argv) of every process, zombies included."""
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read().decode("latin-1")
            with open(f"/proc/{name}/cmdline", "rb") as f:
                argv = [a.decode("latin-1") for a in f.read().split(b"\0") if a]
        except OSError:
            continue
        rest = stat[stat.rindex(")") + 2:].split()
        out[int(name)] = (rest[0], int(rest[1]), argv)
    return out


def alive(pid):
    p = processes().get(pid)
    return p is not None and p[0] != "Z"


def wait_for(what, predicate, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise SystemExit(f"FAIL: {what} (waited {seconds} s)")


def descendants(root):
    procs = processes()
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, (_, ppid, _) in procs.items() if ppid in frontier} - found
        found |= frontier
    return found


def marked(mark):
    """Live processes whose argv[0] carries the mark (slow_cc.sh's driver and child)."""
    return sorted(pid for pid, (state, _, argv) in processes().items()
                  if state != "Z" and argv and argv[0].endswith(mark))


def none_left(pids, what):
    end = time.monotonic() + 10
    while time.monotonic() < end:
        left = [p for p in pids if alive(p)]
        if not left:
            return
        time.sleep(0.05)
    procs = processes()
    report = "; ".join(f"{p} {' '.join(procs[p][2])}" for p in left if p in procs)
    for p in left:  # a failing test leaves nothing behind either
        try:
            os.kill(p, signal.SIGKILL)
        except OSError:
            pass
    raise SystemExit(f"FAIL: {what} left running: {report}")


def stopped(p, sig, family, what):
    """Signals scout, waits for it to end, checks that none of `family` survives it,
    then reads its output (survivors would hold its pipe open)."""
    os.kill(p.pid, sig)
    try:
        p.wait(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        none_left(family, what)
        raise SystemExit(f"FAIL: scout did not end within 60 s of {what}")
    none_left(family, what)
    return p.stdout.read()


class Run:
    def __init__(self, args):
        self.args = args
        self.tmp = tempfile.mkdtemp(prefix="scout-lifecycle-")
        self.cache = os.path.join(self.tmp, "cache")
        self.env = dict(os.environ, SCOUT_CACHE_DIR=self.cache)

    def vector(self, rel):
        return os.path.join(self.args.vectors, rel)

    def start(self, argv, env=None):
        return subprocess.Popen([self.args.scout] + argv, env=env or self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def run(self, argv, expect_code, expect=(), reject=(), env=None):
        p = self.start(argv, env)
        out, _ = p.communicate(timeout=100)
        check(out, p.returncode, expect_code, expect, reject, argv)
        return out

    def scratch(self):
        found = []
        for root, dirs, _ in os.walk(self.cache):
            found += [os.path.join(root, d) for d in dirs if d.startswith(".tmp-")]
        return found

    def objects(self):
        d = os.path.join(self.cache, "wasm2c")
        return {n for n in os.listdir(d) if n.endswith(".so")} if os.path.isdir(d) else set()

    def close(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


def check(out, code, expect_code, expect=(), reject=(), argv=()):
    problems = []
    if code != expect_code:
        problems.append(f"exit code {code}, expected {expect_code}")
    for e in expect:
        if not re.search(e, out, re.MULTILINE):
            problems.append(f"output does not match: {e}")
    for r in reject:
        if re.search(r, out, re.MULTILINE):
            problems.append(f"output matches what it must not: {r}")
    if problems:
        print("command: scout", " ".join(argv))
        print("--- output ---\n" + out + "--------------")
        raise SystemExit("FAIL: " + "; ".join(problems))


SIGNALS = {"KILL": signal.SIGKILL, "TERM": signal.SIGTERM, "INT": signal.SIGINT}


def stop_parent(r, a):
    sig = SIGNALS[a.signal]
    files = [r.vector("lifecycle/quick.yaml"), r.vector("lifecycle/endless.yaml"),
             r.vector("limits/endless_loop.yaml")]
    p = r.start(["run", "-j", "2", "--timeout", "300"] + files)

    def endless_workers():
        w = [pid for pid, (state, ppid, argv) in processes().items()
             if ppid == p.pid and state != "Z" and "worker" in argv and
             any("endless" in x for x in argv)]
        return w if len(w) == 2 else None

    workers = wait_for("two workers running the endless loops", endless_workers, 30)
    time.sleep(1)  # both in their block by now: loading a 60-byte module takes milliseconds
    family = descendants(p.pid)
    out = stopped(p, sig, family, f"scout stopped by SIG{a.signal}")
    if sig == signal.SIGKILL:
        check(out, p.returncode, -signal.SIGKILL)
    else:
        name = f"SIG{a.signal}"
        # 128 + the signal: the shell's code for "ended by that signal"
        # (docs/cli.md, "Exit codes"), after the report of what finished.
        check(out, p.returncode, 128 + sig, expect=[
            r"^PASS .*/quick\.yaml",
            r"^FAIL .*/lifecycle/endless\.yaml",
            r"^FAIL .*/limits/endless_loop\.yaml",
            r"endless_loop\.wasm: trap \(interrupted\): scout received " + name +
            r" and stopped the worker$",
            r"^1 passed, 2 failed$"])
    print(f"ok: workers {workers} and every other child ended with scout ({a.signal})")


def slow_cc_env(r):
    mark = uuid.uuid4().hex
    log = os.path.join(r.tmp, "cc-log")
    os.makedirs(log)
    env = dict(r.env, SCOUT_CC=r.args.slow_cc, SLOW_CC_MARK=mark, SLOW_CC_LOG=log)
    return env, mark, log


def stop_compile(r, a):
    env, mark, log = slow_cc_env(r)
    argv = ["run", "--engine", "wasm2c"] + (["--no-isolate"] if a.no_isolate else []) + \
        ["--timeout", "300", r.vector("lifecycle/quick.yaml")]
    p = r.start(argv, env)
    wait_for("the compiler and its child running",
             lambda: len(marked(mark)) >= 2 and os.listdir(log), 60)
    family = descendants(p.pid)
    out = stopped(p, SIGNALS[a.signal], family, f"scout stopped by SIG{a.signal} while compiling")
    none_left(marked(mark), "the compiler")
    if a.no_isolate or a.signal == "KILL":
        check(out, p.returncode, -SIGNALS[a.signal], argv=argv)
    else:
        check(out, p.returncode, 128 + SIGNALS[a.signal], argv=argv, expect=[
            rf"interrupted while loading: scout received SIG{a.signal} and stopped the worker"])
        if r.scratch():
            raise SystemExit(f"FAIL: scratch folders left: {r.scratch()}")
    # The next run (the real compiler) passes and leaves no scratch folder: those of
    # processes that died are removed.
    r.run(["run", "--engine", "wasm2c", r.vector("lifecycle/quick.yaml")], 0,
          expect=[r"^1 passed, 0 failed$"])
    if r.scratch():
        raise SystemExit(f"FAIL: scratch folders left after the next run: {r.scratch()}")
    print(f"ok: the compiler and its child ended with scout (SIG{a.signal}); scratch removed")


def compile_timeout(r, a):
    env, mark, log = slow_cc_env(r)
    argv = ["run", "--engine", "wasm2c", "--timeout", "2", r.vector("lifecycle/quick.yaml")]
    r.run(argv, 1, env=env, expect=[
        r"timeout while loading: no result after 2 s \(--timeout\); the worker was killed",
        r"^0 passed, 1 failed$"])
    if not os.listdir(log):
        raise SystemExit("FAIL: the slow compiler never started: the test tests nothing")
    none_left(marked(mark), "a compile past --timeout")
    if r.scratch():
        raise SystemExit(f"FAIL: scratch folders left: {r.scratch()}")
    print("ok: a compile past --timeout left no process and no scratch folder")


SEAL = re.compile(rb"\nscout-sha256:([0-9a-f]{64})\n\Z")


def seal_ok(path):
    """The seal check of aot_cache.cpp, written again: SHA-256 of the length-prefixed
    parts "scout sealed object", the key (the file's stem), the object's bytes."""
    data = open(path, "rb").read()
    m = SEAL.search(data)
    if not m:
        return False
    body = data[:m.start()]
    key = os.path.basename(path)[:-3].encode()
    h = hashlib.sha256()
    for part in (b"scout sealed object", key, body):
        h.update(len(part).to_bytes(8, "little") + part)
    return h.hexdigest().encode() == m.group(1)


def cache_damage(r, a):
    iso = ["--no-isolate"] if a.no_isolate else []
    run = ["run", "--engine", "wasm2c", "-v"] + iso
    passes, fails = r.vector("wasm2c/byte_1_passes.yaml"), r.vector("wasm2c/byte_2_fails.yaml")
    r.run(run + [passes], 0, expect=[r"^1 passed, 0 failed$"])
    (o1,) = r.objects()
    r.run(run + [fails], 1, expect=[r"post-state root mismatch"])
    (o2,) = r.objects() - {o1}
    d = os.path.join(r.cache, "wasm2c")
    p1, p2 = os.path.join(d, o1), os.path.join(d, o2)
    for p in (p1, p2):
        if not seal_ok(p):
            raise SystemExit(f"FAIL: {p} has no valid seal")
    data = open(p2, "rb").read()
    if a.damage == "flip":  # a byte of the code, not of the seal
        i = len(data) // 2
        damaged = data[:i] + bytes([data[i] ^ 0xff]) + data[i + 1:]
        why = "checksum mismatch"
    elif a.damage == "truncate":
        damaged = data[:len(data) // 2]
        why = "no checksum"
    elif a.damage == "strip":  # an object without a seal, as older scouts wrote them
        damaged = SEAL.sub(b"", data)
        why = "no checksum"
    else:  # swap: the other module's sealed object under this key
        damaged = open(p1, "rb").read()
        why = "checksum mismatch"
    with open(p2, "wb") as f:
        f.write(damaged)
    # Trusted, the swapped object would make the failing vector pass, the truncated one
    # would kill the run with SIGBUS.
    r.run(run + [fails], 1, expect=[
        r"post-state root mismatch",
        rf"wasm2c: compiled in [0-9]+ ms \(cache entry rebuilt: {why}",
        r"^0 passed, 1 failed$"])
    rebuilt = open(p2, "rb").read()
    if rebuilt == damaged or not seal_ok(p2):
        raise SystemExit("FAIL: the damaged entry was not rebuilt with a valid seal")
    # The rebuilt entry is trusted again: a cache hit, the same verdict.
    r.run(run + [fails], 1, expect=[r"wasm2c: from the cache: ", r"post-state root mismatch"])
    r.run(run + [passes], 0, expect=[r"wasm2c: from the cache: ", r"^1 passed, 0 failed$"])
    if r.scratch():
        raise SystemExit(f"FAIL: scratch folders left: {r.scratch()}")
    print(f"ok: {a.damage}: the damaged entry was rebuilt ({why}), the verdict is right")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scout", required=True)
    ap.add_argument("--vectors", required=True)
    ap.add_argument("--slow-cc", required=True)
    ap.add_argument("scenario", choices=["stop-parent", "stop-compile", "compile-timeout",
                                         "cache-damage"])
    ap.add_argument("--signal", choices=sorted(SIGNALS), default="TERM")
    ap.add_argument("--damage", choices=["flip", "truncate", "swap", "strip"], default="flip")
    ap.add_argument("--no-isolate", action="store_true")
    a = ap.parse_args()
    r = Run(a)
    try:
        {"stop-parent": stop_parent, "stop-compile": stop_compile,
         "compile-timeout": compile_timeout, "cache-damage": cache_damage}[a.scenario](r, a)
    finally:
        r.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
