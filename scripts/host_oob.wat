;; host_oob: calls eth2.savePostStateRoot(65530) in a one-page (65536-byte)
;; memory: the 32 bytes [65530, 65562) run past the end, so the host function
;; must trap (an out-of-bounds memory access by the host).
;; Import style: module "env" with prefixed names.
(module
  (import "env" "eth2_savePostStateRoot" (func $savePostStateRoot (param i32)))
  (memory (export "memory") 1 1)
  (func $main (export "main")
    (call $savePostStateRoot (i32.const 65530))))
