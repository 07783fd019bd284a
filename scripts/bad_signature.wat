;; bad_signature: imports eth2.blockDataSize with the wrong type
;; (param i32) (result i32) instead of () -> i32. Loading the script must fail.
(module
  (import "eth2" "blockDataSize" (func $blockDataSize (param i32) (result i32)))
  (import "eth2" "savePostStateRoot" (func $savePostStateRoot (param i32)))
  (memory (export "memory") 1)
  (func $main (export "main")
    (drop (call $blockDataSize (i32.const 0)))
    (call $savePostStateRoot (i32.const 0))))
