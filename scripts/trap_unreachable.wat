;; trap_unreachable: saves the pre-state root unchanged, then executes
;; `unreachable`. The block must fail with a wasm trap (the saved root must
;; not be taken).
;; Import style: module "eth2" with bare names.
(module
  (import "eth2" "loadPreStateRoot" (func $loadPreStateRoot (param i32)))
  (import "eth2" "savePostStateRoot" (func $savePostStateRoot (param i32)))
  (memory (export "memory") 1)
  (func $main (export "main")
    (call $loadPreStateRoot (i32.const 0))
    (call $savePostStateRoot (i32.const 0))
    unreachable))
