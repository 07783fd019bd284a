#!/usr/bin/env python3
"""End-to-end checks of scout run's reports and modes that need more than a
regular expression: parsing XML and JSON, comparing runs, rewriting files.

Usage: check_reports.py SCENARIO SCOUT REPO_ROOT SCOUT_FAULTY
(SCOUT_FAULTY: scout with faults injected into its engines, test/faults/)
Scenarios: junit, json, tap, parallel, shard, filter, update, update_refuses,
           update_layouts, deposit_layouts, binaryen_output, engine_reasons, quiet,
           trace, bench, no_colour.
Exit 0 when the scenario holds; otherwise prints why and exits 1.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SCOUT, ROOT, SCOUT_FAULTY = sys.argv[2], sys.argv[3], sys.argv[4]
V = os.path.join(ROOT, "test-vectors")


def run(*args, cwd=ROOT, env=None, scout=SCOUT):
    p = subprocess.run([scout, *args], cwd=cwd, capture_output=True, text=True, env=env,
                       timeout=300)
    return p.returncode, p.stdout, p.stderr


def run_broken(engine, *args):
    """run() on scout_faulty, with every root `engine` saves one bit off."""
    return run(*args, env=dict(os.environ, SCOUT_FAULT="break-roots:" + engine),
               scout=SCOUT_FAULTY)


def check(condition, message, *context):
    if not condition:
        print("FAIL:", message)
        for c in context:
            print(c)
        sys.exit(1)


def all_vectors():
    """Every vector under test-vectors/, as scout discovers them (sorted)."""
    found = []
    for d, _, files in os.walk(V):
        for f in files:
            if f.endswith((".yaml", ".yml")):
                found.append(os.path.join(d, f))
    return sorted(found)


def verdict_lines(out):
    return [l for l in out.splitlines() if re.match(r"^(PASS|FAIL|ERROR) ", l)]


def junit():
    fd, path = tempfile.mkstemp(suffix=".xml")
    os.close(fd)
    rc, out, err = run("run", "--format", "junit", "--output", path, "test-vectors")
    check(rc == 2, "exit code %d, expected 2 (the invalid vectors)" % rc, out, err)
    tree = ET.parse(path)  # raises on malformed XML
    suites = tree.getroot()
    check(suites.tag == "testsuites", "root element is %s" % suites.tag)
    suite = suites.find("testsuite")
    cases = suite.findall("testcase")
    n = len(all_vectors())
    failures = sum(1 for c in cases if c.find("failure") is not None)
    errors = sum(1 for c in cases if c.find("error") is not None)
    passed = sum(1 for c in cases if c.find("failure") is None and c.find("error") is None)
    check(len(cases) == n, "%d testcases, expected %d" % (len(cases), n))
    for el in (suites, suite):
        check(int(el.get("tests")) == n, "tests=%s, expected %d" % (el.get("tests"), n))
        check(int(el.get("failures")) == failures, "failures attribute %s != %d" % (el.get("failures"), failures))
        check(int(el.get("errors")) == errors, "errors attribute %s != %d" % (el.get("errors"), errors))
    # The text report went to the terminal alongside, with the same counts.
    last = out.strip().splitlines()[-1]
    check(last == "%d passed, %d failed" % (passed, failures + errors), "terminal summary %r" % last)
    check(failures >= 9 and errors >= 11, "failures=%d errors=%d" % (failures, errors))
    wrong = [c for c in cases if c.get("name").endswith("failing/wrong_root.yaml")][0]
    msg = wrong.find("failure").get("message")
    check("env 1: post-state root mismatch" in msg, "failure message %r" % msg)
    check("print32: 50" in (wrong.findtext("system-out") or ""), "debug output missing from system-out")
    check(float(wrong.get("time")) > 0, "no time on a testcase")
    os.unlink(path)


def json_report():
    import jsonschema  # Debian's python3-jsonschema
    # Every vector but the bench ones, whose host-call traces alone take 100 MB.
    vectors = [os.path.relpath(f, ROOT) for f in all_vectors() if os.sep + "bench" + os.sep not in f]
    rc, out, err = run("run", "--format", "json", "--trace", *vectors)
    check(rc == 2, "exit code %d" % rc, err)
    doc = json.loads(out)  # stdout holds the JSON alone
    with open(os.path.join(ROOT, "docs", "report-schema.json")) as f:
        schema = json.load(f)
    jsonschema.validate(doc, schema)
    files = {f["file"]: f for f in doc["files"]}
    check(len(files) == len(vectors), "%d files in the report" % len(files))
    dep = files["test-vectors/deposits.yaml"]
    check(dep["status"] == "passed", "deposits.yaml not passed")
    per_block = [len(b["deposits"]) for b in dep["blocks"]]
    check(per_block == [0, 0, 1, 0, 3], "deposits per block %r" % per_block)
    check(dep["blocks"][2]["deposits"][0]["amount"] == 32000000000, "deposit amount")
    check(any(c["function"] == "eth2.pushNewDeposit" for c in dep["blocks"][2]["host_calls"]),
          "no traced pushNewDeposit")
    # The deposit layout each vector used: the default, the key, none without deposits.
    check((dep["deposit_layout"], dep["deposit_layout_source"]) == ("ewasm", "the default"),
          "deposits.yaml layout %r" % dep.get("deposit_layout"))
    ssz = files["test-vectors/deposits_ssz.yaml"]
    check(ssz["status"] == "passed" and ssz["deposit_layout"] == "ssz" and
          ssz["deposit_layout_source"] == "the vector's deposit_layout", "deposits_ssz.yaml layout")
    check(ssz["blocks"][0]["deposits"][0]["amount"] == 32000000000, "ssz deposit amount")
    check("deposit_layout" not in files["test-vectors/helloworld.yaml"], "helloworld has a layout")
    trap = files["test-vectors/failing/trap_unreachable.yaml"]["blocks"][-1]["trap"]
    check(trap == {"kind": "wasm", "message": "unreachable"}, "trap %r" % trap)
    wrong = files["test-vectors/failing/wrong_root.yaml"]["root_mismatches"]
    check(wrong[0]["env"] == 1 and wrong[0]["expected"].startswith("0x8cb3"), "mismatch %r" % wrong)
    check(doc["summary"]["errors"] >= 11, "summary %r" % doc["summary"])
    # A document that breaks the schema is rejected: the check can fail.
    broken = json.loads(out)
    broken["files"][0]["status"] = "fine"
    try:
        jsonschema.validate(broken, schema)
        check(False, "the schema accepted status 'fine'")
    except jsonschema.ValidationError:
        pass


def tap():
    rc, out, err = run("run", "--format", "tap", "test-vectors/failing", "test-vectors/helloworld.yaml")
    check(rc == 1, "exit code %d" % rc, out, err)
    lines = out.splitlines()
    check(lines[0] == "TAP version 13", "first line %r" % lines[0])
    n = len(all_vectors_in("failing")) + 1
    check(lines[1] == "1..%d" % n, "plan %r" % lines[1])
    oks = [l for l in lines if re.match(r"^(not )?ok \d+ - ", l)]
    check(len(oks) == n, "%d test points" % len(oks))
    check(sum(1 for l in oks if l.startswith("ok ")) == 1, "one ok expected", out)


def all_vectors_in(sub):
    return [f for f in all_vectors() if os.sep + sub + os.sep in f]


def parallel():
    serial = run("run", "-j", "1", "-v", "test-vectors")
    for jobs in ("2", "4", "16"):
        par = run("run", "-j", jobs, "-v", "test-vectors")
        check(par[0] == serial[0], "-j %s exit %d != %d" % (jobs, par[0], serial[0]))
        strip = lambda s: re.sub(r"[0-9.]+ ms", "T ms", s).replace("-j " + jobs, "-j N").replace("-j 1", "-j N")
        check(strip(par[1]) == strip(serial[1]), "-j %s output differs from -j 1" % jobs)


def shard():
    full = verdict_lines(run("run", "-j", "1", "test-vectors")[1])
    for n in (1, 2, 3, 7):
        seen = []
        for k in range(1, n + 1):
            rc, out, _ = run("run", "--shard", "%d/%d" % (k, n), "test-vectors")
            seen += verdict_lines(out)
        check(sorted(seen) == sorted(full), "%d shards do not cover the suite exactly once" % n,
              "\n".join(sorted(seen)))
    rc, out, err = run("run", "--shard", "3/2", "test-vectors")
    check(rc == 2 and "K/N" in err, "--shard 3/2 accepted", out, err)


def filter_():
    rc, out, _ = run("run", "--filter", "deposit", "test-vectors")
    names = [l.split()[1] for l in verdict_lines(out)]
    check(names and all("deposit" in n for n in names), "filter kept %r" % names)
    rc, out, _ = run("run", "--filter", "*/failing/wrong_*.yaml", "test-vectors")
    names = [l.split()[1] for l in verdict_lines(out)]
    check(len(names) == 1 and names[0].endswith("wrong_root.yaml") or
          all(re.search(r"failing/wrong_", n) for n in names), "glob filter kept %r" % names)
    rc, out, err = run("run", "--filter", "no-such-vector", "test-vectors")
    check(rc == 2 and "matches none" in err, "empty filter", out, err)


def update():
    tmp = tempfile.mkdtemp()
    try:
        shutil.copytree(os.path.join(ROOT, "scripts", "bin"), os.path.join(tmp, "scripts", "bin"))
        os.makedirs(os.path.join(tmp, "v"))
        src = os.path.join(V, "failing", "wrong_root.yaml")
        dst = os.path.join(tmp, "v", "wrong_root.yaml")
        text = open(src).read().replace("../../scripts/bin", "../scripts/bin")
        text = "# a comment that must survive\n" + text + "extra_key: kept  # trailing comment\n"
        open(dst, "w").write(text)
        rc, out, _ = run("run", dst)
        check(rc == 1, "the copy should fail before --update", out)
        rc, out, err = run("run", "--update", dst)
        check(rc == 0, "--update exit %d" % rc, out, err)
        check("UPDATED" in out and "env 1 post-state root" in out, "no change reported", out)
        new = open(dst).read()
        old_lines, new_lines = text.splitlines(), new.splitlines()
        check(len(old_lines) == len(new_lines), "line count changed")
        diff = [(a, b) for a, b in zip(old_lines, new_lines) if a != b]
        check(len(diff) == 1 and "8cb3aa8a" in diff[0][0] and "73b3aa8a" in diff[0][1],
              "more than the wrong root changed: %r" % diff)
        rc, out, _ = run("run", dst)
        check(rc == 0, "the updated file does not pass", out)
        # Deposits: a file expecting a wrong deposit list gets a new section.
        src = os.path.join(V, "failing", "extra_expected_deposit.yaml")
        dst = os.path.join(tmp, "v", "extra.yaml")
        text = open(src).read().replace("../../scripts/bin", "../scripts/bin")
        open(dst, "w").write(text)
        rc, out, err = run("run", "--update", dst)
        check(rc == 0 and "deposit_receipts: 2 expected -> 1 actual" in out, "deposit update", out, err)
        new = open(dst).read()
        check(new.split("deposit_receipts:")[0] == text.split("deposit_receipts:")[0],
              "text before deposit_receipts changed")
        check(run("run", dst)[0] == 0, "updated deposits do not pass")
    finally:
        shutil.rmtree(tmp)


def amounts_in(text):
    return [int(a) for a in re.findall(r"^    amount: (\d+)$", text, re.M)]


def pushed_amounts(text, byte_order):
    """The amounts of the 184-byte records in the vector's block data (every
    block runs the deposit script), read in `byte_order`, in Python."""
    data = bytes.fromhex("".join(re.findall(r'^    data: "([0-9a-f]*)"$', text, re.M)))
    check(len(data) % 184 == 0 and data, "block data is not whole deposits")
    return [int.from_bytes(data[i + 80:i + 88], byte_order) for i in range(0, len(data), 184)]


def update_layouts():
    """--update writes the amounts as the vector's deposit layout reads the bytes."""
    tmp = tempfile.mkdtemp()
    try:
        shutil.copytree(os.path.join(ROOT, "scripts", "bin"), os.path.join(tmp, "scripts", "bin"))
        os.makedirs(os.path.join(tmp, "v"))
        ssz = open(os.path.join(V, "deposits_ssz.yaml")).read()
        ewasm = open(os.path.join(V, "deposits_ewasm_scout.yaml")).read()
        check("\ndeposit_layout: ssz\n" in ssz and "\ndeposit_layout" not in ewasm, "source vectors")
        cases = [("ssz.yaml", ssz, "little", "deposit_layout: ssz"),
                 ("ewasm.yaml", ewasm, "big", None),
                 # SSZ bytes, the key switched to ewasm: read big-endian.
                 ("switched.yaml", ssz.replace("deposit_layout: ssz", "deposit_layout: ewasm"),
                  "big", "deposit_layout: ewasm")]
        for name, text, order, key_line in cases:
            want = pushed_amounts(text, order)
            broken = re.sub(r"^    amount: \d+$", "    amount: 1", text, flags=re.M)
            dst = os.path.join(tmp, "v", name)
            open(dst, "w").write(broken)
            rc, out, err = run("run", "--update", dst)
            check(rc == 0 and "UPDATED" in out, "%s: --update exit %d" % (name, rc), out, err)
            new = open(dst).read()
            check(amounts_in(new) == want, "%s: written amounts %r, expected %r (%s-endian)" %
                  (name, amounts_in(new), want, order))
            if key_line:
                check(key_line + "\n" in new, "%s: the deposit_layout key was lost" % name, new)
            rc, out, _ = run("run", "-v", dst)
            check(rc == 0, "%s: the updated file does not pass" % name, out)
            layout = "ssz" if order == "little" else "ewasm"
            check("note: deposit layout %s (amount %s-endian" % (layout, order) in out,
                  "%s: -v does not name the layout" % name, out)
        check(amounts_in(open(os.path.join(tmp, "v", "switched.yaml")).read())[0] ==
              18112749083033600, "32 ETH little-endian read big-endian")
    finally:
        shutil.rmtree(tmp)


