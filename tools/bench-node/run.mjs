#!/usr/bin/env node
// A reference runner for scout's YAML vectors on Node.js (V8), for timing
// against scout's engines (docs/performance.md) and for V8's verdict on the
// vectors of scripts built by real toolchains (test/engines/toolchains.py). No
// npm packages: a YAML subset parser for the vector format and a JS EEI of the
// eth2, debug, bignum (add/sub/mul256) and hash host functions and of
// AssemblyScript's env.abort and env.trace.
//
//   node tools/bench-node/run.mjs VECTOR.yaml...           run: PASS/FAIL/ERROR, exit 0/1/2
//   node tools/bench-node/run.mjs --repeat N VECTOR.yaml   time: one warm-up run, then N
//                                                          timed runs; min/median/max ms
//   node tools/bench-node/run.mjs --json --repeat N ...    the same as JSON lines
//
// Times are measured as scout bench measures them: "load" reads the vector and
// compiles every module (new WebAssembly.Module); "execute" is, summed over the
// blocks, a fresh instance (start function included) plus the call of main.
// Node's own V8 flags go before the script: node --no-liftoff run.mjs ...
//
// What a run checks, as scout does (docs/vector-format.md): every block in order
// on a fresh instance, main called as V8 calls an export from JS (with zeros for
// any parameters, C's main(argc, argv) included; its results ignored); the
// post-state roots; and, when the vector has deposit_receipts, the deposits
// pushed, in order. A vector whose scripts cannot be compiled, import something
// this EEI or the vector's libraries do not provide, or export no function main
// is an ERROR (exit 2), as scout reports a load error; a trap is a FAIL naming
// the block ("block N: trap: ...").

import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve, isAbsolute } from "node:path";
import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";

// ------------------------------------------------------------ YAML subset

/** Parses the YAML subset of the vector format: block maps and sequences,
 * flow maps {a: b}, plain/quoted scalars, comments. Enough for
 * docs/vector-format.md; anything else throws. */
export function parseYaml(text) {
  const lines = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = stripComment(raw);
    if (line.trim() === "" || line.trim() === "---") return;
    lines.push({ indent: line.length - line.trimStart().length, text: line.trim(), no: i + 1 });
  });
  let pos = 0;

  function parseBlock(indent) {
    if (pos >= lines.length) return null;
    return lines[pos].text.startsWith("- ") || lines[pos].text === "-"
      ? parseSeq(lines[pos].indent)
      : parseMap(lines[pos].indent);
  }

  function parseSeq(indent) {
    const out = [];
    while (pos < lines.length && lines[pos].indent === indent &&
           (lines[pos].text.startsWith("- ") || lines[pos].text === "-")) {
      const l = lines[pos];
      const rest = l.text === "-" ? "" : l.text.slice(2).trim();
      if (rest === "") {
        pos++;
        out.push(pos < lines.length && lines[pos].indent > indent ? parseBlock() : null);
      } else if (isKeyValue(rest)) {
        // "- key: value" starts a map whose further keys are indented past "- ".
        const inner = indent + 2;
        lines[pos] = { indent: inner, text: rest, no: l.no };
        out.push(parseMap(inner));
      } else {
        pos++;
        out.push(scalar(rest, l.no));
      }
    }
    return out;
  }

  function parseMap(indent) {
    const out = {};
    while (pos < lines.length && lines[pos].indent === indent && !lines[pos].text.startsWith("- ")) {
      const l = lines[pos];
      const m = /^("[^"]*"|'[^']*'|[^:]+?)\s*:(\s+(.*))?$/.exec(l.text);
      if (!m) throw new Error(`line ${l.no}: expected 'key: value'`);
      const key = unquote(m[1]);
      const value = m[3] === undefined ? "" : m[3].trim();
      pos++;
      if (value === "") {
        out[key] = pos < lines.length && lines[pos].indent > indent ? parseBlock() :
                   pos < lines.length && lines[pos].indent === indent && lines[pos].text.startsWith("- ")
                     ? parseSeq(indent) : null;
      } else {
        out[key] = scalar(value, l.no);
      }
    }
    return out;
  }

  const doc = parseBlock(0);
  if (pos < lines.length) throw new Error(`line ${lines[pos].no}: unexpected indentation`);
  return doc;
}

function stripComment(line) {
  let quote = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === "#" && (i === 0 || /\s/.test(line[i - 1]))) {
      return line.slice(0, i).trimEnd();
    }
  }
  return line.trimEnd();
}

