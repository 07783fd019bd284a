#!/usr/bin/env python3
"""scout never loses or corrupts a user's file, and --update never passes what
still fails (docs/reliability.md, "Files").

Usage: check_file_safety.py SCENARIO SCOUT REPO_ROOT SCOUT_FAULTY
(SCOUT_FAULTY: scout with faults injected into its engines, test/faults/)
Scenarios:
  update_disk_full   --update on a full tmpfs: the vector is unchanged, no temporary file
                     is left, exit non-zero (skipped, exit 77, where tmpfs cannot be mounted)
  update_symlink     --update through a symbolic link rewrites the target, keeps the link
  update_mode        --update keeps a 0600 file 0600
  update_read_only   --update refuses a read-only file and leaves it alone
  update_alias       a post-state root that is a YAML alias of the pre-state is refused
  update_unfixable   failures --update cannot fix (a pinned gas:, engines that disagree)
                     are NOT UPDATED, fail, and leave the file alone
  output_is_input    --output naming a vector or a script is refused; neither is touched
  output_unwritable  --output /dev/full, or a file in a full tmpfs, is exit 2, and an
                     existing report stays as it was
  tap_hash           a file name with '#' cannot turn a failure into a TAP directive
  option_bounds      negative, NaN and wrapped numbers are refused with a short message
  non_utf8_name      a vector whose file name is not UTF-8, isolated and in process: the
                     verdict stands, the JSON report is valid JSON, JUnit valid XML
  dash_name          a file named '-v.yaml' found by a glob is a vector, not an option
  bench_csv          bench --csv naming a vector is refused (the vector untouched); the CSV
                     is written whole
Exit 0 when the scenario holds, 77 when it cannot be checked here; else 1 with why.
"""
import os
import shutil
import stat
import subprocess
import sys
import tempfile

# run(), run_broken() and check(), and SCOUT, ROOT and V from the same arguments:
# check_reports.py.
from check_reports import ROOT, SCOUT, V, check, run, run_broken  # noqa: E402

WRONG = "73b3aa8a"  # the start of wrong_root.yaml's actual env 1 root


class Workspace:
    """A temporary folder with scripts/bin and v/wrong_root.yaml (fails on one root)."""

    def __init__(self):
        self.dir = tempfile.mkdtemp()
        shutil.copytree(os.path.join(ROOT, "scripts", "bin"),
                        os.path.join(self.dir, "scripts", "bin"))
        os.makedirs(os.path.join(self.dir, "v"))
        self.wrong = self.vector("wrong_root.yaml",
                                 open(os.path.join(V, "failing", "wrong_root.yaml")).read())

    def vector(self, name, text):
        path = os.path.join(self.dir, "v", name)
        with open(path, "w") as f:
            f.write(text.replace("../../scripts/bin", "../scripts/bin"))
        return path

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for d, _, files in os.walk(self.dir):
            for f in files:
                try:
                    os.chmod(os.path.join(d, f), 0o644)
                except OSError:
                    pass
        shutil.rmtree(self.dir)


def mount_tmpfs(path, size):
    """A tmpfs of `size` at `path`; False where mounting is not allowed."""
    os.makedirs(path, exist_ok=True)
    return subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s" % size, "tmpfs", path],
                          capture_output=True).returncode == 0


def umount(path):
    subprocess.run(["umount", path], capture_output=True)