def deposit_layouts():
    """JUnit and TAP name the layout where deposits differ."""
    vec = "test-vectors/failing/deposit_layout_mismatch.yaml"
    fd, path = tempfile.mkstemp(suffix=".xml")
    os.close(fd)
    rc, out, err = run("run", "--format", "junit", "--output", path, vec)
    check(rc == 1, "junit exit %d" % rc, out, err)
    failure = ET.parse(path).getroot().find("testsuite").find("testcase").find("failure")
    os.unlink(path)
    check("deposit receipts differ (layout ewasm)" in failure.get("message"),
          "junit failure message %r" % failure.get("message"))
    check("deposit layout ewasm (amount big-endian" in failure.text and
          "amount: expected 32000000000, actual 18112749083033600" in failure.text and
          "add deposit_layout: ssz" in failure.text, "junit failure text", failure.text)
    rc, out, err = run("run", "--format", "tap", vec)
    check(rc == 1 and "deposit layout ewasm (amount big-endian" in out and
          "add deposit_layout: ssz" in out, "tap", out, err)
    rc, out, _ = run("run", "--format", "tap", "test-vectors/deposits_ssz.yaml")
    check(rc == 0, "tap deposits_ssz exit %d" % rc, out)


def leb(n):
    out = bytearray()
    while True:
        b = n & 0x7f
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def wasm_name(s):
    return leb(len(s)) + s


