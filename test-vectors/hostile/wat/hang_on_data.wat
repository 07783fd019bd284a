;; Saves the pre-state root unchanged, except for a block with data: there it
;; loops forever (only --timeout ends it). Vectors place that block where the
;; report's block counts can go wrong: in the middle, and last.
(module
  (import "eth2" "loadPreStateRoot" (func $loadPreStateRoot (param i32)))
  (import "eth2" "savePostStateRoot" (func $savePostStateRoot (param i32)))
  (import "eth2" "blockDataSize" (func $blockDataSize (result i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (if (call $blockDataSize)
      (then (loop $forever (br $forever))))
    (call $loadPreStateRoot (i32.const 0))
    (call $savePostStateRoot (i32.const 0))))