def fill(folder):
    """Writes until the file system is full."""
    fd = os.open(os.path.join(folder, "filler"), os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        while os.write(fd, b"\0" * 4096) > 0:
            pass
    except OSError:
        pass
    finally:
        os.close(fd)


def leftovers(folder):
    return [f for f in os.listdir(folder) if ".scout-" in f]


def update_disk_full():
    with Workspace() as w:
        mnt = os.path.join(w.dir, "full")
        if not mount_tmpfs(mnt, "64k"):
            print("SKIP: cannot mount a tmpfs here (needs root)")
            sys.exit(77)
        try:
            text = open(w.wrong).read()
            path = os.path.join(mnt, "wrong_root.yaml")
            with open(path, "w") as f:
                f.write(text.replace("../scripts/bin", os.path.join(w.dir, "scripts", "bin")))
            before = open(path).read()
            fill(mnt)
            rc, out, err = run("run", "--update", path)
            check(rc == 1, "exit %d on a full disk, expected 1" % rc, out, err)
            check("NOT UPDATED" in out and "UPDATED " + path not in out.replace("NOT UPDATED", ""),
                  "the update was not reported as failed", out)
            check("PASS" not in out, "PASS printed for a file that was not updated", out)
            check(open(path).read() == before, "the vector changed on a full disk")
            check(not leftovers(mnt), "temporary files left: %r" % leftovers(mnt))
        finally:
            umount(mnt)


def update_symlink():
    with Workspace() as w:
        link = os.path.join(w.dir, "v", "link.yaml")
        os.symlink("wrong_root.yaml", link)
        rc, out, err = run("run", "--update", link)
        check(rc == 0 and "UPDATED" in out, "--update through a link: exit %d" % rc, out, err)
        check(os.path.islink(link), "the symbolic link was replaced by a regular file")
        check(WRONG in open(w.wrong).read(), "the link's target was not updated")
        check(run("run", w.wrong)[0] == 0, "the target does not pass after the update")


def update_mode():
    with Workspace() as w:
        os.chmod(w.wrong, 0o600)
        rc, out, err = run("run", "--update", w.wrong)
        check(rc == 0 and "UPDATED" in out, "--update: exit %d" % rc, out, err)
        mode = stat.S_IMODE(os.stat(w.wrong).st_mode)
        check(mode == 0o600, "mode %o after --update, expected 600" % mode)


def update_read_only():
    with Workspace() as w:
        os.chmod(w.wrong, 0o444)  # (read-only for root too: no write bit at all)
        before = open(w.wrong).read()
        rc, out, err = run("run", "--update", w.wrong)
        check(rc == 1 and "NOT UPDATED" in out and "read-only" in out,
              "a read-only file: exit %d" % rc, out, err)
        check(open(w.wrong).read() == before, "a read-only file was rewritten")


def update_alias():
    with Workspace() as w:
        text = open(w.wrong).read()
        # env 1's pre-state root becomes an anchor, and its post-state root an alias of it.
        pre = text.split("shard_pre_state:")[1].split("shard_blocks:")[0]
        post = text.split("shard_post_state:")[1]
        pre_roots = [l for l in pre.splitlines() if l.strip().startswith("- ")]
        post_roots = [l for l in post.splitlines() if l.strip().startswith("- ")]
        check(len(pre_roots) >= 2 and len(post_roots) >= 2, "unexpected wrong_root.yaml", text)
        new_pre = pre.replace(pre_roots[1], pre_roots[1].replace("- ", "- &s ", 1), 1)
        new_post = post.replace(post_roots[1], post_roots[1].split("- ")[0] + "- *s", 1)
        aliased = (text.split("shard_pre_state:")[0] + "shard_pre_state:" + new_pre +
                   "shard_blocks:" + text.split("shard_blocks:")[1].split("shard_post_state:")[0] +
                   "shard_post_state:" + new_post)
        path = w.vector("alias.yaml", aliased)
        before = open(path).read()
        rc, out, err = run("run", path)
        check(rc == 1, "the aliased vector should fail before --update (exit %d)" % rc, out, err)
        rc, out, err = run("run", "--update", path)
        check(rc == 1 and "NOT UPDATED" in out and "alias" in out,
              "an aliased post-state root: exit %d" % rc, out, err)
        check(open(path).read() == before, "an aliased vector was rewritten")


def update_unfixable():
    with Workspace() as w:
        # A pinned gas: that is wrong, beside a wrong root: --update rewrites neither.
        text = open(w.wrong).read()
        first_block = text.index("  - env:")
        line_end = text.index("\n", text.index("data:", first_block))
        pinned = w.vector("pinned.yaml", text[:line_end + 1] + "    gas: 1\n" + text[line_end + 1:])
        before = open(pinned).read()
        rc, out, err = run("run", "--update", pinned)
        check(rc == 1 and "NOT UPDATED" in out and "gas" in out,
              "a wrong pinned gas: exit %d" % rc, out, err)
        check("PASS" not in out, "PASS printed for a file --update could not fix", out)
        check(open(pinned).read() == before, "a vector with a wrong pinned gas was rewritten")
        # Engines that disagree: no single result to accept.
        before = open(w.wrong).read()
        rc, out, err = run_broken("wabt", "run", "--engine", "binaryen,wabt", "--update", w.wrong)
        check(rc == 1 and "NOT UPDATED" in out and "disagree" in out,
              "engines that disagree: exit %d" % rc, out, err)
        check(open(w.wrong).read() == before, "a vector the engines disagree on was rewritten")


def output_is_input():
    with Workspace() as w:
        before = open(w.wrong).read()
        rc, out, err = run("run", "--format", "json", "--output", w.wrong, w.wrong)
        check(rc == 2 and "refusing to overwrite an input" in err,
              "--output naming the vector: exit %d" % rc, out, err)
        check(open(w.wrong).read() == before, "the vector was overwritten by the report")
        # The same file through another name (a hard link): compared by inode, not name.
        other = os.path.join(w.dir, "other-name.json")
        os.link(w.wrong, other)
        rc, out, err = run("run", "--format", "json", "--output", other, w.wrong)
        check(rc == 2, "--output naming the vector under another name: exit %d" % rc, out, err)
        check(open(w.wrong).read() == before, "the vector was overwritten through a hard link")
        script = os.path.join(w.dir, "scripts", "bin", "helloworld.wasm")
        wasm = open(script, "rb").read()
        hello = w.vector("hello.yaml", open(os.path.join(V, "helloworld.yaml")).read())
        rc, out, err = run("run", "--format", "json", "--output", script, hello)
        check(rc == 2 and "refusing to overwrite an input" in err,
              "--output naming the script: exit %d" % rc, out, err)
        check(open(script, "rb").read() == wasm, "the script was overwritten by the report")
        check(not leftovers(os.path.dirname(script)), "temporary report files left")


def output_unwritable():
    rc, out, err = run("run", "--format", "json", "--output", "/dev/full",
                       "test-vectors/helloworld.yaml")
    check(rc == 2 and "/dev/full" in err, "--output /dev/full: exit %d" % rc, out, err)
    with Workspace() as w:
        mnt = os.path.join(w.dir, "full")
        if not mount_tmpfs(mnt, "64k"):
            print("SKIP (the rest): cannot mount a tmpfs here")
            return
        try:
            report = os.path.join(mnt, "report.json")
            with open(report, "w") as f:
                f.write("the previous report\n")
            fill(mnt)
            rc, out, err = run("run", "--format", "json", "--output", report, "test-vectors")
            check(rc == 2, "--output on a full disk: exit %d" % rc, out, err)
            check(open(report).read() == "the previous report\n", "the old report was damaged")
            check(not leftovers(mnt), "temporary files left: %r" % leftovers(mnt))
        finally:
            umount(mnt)


def tap_hash():
    with Workspace() as w:
        path = w.vector("fails # TODO later.yaml", open(w.wrong).read())
        rc, out, err = run("run", "--format", "tap", path)
        check(rc == 1, "exit %d" % rc, out, err)
        points = [l for l in out.splitlines() if l.startswith(("ok ", "not ok "))]
        check(len(points) == 1 and points[0].startswith("not ok 1 - "), "test points", out)
        check("\\# TODO" in points[0] and " # TODO" not in points[0],
              "'#' not escaped: a TAP consumer reads a TODO directive", points[0])
        prove = shutil.which("prove")
        if prove:
            tap = os.path.join(w.dir, "report.tap")
            with open(tap, "w") as f:
                f.write(out)
            p = subprocess.run([prove, "--exec", "cat", tap], capture_output=True, text=True)
            check(p.returncode != 0, "prove reports success for a failing vector", p.stdout)


def option_bounds():
    hello = "test-vectors/helloworld.yaml"
    for args in (["--max-block-data", "-5"], ["--gas-limit", "-1"], ["--max-deposits", "-1"],
                 ["--ticks", "-1"], ["--max-call-depth", "-1"], ["--max-memory-pages", "-1"],
                 ["--timeout", "nan"], ["--timeout", "-1"], ["--timeout", "inf"],
                 ["--timeout", "0"], ["-j", "-2"],
                 ["--max-block-data", "18446744073709551621"]):
        rc, out, err = run("run", *args, hello)
        check(rc == 2, "%s: exit %d, expected 2" % (" ".join(args), rc), out, err)
        lines = err.strip().splitlines()
        check(len(lines) == 1 and args[0] in lines[0] and len(lines[0]) < 160,
              "%s: not one short line: %r" % (" ".join(args), err))
    rc, out, err = run("run", "--timeout", "0.5", "--max-block-data", "4096", hello)
    check(rc == 0, "valid values refused", out, err)


def run_bytes(*args):
    """run() for output that need not be UTF-8 (a file name in another encoding)."""
    p = subprocess.run([SCOUT, *args], cwd=ROOT,
                       capture_output=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def non_utf8_name():
    import json
    import xml.dom.minidom
    with Workspace() as w:
        good = open(os.path.join(V, "helloworld.yaml")).read()  # ../scripts/bin: w.dir's
        folder = os.fsencode(os.path.join(w.dir, "v"))
        # Latin-1 "café", as a file made on another system: not UTF-8.
        passing = os.path.join(folder, b"caf\xe9.yaml")
        failing = os.path.join(folder, b"\xff\xfe-wrong.yaml")
        with open(passing, "w") as f:
            f.write(good)
        shutil.copy(w.wrong, failing)
        for mode in ([], ["--no-isolate"]):
            report = os.path.join(w.dir, "report.json")
            rc, out, err = run_bytes("run", *mode, "--format", "json", "--output", report,
                                     passing, failing)
            check(rc == 1, "%s: exit %d, expected 1 (one passes, one fails)" % (mode, rc),
                  out, err)
            doc = json.load(open(report, encoding="utf-8"))
            status = sorted(f["status"] for f in doc["files"])
            check(status == ["failed", "passed"], "%s: verdicts %r" % (mode, status), doc)
            check(any("caf\\xe9" in f["file"] for f in doc["files"]),
                  "%s: the name is not escaped losslessly" % mode,
                  [f["file"] for f in doc["files"]])
            check(b"PASS " in out and b"FAIL " in out, "%s: text verdicts" % mode, out)
            junit = os.path.join(w.dir, "report.xml")
            rc, out, err = run_bytes("run", *mode, "--format", "junit", "--output", junit,
                                     passing, failing)
            check(rc == 1, "%s: junit exit %d" % (mode, rc), out, err)
            xml.dom.minidom.parse(junit)  # raises on invalid XML


def dash_name():
    with Workspace() as w:
        path = w.vector("-v.yaml", open(w.wrong).read())
        pattern = os.path.join(w.dir, "v", "-*.yaml")
        for mode in ([], ["--no-isolate"]):
            rc, out, err = run("run", *mode, pattern)
            check(rc == 1, "%s: exit %d, expected 1 (the vector fails)" % (mode, rc), out, err)
            check("FAIL " in out and path in out and "1 passed" not in out,
                  "%s: '-v.yaml' was not run as a vector" % mode, out, err)


def bench_csv():
    with Workspace() as w:
        hello = w.vector("hello.yaml", open(os.path.join(V, "helloworld.yaml")).read())
        before = open(hello).read()
        rc, out, err = run("bench", "--repeat", "1", "--csv", hello, hello)
        check(rc == 2, "--csv naming the vector: exit %d, expected 2" % rc, out, err)
        check(open(hello).read() == before, "the vector was overwritten")
        csv = os.path.join(w.dir, "out.csv")
        rc, out, err = run("bench", "--repeat", "3", "--csv", csv, hello)
        check(rc == 0, "bench: exit %d" % rc, out, err)
        rows = open(csv).read().splitlines()
        check(rows[0] == "engine,bench_name,parse_time,exec_time" and len(rows) == 4,
              "CSV rows", rows)
        check(not [f for f in os.listdir(w.dir) if f.startswith(".out.csv")],
              "temporary file left", os.listdir(w.dir))


SCENARIOS = {f.__name__: f for f in (update_disk_full, update_symlink, update_mode,
                                     update_read_only, update_alias, update_unfixable,
                                     output_is_input, output_unwritable, tap_hash, option_bounds,
                                     non_utf8_name, dash_name, bench_csv)}

if __name__ == "__main__":
    SCENARIOS[sys.argv[1]]()