def section(sid, payload):
    return bytes([sid]) + leb(len(payload)) + payload


def empty_local_name_module():
    """A script as AssemblyScript and wabt.js emit them: its name section names
    a local with the empty string (wat2wasm cannot write that). main copies the
    pre-state root to the post-state root; its local 0 is named ""."""
    i32, func = 0x7f, 0x60
    types = section(1, leb(2) + bytes([func, 0, 0]) + bytes([func, 1, i32, 0]))
    imports = section(2, leb(2) +
                      wasm_name(b"eth2") + wasm_name(b"loadPreStateRoot") + bytes([0]) + leb(1) +
                      wasm_name(b"eth2") + wasm_name(b"savePostStateRoot") + bytes([0]) + leb(1))
    functions = section(3, leb(1) + leb(0))
    memory = section(5, leb(1) + bytes([0]) + leb(1))
    exports = section(7, leb(2) + wasm_name(b"main") + bytes([0]) + leb(2) +
                      wasm_name(b"memory") + bytes([2]) + leb(0))
    body = (leb(1) + leb(1) + bytes([i32]) +                   # one i32 local
            bytes([0x41, 0x00, 0x10, 0x00, 0x41, 0x00, 0x10, 0x01, 0x0b]))
    code = section(10, leb(1) + leb(len(body)) + body)
    function_names = leb(1) + leb(2) + wasm_name(b"main")
    local_names = leb(1) + leb(2) + leb(1) + leb(0) + wasm_name(b"")  # local 0 of main: ""
    names = (bytes([1]) + leb(len(function_names)) + function_names +
             bytes([2]) + leb(len(local_names)) + local_names)
    custom = section(0, wasm_name(b"name") + names)
    return (b"\0asm" + bytes([1, 0, 0, 0]) + types + imports + functions + memory + exports +
            code + custom)


