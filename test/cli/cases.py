#!/usr/bin/env python3
"""Turns a table of scout command-line cases (TOML) into ctest tests.

Usage: cases.py TABLE.toml OUT.cmake [NAME=VALUE]...

Each [[case]] of the table becomes one add_test() in OUT.cmake (two with
`both`), which the folder's CMakeLists.txt includes: one ctest test per row,
each running test/cli/check_cli.py on one scout command line. NAME=VALUE
pairs are the variables the table may use as ${NAME} (paths of the build,
the scout binary's generator expression, and scout_faulty's, the same program
with faults injected: test/faults/); the table's own [vars] may use them
too. CMake re-runs this when the table, this script, or the set of files one
of its globs matches changes.

A case (keys other than `name` optional; [defaults] gives any key a default):

  name      the test's name after the table's `prefix` ("yaml.malformed")
  exit      the exit code scout must end with
  expect    regexes (Python `re`, MULTILINE) that must match stdout + stderr
  reject    regexes that must not match
  last      the exact last line of stdout
  run       scout's arguments, split like a shell command line (shlex)
  command   instead of `run`: the whole command, when it is not scout alone
            ('${scout_faulty} run ...' for the faults of test/faults/)
  both      also NAME.no_isolate: the same with --no-isolate after the subcommand
  env       VAR=value settings (ctest's ENVIRONMENT)
  cwd       the working directory
  wrap      a command that runs check_cli.py's command line as its arguments
  labels, timeout, fixture, skip_return_code, resource_lock, run_serial: ctest
            properties
  each      a glob: one case per matching file, ${file} and ${stem} bound

In every string, ${NAME} is a variable; ${glob:PATTERN} (a word of `run`
alone) becomes the sorted matching files, ${count:PATTERN} their number.
TOML's literal strings ('...') take a regex as it is, backslashes and all.
"""
import glob
import os
import re
import shlex
import sys

try:
    import tomllib
except ImportError:  # Python < 3.11; Debian bookworm's python3 is 3.11
    sys.exit("cases.py: needs Python 3.11 or later (tomllib)")

KEYS = {"name", "exit", "expect", "reject", "last", "run", "command", "both", "env", "cwd",
        "wrap", "labels", "timeout", "fixture", "skip_return_code", "resource_lock", "run_serial",
        "each"}
# Keys that are ctest properties, and which.
PROPERTIES = {"labels": "LABELS", "timeout": "TIMEOUT", "fixture": "FIXTURES_REQUIRED",
              "env": "ENVIRONMENT", "skip_return_code": "SKIP_RETURN_CODE",
              "resource_lock": "RESOURCE_LOCK", "run_serial": "RUN_SERIAL"}
VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
FUNCTION = re.compile(r"\$\{(glob|count):([^}]*)\}")


class TableError(Exception):
    pass


class Expander:
    """${NAME}, ${glob:...} and ${count:...} in the strings of a table."""

    def __init__(self, variables):
        self.variables = dict(variables)
        self.globs = []  # every pattern used, for CMake's CONFIGURE_DEPENDS

    def with_vars(self, more):
        e = Expander({**self.variables, **more})
        e.globs = self.globs
        return e

    def matches(self, pattern):
        if pattern not in self.globs:
            self.globs.append(pattern)
        return sorted(glob.glob(pattern))  # the order of CMake's file(GLOB)

    def substitute(self, s, where):
        """${NAME} only."""

        def var(m):
            if m.group(1) not in self.variables:
                raise TableError(f"{where}: unknown variable ${{{m.group(1)}}}")
            return self.variables[m.group(1)]

        return VAR.sub(var, s)

    def text(self, s, where):
        def function(m):
            if m.group(1) == "glob":
                raise TableError(f"{where}: ${{glob:...}} must be a word of 'run' alone")
            return str(len(self.matches(m.group(2))))

        return FUNCTION.sub(function, self.substitute(s, where))

    def words(self, s, where):
        out = []
        for word in shlex.split(s):
            m = FUNCTION.fullmatch(self.substitute(word, where))
            if m and m.group(1) == "glob":
                out.extend(self.matches(m.group(2)))
            else:
                out.append(self.text(word, where))
        return out


def as_list(value):
    return value if isinstance(value, list) else [value]


def bracket(text):
    """A CMake bracket argument: taken as it is, no variables, no list splitting
    (plain words are left plain, for a readable file)."""
    if re.fullmatch(r"[A-Za-z0-9_.,/:+=-]+", text):
        return text
    equals = "="
    while f"]{equals}]" in text:
        equals += "="
    return f"[{equals}[{text}]{equals}]"


