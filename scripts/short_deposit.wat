;; short_deposit: calls eth2.pushNewDeposit(0, 100). A deposit is 184 bytes,
;; so the host function must trap (the 100 bytes are in bounds: the length,
;; not the memory access, is what is wrong).
;; Import style: module "env" with prefixed names.
(module
  (import "env" "eth2_loadPreStateRoot" (func $loadPreStateRoot (param i32)))
  (import "env" "eth2_pushNewDeposit" (func $pushNewDeposit (param i32 i32)))
  (import "env" "eth2_savePostStateRoot" (func $savePostStateRoot (param i32)))
  (memory (export "memory") 1)
  (func $main (export "main")
    (call $loadPreStateRoot (i32.const 0))
    (call $pushNewDeposit (i32.const 0) (i32.const 100))
    (call $savePostStateRoot (i32.const 0))))
