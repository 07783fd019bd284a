;; bad_import: imports env.eth2_noSuchFunction, which the EEI does not have.
;; Loading the script must fail (before main runs).
(module
  (import "env" "eth2_noSuchFunction" (func $noSuchFunction (param i32)))
  (import "env" "eth2_savePostStateRoot" (func $savePostStateRoot (param i32)))
  (memory (export "memory") 1)
  (func $main (export "main")
    (call $noSuchFunction (i32.const 0))
    (call $savePostStateRoot (i32.const 0))))