def binaryen_output():
    """What Binaryen prints about a module never reaches the terminal: not
    with -q, not by default, not with several engines or threads; -v shows it
    as a note under the file, naming the script."""
    tmp = tempfile.mkdtemp()
    try:
        with open(os.path.join(tmp, "as_names.wasm"), "wb") as f:
            f.write(empty_local_name_module())
        root = bytes(range(32)).hex()  # main saves the pre-state root unchanged
        vectors = []
        for i in range(4):
            path = os.path.join(tmp, "names_%d.yaml" % i)
            with open(path, "w") as f:
                f.write("beacon_state:\n  execution_scripts:\n    - as_names.wasm\n"
                        "shard_pre_state:\n  exec_env_states:\n    - \"%s\"\n"
                        "shard_blocks:\n  - env: 0\n    data: \"\"\n"
                        "shard_post_state:\n  exec_env_states:\n    - \"%s\"\n" % (root, root))
            vectors.append(path)
        for args in ([], ["-q"], ["--no-isolate", "-j", "2"], ["--engine", "all"],
                     ["--engine", "all", "--no-isolate", "-j", "2", "-q"],
                     ["--meter"], ["--format", "json"]):
            rc, out, err = run("run", *args, *vectors)
            check(rc == 0, "exit %d with %r" % (rc, args), out, err)
            check(err == "", "stderr with %r is not empty" % (args,), err)
            if "json" not in args:  # (JSON keeps notes: it has them as below)
                check("warning" not in out, "a Binaryen warning in the report with %r" % (args,),
                      out)
        for args in (["-v"], ["-v", "--engine", "all", "--no-isolate", "-j", "2"]):
            rc, out, err = run("run", *args, *vectors)
            check(rc == 0 and err == "", "-v: exit %d" % rc, out, err)
            notes = re.findall(r"^  note: script as_names\.wasm: Binaryen printed: "
                               r"warning: empty local name at index 0 in function main\S*$",
                               out, re.M)
            check(len(notes) == len(vectors), "-v %r: %d notes, expected one per file" %
                  (args, len(notes)), out)
            for v in vectors:  # each under its own file's verdict
                check(re.search(r"^PASS %s .*\n(  .*\n)*  note: script as_names\.wasm: Binaryen "
                                r"printed: warning: empty local name" % re.escape(v), out, re.M),
                      "no note under %s" % v, out)
        rc, out, err = run("inspect", os.path.join(tmp, "as_names.wasm"))
        check(rc == 0 and err == "", "inspect exit %d" % rc, out, err)
        check(re.search(r"^binaryen   warning: empty local name at index 0 in function main", out,
                        re.M), "inspect does not show what Binaryen printed", out)
    finally:
        shutil.rmtree(tmp)


