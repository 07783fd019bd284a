;; Copies the whole block data into memory (at 0) and saves its last 32 bytes as the
;; post-state root: a block passes only if every byte arrived.
(module
  (import "eth2" "blockDataSize" (func $size (result i32)))
  (import "eth2" "blockDataCopy" (func $copy (param i32 i32 i32)))
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (memory (export "memory") 2)
  (func (export "main")
    (local $n i32)
    (local.set $n (call $size))
    (call $copy (i32.const 0) (i32.const 0) (local.get $n))
    (call $save (i32.sub (local.get $n) (i32.const 32)))))
