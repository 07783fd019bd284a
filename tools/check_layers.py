#!/usr/bin/env python3
"""Checks that every file under src/ includes only what its layer may see.

src/ is one library per folder (docs/architecture.md, "Layers"). The build
enforces most of it: each library gives its folder as include directory only
to what links it, and links its third-party libraries PRIVATE. Two things the
compiler cannot see are checked here:

- headers installed in /usr/include (wabt, yaml-cpp, OpenSSL, nlohmann/json,
  CLI11) are found from every file, whatever the library links;
- a header in the same folder as the including file is always found, so a
  layer's folder is no wall for the files inside it, and the Binaryen engine's
  internal headers (everything in engines/binaryen/ but its public headers)
  would be found by any file that links the engine.

Usage: tools/check_layers.py [SRC_DIR]   (default: src/ beside tools/)
Exit 0 when every include is allowed, 1 with one line per violation.
"""

import re
import sys
from pathlib import Path

# What each layer may include from the others (itself always). The order is
# the order of the layers, lowest first.
MAY_SEE = {
    "core": [],
    "eei": ["core"],
    "engines": ["core", "eei"],
    "engines/binaryen": ["core", "eei", "engines"],
    "engines/wabt": ["core", "eei", "engines"],
    # The wasm2c engine loads through the Binaryen engine (same errors on every
    # engine) and describes libraries with inspect_module.
    "engines/wasm2c": ["core", "eei", "engines", "engines/binaryen"],
    "run": ["core", "eei", "engines", "engines/binaryen", "engines/wabt", "engines/wasm2c"],
    "report": ["core", "eei", "engines", "run"],
    "cli": ["core", "eei", "engines", "engines/binaryen", "engines/wabt", "engines/wasm2c",
            "run", "report"],
}

# The headers an engine's folder offers the layers above it; the others are
# the engine's own (and most include Binaryen's or wabt's headers).
PUBLIC_HEADERS = {
    "engines/binaryen": {"binaryen_engine.hpp", "metering.hpp", "module_facts.hpp"},
    "engines/wabt": {"wabt_engine.hpp"},
    "engines/wasm2c": {"wasm2c_engine.hpp", "aot_cache.hpp"},
}

# Third-party headers (by how they are included) and the layers that link
# the library they belong to.
BINARYEN_HEADER = re.compile(
    r"^(wasm(-[a-z0-9-]+)?\.h|binaryen-c\.h|pass\.h|shell-interface\.h|"
    r"(ir|passes|support|parser|emscripten-optimizer|wasm|cfg|asmjs|analysis)/.*)$")
THIRD_PARTY = [
    ("Binaryen", BINARYEN_HEADER.match, {"engines/binaryen"}),
    ("wabt", lambda h: h.startswith("wabt/"), {"engines", "engines/wabt"}),
    ("yaml-cpp", lambda h: h.startswith("yaml-cpp/"), {"core", "run"}),
    ("OpenSSL", lambda h: h.startswith("openssl/"), {"core", "eei", "engines/wasm2c", "run"}),
    ("Crypto++", lambda h: h.startswith("cryptopp/"), {"eei"}),
    ("nlohmann/json", lambda h: h.startswith("nlohmann/"), {"run", "report"}),
    ("CLI11", lambda h: h.startswith("CLI/"), {"cli"}),
]

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def layer_of(path: Path, src: Path) -> str:
    rel = path.relative_to(src).parent.as_posix()
    return rel


def main() -> int:
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "src"
    files = sorted(p for p in src.rglob("*") if p.suffix in (".cpp", ".hpp"))
    where = {}  # header name -> layer
    for p in files:
        if p.suffix == ".hpp":
            where.setdefault(p.name, []).append(layer_of(p, src))
    problems = []
    for name, layers in where.items():
        if len(layers) > 1:
            problems.append(f"{name}: in {', '.join(layers)} (header names are unique: "
                            "each library's folder is an include directory)")
    for p in files:
        layer = layer_of(p, src)
        if layer not in MAY_SEE:
            problems.append(f"{p.relative_to(src)}: folder {layer}/ is no layer (tools/check_layers.py)")
            continue
        in_string = False
        for number, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
            # Generated C inside raw strings (the wasm2c shim) includes files of
            # its own; skip raw string literals.
            if in_string:
                if ')"' in line:
                    in_string = False
                continue
            if re.search(r'R"\($', line) or (re.search(r'R"\(', line) and ')"' not in line):
                in_string = True
                continue
            m = INCLUDE.match(line)
            if not m:
                continue
            quote, header = m.groups()
            at = f"{p.relative_to(src)}:{number}"
            if quote == '"':
                owners = where.get(Path(header).name)
                if not owners or "/" in header:
                    problems.append(f"{at}: \"{header}\" is not a header of src/ by name")
                    continue
                owner = owners[0]
                if owner != layer and owner not in MAY_SEE[layer]:
                    problems.append(f"{at}: {layer}/ may not include {owner}/{header}")
                elif owner != layer and owner in PUBLIC_HEADERS and header not in PUBLIC_HEADERS[owner]:
                    problems.append(f"{at}: {owner}/{header} is internal to {owner}/")
                continue
            for library, matches, allowed in THIRD_PARTY:
                if matches(header) and layer not in allowed:
                    problems.append(f"{at}: {layer}/ may not include {library} (<{header}>)")
    for problem in problems:
        print(problem)
    if not problems:
        print(f"{len(files)} files: every include is one its layer may see")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