function isKeyValue(text) {
  return /^("[^"]*"|'[^']*'|[A-Za-z_][\w.-]*)\s*:(\s|$)/.test(text);
}

function unquote(s) {
  if ((s.startsWith('"') && s.endsWith('"')) || (s.startsWith("'") && s.endsWith("'")))
    return s.slice(1, -1);
  return s;
}

function scalar(text, no) {
  if (text.startsWith("{")) {
    if (!text.endsWith("}")) throw new Error(`line ${no}: unterminated flow map`);
    const out = {};
    for (const part of text.slice(1, -1).split(",")) {
      if (part.trim() === "") continue;
      const i = part.indexOf(":");
      if (i < 0) throw new Error(`line ${no}: bad flow map entry`);
      out[unquote(part.slice(0, i).trim())] = scalar(part.slice(i + 1).trim(), no);
    }
    return out;
  }
  if (text.startsWith("[") && text.endsWith("]"))
    return text.slice(1, -1).split(",").map((s) => s.trim()).filter((s) => s !== "").map((s) => scalar(s, no));
  if (text === "null" || text === "~") return null;
  return unquote(text);
}

// ------------------------------------------------------------ the vector

function hexBytes(value, what) {
  let s = value === null || value === undefined ? "" : String(value);
  if (s.startsWith("0x") || s.startsWith("0X")) s = s.slice(2);
  if (s.length % 2 !== 0 || /[^0-9a-fA-F]/.test(s)) throw new Error(`${what}: not hex`);
  return Uint8Array.from(Buffer.from(s, "hex"));
}

function resolveModule(path, vectorFile) {
  if (isAbsolute(path)) return path;
  const beside = resolve(dirname(vectorFile), path);
  return existsSync(beside) ? beside : resolve(process.cwd(), path);
}

function loadVector(file) {
  const doc = parseYaml(readFileSync(file, "utf8"));
  const scripts = doc.beacon_state.execution_scripts.map((p) => resolveModule(p, file));
  const libraries = (doc.beacon_state.libraries || []).map((l) => ({
    name: l.name,
    file: resolveModule(l.file, file),
  }));
  const pre = doc.shard_pre_state.exec_env_states.map((h, i) => hexBytes(h, `pre-state ${i}`));
  const post = doc.shard_post_state.exec_env_states.map((h, i) => hexBytes(h, `post-state ${i}`));
  const blocks = (doc.shard_blocks || []).map((b, i) => ({
    env: Number(b.env),
    data: hexBytes(b.data, `block ${i} data`),
  }));
  // Absent: not checked; present (even empty): exactly these, in order.
  const layout = doc.deposit_layout ?? "ewasm";
  if (!Object.hasOwn(AMOUNT_LITTLE_ENDIAN, layout))
    throw new Error(`deposit_layout '${layout}': expected ${Object.keys(AMOUNT_LITTLE_ENDIAN).join(" or ")}`);
  const deposits = !("deposit_receipts" in doc) ? null
    : (doc.deposit_receipts || []).map((d, i) => encodeDeposit(d, i, AMOUNT_LITTLE_ENDIAN[layout]));
  return { scripts, libraries, pre, post, blocks, deposits };
}

// A deposit as pushed (184 bytes): pubkey 48 | withdrawal_credentials 32 |
// amount u64 | signature 96 (docs/vector-format.md, "Deposits"), the amount in
// the byte order of the vector's deposit_layout: ewasm/scout's big-endian by
// default, SSZ's little-endian with `deposit_layout: ssz`. Expected deposits are
// encoded so and compared byte for byte with those pushed.
const AMOUNT_LITTLE_ENDIAN = { ewasm: false, ssz: true };

function encodeDeposit(d, i, littleEndian) {
  const what = `deposit_receipts[${i}]`;
  const out = new Uint8Array(184);
  const put = (bytes, at, size, name) => {
    if (bytes.length !== size) throw new Error(`${what}.${name}: expected ${size} bytes`);
    out.set(bytes, at);
  };
  put(hexBytes(d.pubkey, `${what}.pubkey`), 0, 48, "pubkey");
  put(hexBytes(d.withdrawal_credentials, `${what}.withdrawal_credentials`), 48, 32, "withdrawal_credentials");
  new DataView(out.buffer).setBigUint64(80, BigInt(d.amount), littleEndian);
  put(hexBytes(d.signature, `${what}.signature`), 88, 96, "signature");
  return out;
}

// ------------------------------------------------------------ the EEI

class Trap extends Error {}

