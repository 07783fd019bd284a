;; ticker: spends ticks on request, to test the per-block tick budget.
;;
;; Import style: module "eth2" with bare names.
;;
;; Semantics: if the block data has at least 4 bytes, n = its first 4 bytes
;; read as a little-endian u32, else n = 0 (bytes after the 4th are ignored).
;; Calls eth2.useTicks(n) once (also when n = 0), then saves the pre-state
;; root unchanged.
(module
  (import "eth2" "loadPreStateRoot" (func $loadPreStateRoot (param i32)))
  (import "eth2" "blockDataSize" (func $blockDataSize (result i32)))
  (import "eth2" "blockDataCopy" (func $blockDataCopy (param i32 i32 i32)))
  (import "eth2" "savePostStateRoot" (func $savePostStateRoot (param i32)))
  (import "eth2" "useTicks" (func $useTicks (param i32)))

  (memory (export "memory") 1)

  ;; memory[0..32): the state root; memory[32..36): the tick count.
  (func $main (export "main")
    (call $loadPreStateRoot (i32.const 0))
    (if (i32.ge_u (call $blockDataSize) (i32.const 4))
      (then (call $blockDataCopy (i32.const 32) (i32.const 0) (i32.const 4))))
    ;; memory[32..36) is still zero when nothing was copied.
    (call $useTicks (i32.load (i32.const 32)))
    (call $savePostStateRoot (i32.const 0))))
