;; Pushes deposits described by the block data:
;;   bytes 0..4  count (u32, little-endian)
;;   bytes 4..8  length passed to eth2.pushNewDeposit (u32, little-endian)
;;   bytes 8..   the deposit bytes (the block data is copied to memory[0..), so they are at 8)
;; and saves the pre-state root unchanged.
(module
  (import "eth2" "blockDataSize" (func $size (result i32)))
  (import "eth2" "blockDataCopy" (func $copy (param i32 i32 i32)))
  (import "eth2" "pushNewDeposit" (func $push (param i32 i32)))
  (import "eth2" "loadPreStateRoot" (func $loadPreStateRoot (param i32)))
  (import "eth2" "savePostStateRoot" (func $savePostStateRoot (param i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (local $i i32)
    (call $copy (i32.const 0) (i32.const 0) (call $size))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (i32.load (i32.const 0))))
        (call $push (i32.const 8) (i32.load (i32.const 4)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (call $loadPreStateRoot (i32.const 1024))
    (call $savePostStateRoot (i32.const 1024))))
