;; uses_lib: an execution script that computes its root through the library
;; "mathlib" (lib_math.wat), importing three of its functions and its memory
;; (re-exported as "memory", so the EEI's eth2.* calls also see that memory).
;;
;; Import style: eth2.* bare; mathlib.* from the library.
;;
;; Semantics (numbers 32-byte big-endian, mod 2^256):
;;   r = the pre-state root, at [0, 32)
;;   for each 32-byte word w of the block data (a last partial word padded
;;   with zero bytes at its end; fetched into [32, 64) by its own
;;   blockDataCopy): r = square_add(r, w) = (r * r + w) mod 2^256
;;   r = xor32(r, K), K the library's constant at [1024, 1056)
;;   r[31] ^= calls() (the number of words: the library counts per instance)
;;   byte 2048 += 1, then r[0] ^= byte 2048   (1 in a fresh memory)
;;   r[1] ^= byte 2049                         (0x5a, from the library's start)
;;   savePostStateRoot(r)
;; So a library instance or memory carried over from an earlier block, or a
;; start function not run, changes the root.
(module
  (import "mathlib" "memory" (memory 1))
  (import "mathlib" "square_add" (func $square_add (param i32 i32 i32)))
  (import "mathlib" "xor32" (func $xor32 (param i32 i32 i32)))
  (import "mathlib" "calls" (func $calls (result i32)))
  (import "eth2" "loadPreStateRoot" (func $loadPreStateRoot (param i32)))
  (import "eth2" "blockDataSize" (func $blockDataSize (result i32)))
  (import "eth2" "blockDataCopy" (func $blockDataCopy (param i32 i32 i32)))
  (import "eth2" "savePostStateRoot" (func $savePostStateRoot (param i32)))
  (export "memory" (memory 0))

  (func $main (export "main")
    (local $n i32)
    (local $off i32)
    (local $len i32)
    (call $loadPreStateRoot (i32.const 0))
    (local.set $n (call $blockDataSize))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $off) (local.get $n)))
        (local.set $len (i32.sub (local.get $n) (local.get $off)))
        (if (i32.gt_u (local.get $len) (i32.const 32))
          (then (local.set $len (i32.const 32))))
        (memory.fill (i32.const 32) (i32.const 0) (i32.const 32))
        (call $blockDataCopy (i32.const 32) (local.get $off) (local.get $len))
        (call $square_add (i32.const 0) (i32.const 32) (i32.const 0))
        (local.set $off (i32.add (local.get $off) (i32.const 32)))
        (br $next)))
    (call $xor32 (i32.const 0) (i32.const 1024) (i32.const 0))
    (i32.store8 (i32.const 31) (i32.xor (i32.load8_u (i32.const 31)) (call $calls)))
    (i32.store8 (i32.const 2048) (i32.add (i32.load8_u (i32.const 2048)) (i32.const 1)))
    (i32.store8 (i32.const 0) (i32.xor (i32.load8_u (i32.const 0)) (i32.load8_u (i32.const 2048))))
    (i32.store8 (i32.const 1) (i32.xor (i32.load8_u (i32.const 1)) (i32.load8_u (i32.const 2049))))
    (call $savePostStateRoot (i32.const 0))))