SIMD_WAT = """(module
  (import "eth2" "loadPreStateRoot" (func $load (param i32)))
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (call $load (i32.const 0))
    (v128.store (i32.const 0)
      (i32x4.add (v128.load (i32.const 0)) (v128.const i32x4 1 2 3 0xffffffff)))
    (call $save (i32.const 0))))
"""


def simd_vector(folder):
    """A script using SIMD (as clang -msimd128 emits) and its vector: the first
    four u32 lanes of the root get 1, 2, 3 and 2^32 - 1 added (computed here)."""
    wat = os.path.join(folder, "simd.wat")
    with open(wat, "w") as f:
        f.write(SIMD_WAT)
    subprocess.run(["wat2wasm", wat, "-o", os.path.join(folder, "simd.wasm")], check=True)
    pre = bytes(range(100, 132))
    post = bytearray(pre)
    for lane, add in enumerate((1, 2, 3, 0xffffffff)):
        v = (int.from_bytes(pre[4 * lane:4 * lane + 4], "little") + add) % 2 ** 32
        post[4 * lane:4 * lane + 4] = v.to_bytes(4, "little")
    path = os.path.join(folder, "simd.yaml")
    with open(path, "w") as f:
        f.write("beacon_state:\n  execution_scripts:\n    - simd.wasm\n"
                "shard_pre_state:\n  exec_env_states:\n    - \"%s\"\n"
                "shard_blocks:\n  - env: 0\n    data: \"\"\n"
                "shard_post_state:\n  exec_env_states:\n    - \"%s\"\n" % (pre.hex(), post.hex()))
    return path


