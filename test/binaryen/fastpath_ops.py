#!/usr/bin/env python3
"""Write a wasm text module that exercises every fast path of the Binaryen engine
at its edges, for test/binaryen/fastpath_check (which runs each export on ScoutRunner and
on Binaryen's own interpreter and compares results and trap messages).

Every integer unary and binary operator the fast path evaluates, on edge values
(0, 1, the shift widths, the signed extremes, all ones) as constants and through
locals; every load and store width at and around the end of memory, with and
without offsets, and at pointers from 2^31 up; branches (br, br_if with values,
br_table out of range and negative, return from nested blocks), select, loops,
calls with many parameters and with v128 and multi-value signatures, tee, globals,
call_indirect, memory.grow. Each case is its own export, so a trap ends one case.

Usage: fastpath_ops.py OUT.wat
"""

import sys

I32 = [0, 1, 2, 7, 31, 32, 33, 63, 64, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe,
       0xffffffff, 0x12345678, 0xdeadbeef]
I64 = [0, 1, 2, 31, 32, 63, 64, 65, 0xffffffff, 0x100000000, 0x7fffffffffffffff,
       0x8000000000000000, 0x8000000000000001, 0xfffffffffffffffe, 0xffffffffffffffff,
       0x123456789abcdef0]

BINARY = ["add", "sub", "mul", "div_s", "div_u", "rem_s", "rem_u", "and", "or", "xor",
          "shl", "shr_s", "shr_u", "rotl", "rotr", "eq", "ne", "lt_s", "lt_u", "le_s", "le_u",
          "gt_s", "gt_u", "ge_s", "ge_u"]
UNARY = {
    "i32": ["clz", "ctz", "popcnt", "eqz", "extend8_s", "extend16_s"],
    "i64": ["clz", "ctz", "popcnt", "eqz", "extend8_s", "extend16_s", "extend32_s"],
}
CONVERSIONS = [  # (result type, op, operand type)
    ("i64", "i64.extend_i32_s", "i32"), ("i64", "i64.extend_i32_u", "i32"),
    ("i32", "i32.wrap_i64", "i64"), ("f32", "f32.reinterpret_i32", "i32"),
    ("i32", "i32.reinterpret_f32", "f32"), ("f64", "f64.reinterpret_i64", "i64"),
    ("i64", "i64.reinterpret_f64", "f64"),
]
FLOAT_BITS = {"f32": [0, 0x80000000, 0x7fc00000, 0x7fa00001, 0xffffffff, 0x3f800000],
              "f64": [0, 0x8000000000000000, 0x7ff8000000000000, 0x7ff4000000000001,
                      0xffffffffffffffff]}


def const(t, v):
    if t in ("i32", "i64"):
        return "(%s.const %d)" % (t, v)
    # floats by their bits: reinterpret an integer constant
    it = "i32" if t == "f32" else "i64"
    return "(%s.reinterpret_%s (%s.const %d))" % (t, it, it, v)


