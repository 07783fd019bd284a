;; Recurses through call_indirect to the depth given by the block data (u32, little-endian;
;; 0xFFFFFFFF: endlessly for all practical purposes), then saves the pre-state root unchanged.
(module
  (import "eth2" "loadPreStateRoot" (func $loadPreStateRoot (param i32)))
  (import "eth2" "savePostStateRoot" (func $savePostStateRoot (param i32)))
  (import "eth2" "blockDataCopy" (func $blockDataCopy (param i32 i32 i32)))
  (memory (export "memory") 1)
  (type $t (func (param i32)))
  (table 1 funcref)
  (elem (i32.const 0) $down)
  (func $down (param $n i32)
    (if (local.get $n)
      (then (call_indirect (type $t) (i32.sub (local.get $n) (i32.const 1)) (i32.const 0)))))
  (func (export "main")
    (call $blockDataCopy (i32.const 64) (i32.const 0) (i32.const 4))
    (call $down (i32.load (i32.const 64)))
    (call $loadPreStateRoot (i32.const 0))
    (call $savePostStateRoot (i32.const 0))))
