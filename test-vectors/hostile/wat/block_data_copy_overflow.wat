;; eth2.blockDataCopy(ptr 0, offset 0xFFFFFFFF, length 2): offset + length wraps to 1 in
;; 32-bit arithmetic, which is inside a 4-byte block.
(module
  (import "eth2" "blockDataCopy" (func $copy (param i32 i32 i32)))
  (memory (export "memory") 1)
  (func (export "main") (call $copy (i32.const 0) (i32.const 0xFFFFFFFF) (i32.const 2))))
