;; lib_math: a library (beacon_state.libraries), no main. Vectors load it as
;; "mathlib"; uses_lib imports its functions and its memory.
;;
;; Its own imports bind to the EEI: bignum.mul256, bignum.add256 (bare names)
;; and debug.print32. Those host functions see this module's memory, which
;; uses_lib shares.
;;
;; Exports:
;;   memory                   one page, shared with the script
;;   square_add(x, y, out)    out = (x * x + y) mod 2^256, 32-byte big-endian
;;                            numbers (bignum.mul256 into the scratch range
;;                            [1088, 1120), then bignum.add256); counts the call
;;                            and prints the count (debug.print32). out may be x.
;;   xor32(a, b, out)         out[i] = a[i] ^ b[i] for i < 32 (plain wasm)
;;   calls() -> i32           how many times square_add ran in this instance
;; Initial state of every fresh instance:
;;   [1024, 1056)  the constant K = "mathlib: 32-byte constant K=0123" (ASCII)
;;   byte 2049     0x5a, stored by the start function
;;   calls         0
(module
  (import "bignum" "mul256" (func $mul256 (param i32 i32 i32)))
  (import "bignum" "add256" (func $add256 (param i32 i32 i32)))
  (import "debug" "print32" (func $print32 (param i32)))

  (memory (export "memory") 1)
  (global $calls (mut i32) (i32.const 0))
  (data (i32.const 1024) "mathlib: 32-byte constant K=0123")

  (func $init
    (i32.store8 (i32.const 2049) (i32.const 0x5a)))
  (start $init)

  (func (export "square_add") (param $x i32) (param $y i32) (param $out i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (call $print32 (global.get $calls))
    (call $mul256 (local.get $x) (local.get $x) (i32.const 1088))
    (call $add256 (i32.const 1088) (local.get $y) (local.get $out)))

  (func (export "xor32") (param $a i32) (param $b i32) (param $out i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (i32.const 32)))
        (i32.store8 (i32.add (local.get $out) (local.get $i))
          (i32.xor (i32.load8_u (i32.add (local.get $a) (local.get $i)))
                   (i32.load8_u (i32.add (local.get $b) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  (func (export "calls") (result i32)
    (global.get $calls)))