def main():
    out = []
    w = out.append
    w("(module")
    w('  (import "fuzzing-support" "log-i32" (func $log_i32 (param i32)))')
    w('  (import "fuzzing-support" "log-i64" (func $log_i64 (param i64)))')
    w('  (import "fuzzing-support" "log-f32" (func $log_f32 (param f32)))')
    w('  (import "fuzzing-support" "log-f64" (func $log_f64 (param f64)))')
    w('  (import "fuzzing-support" "log-v128" (func $log_v128 (param v128)))')
    w("  (memory (export \"memory\") 1 4)")
    w("  (global $g32 (mut i32) (i32.const -5))")
    w("  (global $g64 (mut i64) (i64.const 0x1234))")
    w("  (global $gf (mut f32) (f32.const -0.5))")
    w("  (global $gv (mut v128) (v128.const i32x4 1 2 3 4))")
    w("  (table 4 funcref)")
    w("  (elem (i32.const 0) $sq $add2 $sq)")
    w("  (type $i_i (func (param i32) (result i32)))")
    w("  (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))")
    w("  (func $add2 (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))")
    n = 0

    def export(body, result=None, locals_=""):
        nonlocal n
        n += 1
        res = " (result %s)" % result if result else ""
        w('  (func (export "c%d")%s%s %s)' % (n, res, locals_, body))

    # Binary operators: constants, and the same through locals (local.set/get).
    for t, values in (("i32", I32), ("i64", I64)):
        rt = lambda op: "i32" if op in ("eq", "ne") or op[:2] in ("lt", "le", "gt", "ge") else t
        for op in BINARY:
            for a in values:
                for b in values:
                    export("(%s.%s %s %s)" % (t, op, const(t, a), const(t, b)), rt(op))
            for a, b in ((values[3], values[9]), (values[10], values[-1]), (values[-2], values[4])):
                export("(local.set 0 %s) (local.set 1 %s) (%s.%s (local.get 0) (local.tee 1 (local.get 1)))"
                       % (const(t, a), const(t, b), t, op), rt(op), " (local %s %s)" % (t, t))
        for op in UNARY[t]:
            for a in values:
                export("(%s.%s %s)" % (t, op, const(t, a)), t if op != "eqz" else "i32")
    for rt, op, at in CONVERSIONS:
        for a in (I32 if at == "i32" else I64 if at == "i64" else FLOAT_BITS[at]):
            export("(%s %s)" % (op, const(at, a)), rt)

    # Loads and stores around the end of the 64 KiB memory, and from 2^31 up.
    loads = [("i32", "i32.load8_s", 1), ("i32", "i32.load8_u", 1), ("i32", "i32.load16_s", 2),
             ("i32", "i32.load16_u", 2), ("i32", "i32.load", 4), ("i64", "i64.load8_s", 1),
             ("i64", "i64.load8_u", 1), ("i64", "i64.load16_s", 2), ("i64", "i64.load16_u", 2),
             ("i64", "i64.load32_s", 4), ("i64", "i64.load32_u", 4), ("i64", "i64.load", 8),
             ("f32", "f32.load", 4), ("f64", "f64.load", 8)]
    stores = [("i32", "i32.store8", 1), ("i32", "i32.store16", 2), ("i32", "i32.store", 4),
              ("i64", "i64.store8", 1), ("i64", "i64.store16", 2), ("i64", "i64.store32", 4),
              ("i64", "i64.store", 8), ("f32", "f32.store", 4), ("f64", "f64.store", 8)]
    size = 65536
    pattern = {"i32": 0x8081f2f3, "i64": 0x8182838485868788, "f32": 0xff800001,
               "f64": 0xfff0000000000001}
    for t, op, width in loads:
        for ptr, offset in ((size - width, 0), (size - width + 1, 0), (size - width - 1, 1),
                            (size - width, 1), (0, size - width), (0, size), (size, 0),
                            (0x7fffffff, 0), (0x80000000, 0), (0xffffffff, 0),
                            (0xfffffff0, 0x20), (100, 0)):
            export("(i64.store (i32.const %d) (i64.const -0x7e7d7c7b7a797877)) "
                   "(i64.store (i32.const %d) (i64.const 0x0102f3f4f5f6f7f8)) (%s offset=%d (i32.const %d))"
                   % (size - 8, 96, op, offset, ptr), t)
    for t, op, width in stores:
        for ptr, offset in ((size - width, 0), (size - width + 1, 0), (size - width - 1, 1),
                            (0, size - width), (0, size), (0x80000000, 0), (100, 3)):
            export("(%s offset=%d (i32.const %d) %s) (i64.load (i32.const %d))"
                   % (op, offset, ptr, const(t, pattern[t]), min(max(ptr + offset - 4, 0), size - 8)),
                   "i64")

    # Control flow.
    export("(block $b (result i32) (br_if $b (i32.const 7) (i32.const 0)) (drop) (i32.const 9))", "i32")
    export("(block $b (result i32) (drop (br_if $b (i32.const 7) (i32.const 1))) (i32.const 9))", "i32")
    for c in (0, 1):
        export("(block $b (result i32) (i32.add (br_if $b (i32.const 7) (i32.const %d)) (i32.const 1)))" % c,
               "i32")
        export("(block $b (result i64) (i64.add (i64.const 1) (br_if $b (i64.const -7) (i32.const %d))))" % c,
               "i64")
    for index in (0, 1, 2, 3, 100, -1, 0x7fffffff, -0x80000000):
        export("(block $d (result i32) (block $c (result i32) (block $a (result i32) "
               "(br_table $a $c $a $d (i32.const 40) (i32.const %d))) (i32.const 1) (i32.add)) "
               "(i32.const 2) (i32.add))" % index, "i32")
    export("(local i32) (loop $l (local.set 0 (i32.add (local.get 0) (i32.const 3))) "
           "(br_if $l (i32.lt_u (local.get 0) (i32.const 100)))) (local.get 0)", "i32")
    export("(block $out (loop $l (br_if $out (i32.eqz (i32.const 0))) (br $l))) (i32.const 5)", "i32")
    export("(block (block (block (return (i32.const 11))))) (i32.const 12)", "i32")
    export("(if (result i64) (i32.const 0) (then (i64.const 1)) (else (i64.const 2)))", "i64")
    export("(if (i32.const -1) (then (call $log_i32 (i32.const 3)))) (i32.const 4)", "i32")
    for c in (0, 1, -1):
        export("(select (i64.const 5) (i64.const 6) (i32.const %d))" % c, "i64")
        export("(select (f32.const -0) (f32.const nan:0x200) (i32.const %d))" % c, "f32")
        export("(select (v128.const i32x4 1 2 3 4) (v128.const i32x4 5 6 7 8) (i32.const %d))" % c,
               "v128")
    export("(unreachable)", "i32")
    export("(nop) (i32.const 1)", "i32")
    export("(drop (i32.div_s (i32.const 1) (i32.const 0))) (i32.const 1)", "i32")
    export("(block $b (drop (i32.add (br $b) (i32.const 1)))) (i32.const 2)", "i32")
    export("(block $b (result i32) (i32.add (i32.const 1) (br $b (i32.const 9))))", "i32")
    export("(block $b (result i32) (i32.add (i32.const 1) (br_if $b (i32.const 9) (i32.const 1))))", "i32")
    # Globals, local.tee, v128 locals, multi-value, calls with many params.
    export("(global.set $g32 (i32.add (global.get $g32) (i32.const 1))) (global.get $g32)", "i32")
    export("(global.set $g64 (i64.mul (global.get $g64) (i64.const -3))) (global.get $g64)", "i64")
    export("(global.set $gf (f32.neg (global.get $gf))) (global.get $gf)", "f32")
    export("(global.set $gv (i32x4.add (global.get $gv) (global.get $gv))) (global.get $gv)", "v128")
    export("(local v128 i32) (local.set 1 (i32.const 6)) (local.set 0 (i32x4.splat (local.get 1))) "
           "(call $log_i32 (i32x4.extract_lane 2 (local.get 0))) (local.get 1)", "i32")
    w("  (func $mv (param i32 i64) (result i64 i32) (local.get 1) (local.get 0))")
    export("(call $mv (i32.const 3) (i64.const -4)) (drop) ", "i64")
    w("  (func $v (param v128 i32) (result v128) (i32x4.replace_lane 1 (local.get 0) (local.get 1)))")
    export("(call $v (v128.const i64x2 -1 2) (i32.const 77))", "v128")
    params = " ".join(["i32", "i64", "f32", "f64"] * 5)
    w("  (func $many (param %s) (result f64) "
      "(f64.add (f64.convert_i64_s (i64.add (local.get 1) (local.get 17))) (local.get 19)))" % params)
    args = " ".join(const(t, i * 7 + 1) if t in ("i32", "i64") else "(%s.const %d.5)" % (t, i)
                    for i, t in enumerate(["i32", "i64", "f32", "f64"] * 5))
    export("(call $many %s)" % args, "f64")
    w("  (func $rec (param i32) (result i32) (if (result i32) (local.get 0) "
      "(then (i32.add (i32.const 1) (call $rec (i32.sub (local.get 0) (i32.const 1))))) (else (i32.const 0))))")
    for depth in (10, 249, 250, 251, 1000):
        export("(call $rec (i32.const %d))" % depth, "i32")
    for index, kind in ((0, "$i_i"), (1, "$i_i"), (2, "$i_i"), (3, "$i_i"), (9, "$i_i")):
        export("(call_indirect (type %s) (i32.const 9) (i32.const %d))" % (kind, index), "i32")
    export("(call $log_v128 (v128.const i32x4 0 0 0 0)) (i32.const 1)", "i32")
    export("(call $log_f64 (f64.const -nan:0x8000000000001)) (call $log_f32 (f32.const nan:0x1)) "
           "(call $log_i64 (i64.const -2)) (i32.const 0)", "i32")
    export("(memory.grow (i32.const 1))", "i32")
    export("(memory.grow (i32.const 100))", "i32")
    export("(i32.store (i32.const 131068) (i32.const 42)) (i32.load (i32.const 131068))", "i32")
    export("(memory.size)", "i32")
    export("(memory.fill (i32.const 10) (i32.const 171) (i32.const 5)) (i64.load (i32.const 8))", "i64")
    w(")")
    with open(sys.argv[1], "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