def engine_reasons():
    """--engine all gives each engine's verdict and reason in every format; an
    engine lacking a feature is 'not run', not a disagreement; a load error on
    one engine for a supported feature is a disagreement, with the reason."""
    import jsonschema
    with open(os.path.join(ROOT, "docs", "report-schema.json")) as f:
        schema = json.load(f)
    tmp = tempfile.mkdtemp()
    try:
        vec = simd_vector(tmp)
        simd_reason = r"wasm2c not run: simd\.wasm: uses SIMD \(function 2: v128\.load\), which " \
                      r"wabt [0-9.]+'s wasm2c cannot translate"
        for extra in ([], ["--no-isolate"]):
            rc, out, err = run("run", "--engine", "all", *extra, vec)
            check(rc == 0, "SIMD on all engines %r: exit %d" % (extra, rc), out, err)
            check("  engines: binaryen passed, wasm2c not run, wabt passed\n" in out and
                  re.search("^    " + simd_reason, out, re.M) and "disagree" not in out,
                  "SIMD text report %r" % extra, out)
        rc, out, err = run("run", "--engine", "wasm2c", vec)
        check(rc == 2 and re.search(r"^ERROR .*simd\.yaml:3: simd\.wasm: not run on the wasm2c "
                                    r"engine: uses SIMD", out, re.M), "wasm2c alone", out, err)
        # The engines that ran still have to agree.
        rc, out, err = run_broken("wabt", "run", "--engine", "all", vec)
        check(rc == 1 and "wasm2c not run" in out and
              re.search(r"^    block 0 post-state: binaryen 0x\w+, wabt 0x", out, re.M),
              "a broken wabt beside a skipped wasm2c", out, err)
        # JSON, JUnit, TAP.
        rc, out, err = run("run", "--engine", "all", "--format", "json", vec)
        doc = json.loads(out)
        jsonschema.validate(doc, schema)
        engines = doc["files"][0]["engines"]
        check([e["engine"] for e in engines] == ["binaryen", "wasm2c", "wabt"] and
              [e["status"] for e in engines] == ["passed", "not run", "passed"] and
              re.match(simd_reason.split(": ", 1)[1], engines[1]["reason"]) and
              "reason" not in engines[0], "JSON engines %r" % engines)
        xml_path = os.path.join(tmp, "r.xml")
        rc, out, err = run("run", "--engine", "all", "--format", "junit", "--output", xml_path, vec)
        case = ET.parse(xml_path).getroot().find("testsuite").find("testcase")
        check(rc == 0 and case.find("failure") is None and
              re.search(simd_reason, case.findtext("system-out") or ""), "JUnit", out)
        rc, out, err = run("run", "--engine", "all", "--format", "tap", vec)
        check(rc == 0 and re.search(r"^ok 1 - .*simd\.yaml\n  ---\n  status: passed\n  message: \|\n"
                                    r"      engines: binaryen passed, wasm2c not run, wabt passed\n"
                                    r"        " + simd_reason, out, re.M), "TAP", out)
        # A load error on one engine only, for no missing feature: a disagreement.
        cache = os.path.join(tmp, "cache")
        env = dict(os.environ, SCOUT_CC="false")
        hello = os.path.join(V, "helloworld.yaml")
        rc, out, err = run("run", "--engine", "all", "--cache-dir", cache, hello, env=env)
        check(rc == 1 and "  engines: binaryen passed, wasm2c error, wabt passed\n" in out and
              re.search(r"^    wasm2c error: .*helloworld\.yaml:\d+: .*helloworld\.wasm: wasm2c "
                        r"engine: 'false --version' failed", out, re.M) and
              "    status: binaryen passed, wasm2c error, wabt passed" in out,
              "one engine's load error", out, err)
        rc, out, err = run("run", "--engine", "all", "--cache-dir", cache, "--format", "json", hello,
                           env=env)
        doc = json.loads(out)
        jsonschema.validate(doc, schema)
        e = doc["files"][0]["engines"][1]
        check(rc == 1 and e["status"] == "error" and "'false --version' failed" in e["reason"],
              "JSON load error %r" % e)
        xml_path = os.path.join(tmp, "e.xml")
        rc, out, err = run("run", "--engine", "all", "--cache-dir", cache, "--format", "junit",
                           "--output", xml_path, hello, env=env)
        failure = ET.parse(xml_path).getroot().find("testsuite").find("testcase").find("failure")
        check("wasm2c error: " in failure.text and "'false --version' failed" in failure.text,
              "JUnit load error", failure.text)
        # inspect says which engines can run a module.
        rc, out, err = run("inspect", os.path.join(tmp, "simd.wasm"))
        check(rc == 0 and "engines    2 of 3 can run it\n  ok    binaryen\n" in out and
              re.search(r"^  no    wasm2c: uses SIMD", out, re.M) and "  ok    wabt\n" in out,
              "inspect engines", out, err)
        rc, out, err = run("inspect", os.path.join(ROOT, "scripts", "bin", "helloworld.wasm"))
        check(rc == 0 and "engines    3 of 3 can run it\n" in out, "inspect helloworld", out)
    finally:
        shutil.rmtree(tmp)