function makeEei(state, memoryOf) {
  const mem = () => {
    const m = memoryOf();
    if (!m) throw new Trap("no memory");
    return new Uint8Array(m.buffer);
  };
  const range = (ptr, len, what) => {
    const m = mem();
    if (ptr + len > m.length) throw new Trap(`${what}: memory range out of bounds`);
    return m;
  };
  // 32-byte big-endian numbers as 16 limbs of 16 bits, least significant
  // first: plain JS numbers (a limb product is < 2^32, a column sum < 2^53).
  const a16 = new Array(16), b16 = new Array(16), r16 = new Array(16);
  const readLimbs = (ptr, out) => {
    ptr >>>= 0;
    const m = range(ptr, 32, "bignum");
    for (let i = 0; i < 16; i++) out[i] = (m[ptr + 30 - 2 * i] << 8) | m[ptr + 31 - 2 * i];
  };
  const writeLimbs = (ptr, limbs) => {
    ptr >>>= 0;
    const m = range(ptr, 32, "bignum");
    for (let i = 0; i < 16; i++) {
      m[ptr + 30 - 2 * i] = limbs[i] >>> 8;
      m[ptr + 31 - 2 * i] = limbs[i] & 0xff;
    }
  };
  const addLimbs = (sign) => {
    let carry = 0;
    for (let i = 0; i < 16; i++) {
      const t = a16[i] + sign * b16[i] + carry;
      r16[i] = t & 0xffff;
      carry = Math.floor(t / 65536);
    }
  };
  const mulLimbs = () => {
    let carry = 0;
    for (let k = 0; k < 16; k++) {
      let t = carry;
      for (let i = 0; i <= k; i++) t += a16[i] * b16[k - i];
      r16[k] = t % 65536;
      carry = Math.floor(t / 65536);
    }
  };
  const eth2 = {
    loadPreStateRoot(ptr) {
      range(ptr >>> 0, 32, "eth2.loadPreStateRoot").set(state.pre, ptr >>> 0);
    },
    blockDataSize() {
      return state.data.length;
    },
    blockDataCopy(ptr, offset, length) {
      ptr >>>= 0; offset >>>= 0; length >>>= 0;
      if (offset + length > state.data.length) throw new Trap("eth2.blockDataCopy: out of the block data");
      range(ptr, length, "eth2.blockDataCopy").set(state.data.subarray(offset, offset + length), ptr);
    },
    savePostStateRoot(ptr) {
      state.post = range(ptr >>> 0, 32, "eth2.savePostStateRoot").slice(ptr >>> 0, (ptr >>> 0) + 32);
    },
    pushNewDeposit(ptr, length) {
      ptr >>>= 0; length >>>= 0;
      if (length !== 184) throw new Trap("eth2.pushNewDeposit: a deposit is 184 bytes");
      state.deposits.push(range(ptr, length, "eth2.pushNewDeposit").slice(ptr, ptr + length));
    },
    useTicks(n) {
      state.ticks += n >>> 0;
      if (state.ticks > state.tickBudget) throw new Trap("out of ticks");
    },
  };
  const debug = {
    print32(v) { state.debug.push(`print32: ${v >>> 0}`); },
    print64(v) { state.debug.push(`print64: ${BigInt.asUintN(64, v)}`); },
    printMem(ptr, len) {
      const m = range(ptr >>> 0, len >>> 0, "debug.printMem");
      state.debug.push(`printMem: ${Buffer.from(m.subarray(ptr >>> 0, (ptr >>> 0) + (len >>> 0))).toString("latin1")}`);
    },
    printMemHex(ptr, len) {
      const m = range(ptr >>> 0, len >>> 0, "debug.printMemHex");
      state.debug.push(`printMemHex: ${Buffer.from(m.subarray(ptr >>> 0, (ptr >>> 0) + (len >>> 0))).toString("hex")}`);
    },
  };
  const bignum = {
    add256(a, b, out) { readLimbs(a, a16); readLimbs(b, b16); addLimbs(1); writeLimbs(out, r16); },
    sub256(a, b, out) { readLimbs(a, a16); readLimbs(b, b16); addLimbs(-1); writeLimbs(out, r16); },
    mul256(a, b, out) { readLimbs(a, a16); readLimbs(b, b16); mulLimbs(); writeLimbs(out, r16); },
  };
  const hash = {
    sha256(ptr, len, out) {
      const m = range(ptr >>> 0, len >>> 0, "hash.sha256");
      const digest = createHash("sha256").update(m.subarray(ptr >>> 0, (ptr >>> 0) + (len >>> 0))).digest();
      range(out >>> 0, 32, "hash.sha256").set(digest, out >>> 0);
    },
  };
  // AssemblyScript's own imports (docs/eei.md, "AssemblyScript"): strings are
  // UTF-16LE with their byte length in the u32 before them; null is absent.
  const asString = (ptr) => {
    ptr >>>= 0;
    if (ptr === 0) return "";
    const m = mem();
    if (ptr < 4 || ptr > m.length) return `<unreadable string at 0x${ptr.toString(16)}>`;
    const bytes = new DataView(m.buffer).getUint32(ptr - 4, true);
    const end = Math.min(m.length, ptr + Math.min(bytes, 2048));
    return Buffer.from(m.subarray(ptr, end - ((end - ptr) % 2))).toString("utf16le");
  };
  const env = {
    abort(message, fileName, line, column) {
      const msg = asString(message);
      const file = asString(fileName);
      throw new Trap(`abort${msg ? ": " + msg : ""}${file ? ` at ${file}:${line >>> 0}:${column >>> 0}` : ""}`);
    },
    trace(message, n, a0, a1, a2, a3, a4) {
      const args = [a0, a1, a2, a3, a4].slice(0, Math.max(0, Math.min(5, n | 0)));
      state.debug.push(`trace: ${asString(message)}${args.length ? " " + args.join(", ") : ""}`);
    },
  };
  return { eth2, debug, bignum, hash, env };
}

