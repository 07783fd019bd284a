;; div_by_zero: divides by zero with module bignum; must trap.
;;
;; Import style: module "env" with prefixed names.
;;
;; Saves the pre-state root, then does one division by a non-zero divisor
;; (1, which must succeed), then the division by zero. The first byte of the
;; block data picks the function (empty data counts as 0):
;;   0:     env.bignum_div256(a, zero, out)   -> trap `bignum.div256: division by zero`
;;   other: env.bignum_int_div(a, zero, q, r) -> trap `bignum.int_div: division by zero`
;; Operands are at [0, 48) (a = 7), [64, 112) (the divisor 1), [128, 176)
;; (zero); outputs go to [256, 304) and [320, 368) (48 bytes: wide enough for
;; every field).
(module
  (import "env" "eth2_loadPreStateRoot" (func $loadPreStateRoot (param i32)))
  (import "env" "eth2_savePostStateRoot" (func $savePostStateRoot (param i32)))
  (import "env" "eth2_blockDataSize" (func $blockDataSize (result i32)))
  (import "env" "eth2_blockDataCopy" (func $blockDataCopy (param i32 i32 i32)))
  (import "env" "bignum_div256" (func $div256 (param i32 i32 i32)))
  (import "env" "bignum_int_div" (func $int_div (param i32 i32 i32 i32)))

  (memory (export "memory") 1)

  (func $main (export "main")
    (call $loadPreStateRoot (i32.const 512))
    (call $savePostStateRoot (i32.const 512))
    ;; a = 7 (big-endian for div256: last byte; little-endian for int_div: first
    ;; byte; both set), divisor 1 likewise.
    (i32.store8 (i32.const 0) (i32.const 7))
    (i32.store8 (i32.const 31) (i32.const 7))
    (i32.store8 (i32.const 64) (i32.const 1))
    (i32.store8 (i32.const 95) (i32.const 1))
    (if (i32.gt_u (call $blockDataSize) (i32.const 0))
      (then (call $blockDataCopy (i32.const 600) (i32.const 0) (i32.const 1))))
    (if (i32.eqz (i32.load8_u (i32.const 600)))
      (then
        (call $div256 (i32.const 0) (i32.const 64) (i32.const 256))
        (call $div256 (i32.const 0) (i32.const 128) (i32.const 256)))
      (else
        (call $int_div (i32.const 0) (i32.const 64) (i32.const 256) (i32.const 320))
        (call $int_div (i32.const 0) (i32.const 128) (i32.const 256) (i32.const 320))))))