def expand_each(case, expand, where):
    if "each" not in case:
        return [(case, expand)]
    files = expand.matches(expand.text(case["each"], where))
    if not files:
        raise TableError(f"{where}: 'each' matches no files")
    return [(case, expand.with_vars({"file": f, "stem": os.path.splitext(os.path.basename(f))[0]}))
            for f in files]


def tests_of(case, expand, where, checker):
    """(name, command, properties) of each test a case stands for."""
    name = expand.text(case["name"], where)
    check = [*checker, "--exit", str(case["exit"])]
    check += ["--expect=" + expand.text(e, where) for e in as_list(case.get("expect", []))]
    check += ["--reject=" + expand.text(r, where) for r in as_list(case.get("reject", []))]
    if "last" in case:
        check.append("--last-line=" + expand.text(case["last"], where))
    if ("run" in case) == ("command" in case):
        raise TableError(f"{where}: give one of 'run' and 'command'")
    if "run" in case:
        program = [expand.variables["scout"]]
        args = expand.words(case["run"], where)
    else:
        program = []
        args = expand.words(case["command"], where) if isinstance(case["command"], str) else [
            expand.text(w, where) for w in case["command"]]
    wrap = expand.words(case["wrap"], where) if "wrap" in case else []

    props = {}
    for key, prop in PROPERTIES.items():
        if case.get(key, False) is not False:
            props[prop] = ["TRUE" if v is True else expand.text(str(v), where)
                           for v in as_list(case[key])]
    cwd = expand.text(case["cwd"], where) if "cwd" in case else None

    variants = [(name, args)]
    if case.get("both"):
        if "run" not in case or not args:
            raise TableError(f"{where}: 'both' needs 'run' with a subcommand")
        variants.append((name + ".no_isolate", [args[0], "--no-isolate", *args[1:]]))
    return [(n, [*wrap, *check, "--", *program, *a], cwd, props) for n, a in variants]


def generate(table_path, variables):
    with open(table_path, "rb") as f:
        table = tomllib.load(f)
    unknown = set(table) - {"prefix", "defaults", "vars", "case"}
    if unknown:
        raise TableError(f"{table_path}: unknown top-level keys {sorted(unknown)}")
    expand = Expander(variables)
    for k, v in table.get("vars", {}).items():
        expand.variables[k] = expand.text(v, f"{table_path}: [vars] {k}")
    defaults = table.get("defaults", {})
    checker = expand.words(defaults.pop("checker", "${python} ${check_cli}"), table_path)
    prefix = table.get("prefix", "")
    seen = set()
    out = [f"# Generated by test/cli/cases.py from {table_path}: edit the table, not this.\n"]
    for i, row in enumerate(table.get("case", [])):
        where = f"{table_path}: case {i + 1} ({row.get('name', '?')})"
        case = {**defaults, **row}
        if set(case) - KEYS:
            raise TableError(f"{where}: unknown keys {sorted(set(case) - KEYS)}")
        for key in ("name", "exit"):
            if key not in case:
                raise TableError(f"{where}: no '{key}'")
        for one, e in expand_each(case, expand, where):
            for name, command, cwd, props in tests_of(one, e, where, checker):
                name = prefix + name
                if name in seen:
                    raise TableError(f"{where}: a second test named {name}")
                seen.add(name)
                line = f"add_test(NAME {bracket(name)} COMMAND " + " ".join(map(bracket, command))
                if cwd:
                    line += f" WORKING_DIRECTORY {bracket(cwd)}"
                out.append(line + ")\n")
                if props:
                    values = " ".join(f"{k} {bracket(';'.join(v))}" for k, v in props.items())
                    out.append(f"set_tests_properties({bracket(name)} PROPERTIES {values})\n")
    # Adding or removing a file a glob matches re-runs CMake, and this with it.
    for pattern in expand.globs:
        out.append(f"file(GLOB cases_glob CONFIGURE_DEPENDS {bracket(pattern)})\n")
    return "".join(out)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    variables = {}
    for pair in sys.argv[3:]:
        name, _, value = pair.partition("=")
        variables[name] = value
    try:
        text = generate(sys.argv[1], variables)
    except (TableError, tomllib.TOMLDecodeError, ValueError) as e:
        sys.exit(f"cases.py: {e}")
    # Rewritten only when changed: an unchanged file does not re-run CMake's generation.
    try:
        with open(sys.argv[2], encoding="utf-8") as f:
            if f.read() == text:
                return
    except OSError:
        pass
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