/** The EEI function an import names, in either style, or undefined. */
function eeiFunction(eei, imp) {
  let group = imp.module;
  let name = imp.name;
  if (imp.module === "env" && !(imp.name in eei.env)) {
    const i = imp.name.indexOf("_");
    if (i < 0) return undefined;
    group = imp.name.slice(0, i);
    name = imp.name.slice(i + 1);
  }
  const fn = Object.hasOwn(eei, group) && Object.hasOwn(eei[group], name) ? eei[group][name] : undefined;
  return typeof fn === "function" ? fn : undefined;
}

/** The import object of `module`: EEI imports in both styles, library imports. */
function importsFor(module, eei, libraries) {
  const imports = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    imports[imp.module] ??= {};
    const lib = libraries.get(imp.module);
    if (lib) {
      imports[imp.module][imp.name] = lib.exports[imp.name];
      continue;
    }
    const fn = eeiFunction(eei, imp);
    if (!fn) throw new Error(`import ${imp.module}.${imp.name}: not in this runner's EEI`);
    imports[imp.module][imp.name] = fn;
  }
  return imports;
}

/** Throws, as a load error, for an import nothing provides or a script without main. */
function checkModule(path, module, libraryModules, isScript) {
  const eei = makeEei({}, () => null);
  for (const imp of WebAssembly.Module.imports(module)) {
    const lib = libraryModules.find((l) => l.name === imp.module);
    if (lib) {
      if (!WebAssembly.Module.exports(lib.module).some((e) => e.name === imp.name && e.kind === imp.kind))
        throw new Error(`${path}: import ${imp.module}.${imp.name}: library ${imp.module} has no such ${imp.kind} export`);
    } else if (imp.kind !== "function" || !eeiFunction(eei, imp)) {
      throw new Error(`${path}: import ${imp.module}.${imp.name} (${imp.kind}): not in this runner's EEI`);
    }
  }
  if (isScript && !WebAssembly.Module.exports(module).some((e) => e.name === "main" && e.kind === "function"))
    throw new Error(`${path}: no exported function main`);
}

// ------------------------------------------------------------ running

function compileVector(file) {
  const t0 = performance.now();
  const vector = loadVector(file);
  const compile = (path) => new WebAssembly.Module(readFileSync(path));
  vector.scriptModules = vector.scripts.map(compile);
  vector.libraryModules = vector.libraries.map((l) => ({ name: l.name, module: compile(l.file) }));
  vector.libraryModules.forEach((l, i) => checkModule(vector.libraries[i].file, l.module, [], false));
  vector.scriptModules.forEach((m, i) => checkModule(vector.scripts[i], m, vector.libraryModules, true));
  return { vector, loadMs: performance.now() - t0 };
}

