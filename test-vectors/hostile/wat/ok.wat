;; ok: the well-behaved baseline. Saves the pre-state root unchanged.
(module
  (import "eth2" "loadPreStateRoot" (func $loadPreStateRoot (param i32)))
  (import "eth2" "savePostStateRoot" (func $savePostStateRoot (param i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (call $loadPreStateRoot (i32.const 0))
    (call $savePostStateRoot (i32.const 0))))