def update_refuses():
    tmp = tempfile.mkdtemp()
    try:
        shutil.copytree(os.path.join(ROOT, "scripts", "bin"), os.path.join(tmp, "scripts", "bin"))
        os.makedirs(os.path.join(tmp, "v"))
        src = os.path.join(V, "failing", "trap_unreachable.yaml")
        dst = os.path.join(tmp, "v", "t.yaml")
        text = open(src).read().replace("../../scripts/bin", "../scripts/bin")
        open(dst, "w").write(text)
        rc, out, _ = run("run", "--update", dst)
        check(rc == 1 and "NOT UPDATED" in out and "trapped" in out, "trap not refused", out)
        check(open(dst).read() == text, "a trapped vector was rewritten")
    finally:
        shutil.rmtree(tmp)


def quiet():
    rc, out, _ = run("run", "-q", "test-vectors/helloworld.yaml", "test-vectors/failing/wrong_root.yaml")
    check(rc == 1, "exit %d" % rc)
    check("PASS" not in out and "FAIL" in out, "-q printed passes", out)
    check(out.strip().splitlines()[-1] == "1 passed, 1 failed", "summary", out)


def trace():
    rc, out, _ = run("run", "--trace", "test-vectors/accumulator.yaml")
    check(rc == 0, "exit %d" % rc)
    copies = re.findall(r"host eth2\.blockDataCopy\((\d+), (\d+), (\d+)\) wrote \[(\d+), (\d+)\)", out)
    check(copies, "no traced blockDataCopy", out)
    check(any(int(off) > 0 for _, off, _, _, _ in copies), "no copy with an offset traced")
    for ptr, off, length, b, e in copies:
        check(int(b) == int(ptr) and int(e) == int(ptr) + int(length), "range does not match args")
    check(re.search(r"host eth2\.blockDataSize\(\) -> \d+", out), "no result traced", out)


def bench():
    fd, path = tempfile.mkstemp(suffix=".csv")
    os.close(fd)
    rc, out, err = run("bench", "--repeat", "3", "--csv", path, "test-vectors/helloworld.yaml",
                       "test-vectors/accumulator.yaml")
    check(rc == 0, "exit %d" % rc, out, err)
    rows = open(path).read().strip().splitlines()
    check(rows[0] == "engine,bench_name,parse_time,exec_time", "header %r" % rows[0])
    check(len(rows) == 1 + 2 * 3, "%d CSV rows" % len(rows))
    for r in rows[1:]:
        engine, name, parse, ex = r.split(",")
        check(engine == "binaryen" and name in ("helloworld", "accumulator"), "row %r" % r)
        check(float(parse) > 0 and float(ex) > 0, "times in %r" % r)
    check(re.search(r"accumulator\.yaml\s+[0-9.]+ / [0-9.]+ / [0-9.]+", out), "table", out)
    os.unlink(path)


