;; no_main: exports its memory and a function named "start", but no "main".
;; Loading the script must fail.
(module
  (import "eth2" "savePostStateRoot" (func $savePostStateRoot (param i32)))
  (memory (export "memory") 1)
  (func $start (export "start")
    (call $savePostStateRoot (i32.const 0))))
