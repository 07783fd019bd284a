;; deposit: turns block data into deposits.
;;
;; Import style: module "eth2" with bare names (debug.print32 for the count).
;;
;; Semantics: the block data is read as k = floor(size / 184) consecutive
;; 184-byte deposits (pubkey 48 | withdrawal_credentials 32 | amount u64 LE 8 |
;; signature 96); trailing bytes past the last whole deposit are ignored.
;; Each deposit is copied out with eth2.blockDataCopy(ptr, i * 184, 184) and
;; pushed, in order, with eth2.pushNewDeposit(ptr, 184). The post-state root
;; is the pre-state root with its last byte (index 31) increased by k,
;; modulo 256; the other 31 bytes are unchanged.
(module
  (import "eth2" "loadPreStateRoot" (func $loadPreStateRoot (param i32)))
  (import "eth2" "blockDataSize" (func $blockDataSize (result i32)))
  (import "eth2" "blockDataCopy" (func $blockDataCopy (param i32 i32 i32)))
  (import "eth2" "savePostStateRoot" (func $savePostStateRoot (param i32)))
  (import "eth2" "pushNewDeposit" (func $pushNewDeposit (param i32 i32)))
  (import "debug" "print32" (func $print32 (param i32)))

  (memory (export "memory") 1)

  ;; memory[0..32): the state root; memory[64..248): the current deposit.
  (func $main (export "main")
    (local $count i32)
    (local $i i32)
    (call $loadPreStateRoot (i32.const 0))
    (local.set $count (i32.div_u (call $blockDataSize) (i32.const 184)))
    (call $print32 (local.get $count))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (call $blockDataCopy (i32.const 64)
                             (i32.mul (local.get $i) (i32.const 184))
                             (i32.const 184))
        (call $pushNewDeposit (i32.const 64) (i32.const 184))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    ;; store8 keeps the low 8 bits: + k modulo 256.
    (i32.store8 (i32.const 31)
      (i32.add (i32.load8_u (i32.const 31)) (local.get $count)))
    (call $savePostStateRoot (i32.const 0))))