def no_colour():
    rc, out, _ = run("run", "test-vectors/helloworld.yaml", "test-vectors/failing/wrong_root.yaml")
    check("\x1b[" not in out, "colour codes written to a pipe")
    # Under a pseudo-terminal colour appears, unless NO_COLOR is set.
    if shutil.which("script") is None:
        return
    cmd = "%s run %s" % (SCOUT, os.path.join(V, "helloworld.yaml"))
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    p = subprocess.run(["script", "-qec", cmd, "/dev/null"], capture_output=True, text=True, env=env)
    check("\x1b[32mPASS" in p.stdout, "no colour on a terminal", repr(p.stdout))
    env["NO_COLOR"] = "1"
    p = subprocess.run(["script", "-qec", cmd, "/dev/null"], capture_output=True, text=True, env=env)
    check("\x1b[32m" not in p.stdout, "colour despite NO_COLOR", repr(p.stdout))


def cache_dir():
    """--cache-dir: the wasm2c engine compiles into that folder (and nowhere else),
    a second run reuses the objects, and a changed module gets an object of its own."""
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        cache = os.path.join(tmp, "cache")
        env = dict(os.environ)
        env["XDG_CACHE_HOME"] = os.path.join(tmp, "xdg")  # must stay unused
        env.pop("SCOUT_CACHE_DIR", None)
        args = ("run", "-v", "--engine", "wasm2c", "--cache-dir", cache, "test-vectors/accumulator.yaml")
        rc, out, err = run(*args, env=env)
        check(rc == 0, "first run exit %d" % rc, out, err)
        check(re.search(r"note: script .*accumulator\.wasm: wasm2c: compiled in [0-9]+ ms \(cache miss\) into " +
                        re.escape(cache), out), "no cache-miss note", out)
        def objects():
            return {os.path.join(d, f): os.stat(os.path.join(d, f)).st_mtime_ns
                    for d, _, fs in os.walk(cache) for f in fs if f.endswith(".so")}
        first = objects()
        check(len(first) == 1, "objects after the first run: %r" % sorted(first))
        check(not os.path.exists(env["XDG_CACHE_HOME"]), "the XDG cache was used despite --cache-dir")
        rc, out, err = run(*args, env=env)
        check(rc == 0 and objects() == first, "the second run recompiled", out, err)
        check("wasm2c: from the cache: " + cache in out, "no cache-hit note", out)
        # The same script with one byte of a custom section appended: a new key.
        with open(os.path.join(ROOT, "scripts", "bin", "accumulator.wasm"), "rb") as f:
            changed = f.read() + bytes([0, 2, 1, ord("x")])
        script = os.path.join(tmp, "accumulator.wasm")
        with open(script, "wb") as f:
            f.write(changed)
        with open(os.path.join(V, "accumulator.yaml")) as f:
            text = f.read().replace("../scripts/bin/accumulator.wasm", script)
        vector = os.path.join(tmp, "changed.yaml")
        with open(vector, "w") as f:
            f.write(text)
        rc, out, err = run("run", "--engine", "wasm2c", "--cache-dir", cache, vector, env=env)
        check(rc == 0, "changed module exit %d" % rc, out, err)
        after = objects()
        check(len(after) == 2 and all(after[k] == v for k, v in first.items()),
              "a changed module did not get its own object: %r" % sorted(after))


SCENARIOS = {"cache_dir": cache_dir, "junit": junit, "json": json_report, "tap": tap, "parallel": parallel, "shard": shard,
             "filter": filter_, "update": update, "update_refuses": update_refuses,
             "update_layouts": update_layouts, "deposit_layouts": deposit_layouts,
             "binaryen_output": binaryen_output, "engine_reasons": engine_reasons,
             "quiet": quiet, "trace": trace, "bench": bench, "no_colour": no_colour}

if __name__ == "__main__":
    SCENARIOS[sys.argv[1]]()