function runVector(vector) {
  const states = vector.pre.map((r) => r.slice());
  const deposits = [];
  let executeMs = 0;
  for (let i = 0; i < vector.blocks.length; i++) {
    const block = vector.blocks[i];
    const state = {
      pre: states[block.env], data: block.data, post: new Uint8Array(32),
      deposits: [], debug: [], ticks: 0, tickBudget: 10_000_000,
    };
    const t0 = performance.now();
    try {
      const libraries = new Map();
      for (const lib of vector.libraryModules) {
        let instance = null;
        // A library's host functions see its own memory, exported under any name.
        const eei = makeEei(state, () => instance &&
          Object.values(instance.exports).find((v) => v instanceof WebAssembly.Memory));
        instance = new WebAssembly.Instance(lib.module, importsFor(lib.module, eei, new Map()));
        libraries.set(lib.name, instance);
      }
      const module = vector.scriptModules[block.env];
      let instance = null;
      let imported = null;
      const eei = makeEei(state, () => (instance ? instance.exports.memory : imported));
      const imports = importsFor(module, eei, libraries);
      for (const imp of WebAssembly.Module.imports(module))
        if (imp.kind === "memory") imported = imports[imp.module][imp.name];
      instance = new WebAssembly.Instance(module, imports);
      // As V8 calls an export from JS: zeros for any parameters, results ignored.
      const main = instance.exports.main;
      main(...new Array(main.length).fill(0));
    } catch (e) {
      executeMs += performance.now() - t0;
      return { ok: false, why: `block ${i}: trap: ${e.message}`, executeMs };
    }
    executeMs += performance.now() - t0;
    states[block.env] = state.post;
    deposits.push(...state.deposits);
  }
  if (vector.deposits !== null) {
    const hex = (d) => Buffer.from(d).toString("hex");
    for (let i = 0; i < Math.max(deposits.length, vector.deposits.length); i++) {
      if (i >= deposits.length || i >= vector.deposits.length || hex(deposits[i]) !== hex(vector.deposits[i]))
        return {
          ok: false,
          why: `deposit ${i}: expected ${i < vector.deposits.length ? hex(vector.deposits[i]) : "none"}, ` +
               `actual ${i < deposits.length ? hex(deposits[i]) : "none"}`,
          executeMs,
        };
    }
  }
  for (let env = 0; env < states.length; env++) {
    if (Buffer.compare(Buffer.from(states[env]), Buffer.from(vector.post[env])) !== 0)
      return {
        ok: false,
        why: `env ${env}: post-state root mismatch: expected ${Buffer.from(vector.post[env]).toString("hex")}, ` +
             `actual ${Buffer.from(states[env]).toString("hex")}`,
        executeMs,
      };
  }
  return { ok: true, executeMs };
}

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const n = s.length;
  return { min: s[0], median: n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2, max: s[n - 1] };
}

function main(argv) {
  let repeat = 0;
  let json = false;
  const files = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--repeat") repeat = Number(argv[++i]);
    else if (argv[i] === "--json") json = true;
    else if (argv[i] === "-h" || argv[i] === "--help") {
      console.log("usage: node run.mjs [--repeat N] [--json] VECTOR.yaml...");
      return 0;
    } else files.push(argv[i]);
  }
  if (files.length === 0 || !(repeat >= 0)) {
    console.error("usage: node run.mjs [--repeat N] [--json] VECTOR.yaml...");
    return 2;
  }
  let passed = 0, failed = 0, errors = 0;
  for (const file of files) {
    let compiled;
    try {
      compiled = compileVector(file);
    } catch (e) {
      console.log(`ERROR ${file}: ${e.message}`);
      errors++;
      continue;
    }
    const first = runVector(compiled.vector);
    if (!first.ok) {
      console.log(`FAIL ${file}: ${first.why}`);
      failed++;
      continue;
    }
    passed++;
    if (repeat === 0) {
      console.log(`PASS ${file} (${compiled.vector.blocks.length} blocks)`);
      continue;
    }
    const load = [], exec = [];
    for (let r = 0; r < repeat; r++) {
      // Each run compiles afresh, as each `scout bench` run loads afresh.
      const c = compileVector(file);
      load.push(c.loadMs);
      exec.push(runVector(c.vector).executeMs);
    }
    const l = stats(load), x = stats(exec);
    if (json) {
      console.log(JSON.stringify({ engine: "v8", node: process.version, file, repeat, load_ms: l, execute_ms: x }));
    } else {
      const f = (s) => `${s.min.toFixed(3)} / ${s.median.toFixed(3)} / ${s.max.toFixed(3)}`;
      console.log(`v8 ${file}: load ${f(l)}  execute ${f(x)} (ms: min / median / max of ${repeat})`);
    }
  }
  if (repeat === 0 || !json) console.log(`${passed} passed, ${failed + errors} failed`);
  return errors ? 2 : failed ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
