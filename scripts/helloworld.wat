;; helloworld: the smallest well-behaved execution script.
;;
;; Import style: module "env" with prefixed names (env.eth2_*, env.debug_*),
;; the style of ewasm/scout's Rust examples.
;;
;; Semantics: post-state root = pre-state root, whatever the block data.
;; Along the way it prints a greeting (debug.printMem), the block data size
;; (debug.print32) and the pre-state root (debug.printMemHex).
(module
  (import "env" "eth2_loadPreStateRoot" (func $loadPreStateRoot (param i32)))
  (import "env" "eth2_blockDataSize" (func $blockDataSize (result i32)))
  (import "env" "eth2_savePostStateRoot" (func $savePostStateRoot (param i32)))
  (import "env" "debug_print32" (func $print32 (param i32)))
  (import "env" "debug_printMem" (func $printMem (param i32 i32)))
  (import "env" "debug_printMemHex" (func $printMemHex (param i32 i32)))

  (memory (export "memory") 1)

  ;; memory[0..32): the state root; memory[64..): the greeting.
  (data (i32.const 64) "hello, world")

  (func $main (export "main")
    (call $printMem (i32.const 64) (i32.const 12))
    (call $loadPreStateRoot (i32.const 0))
    (call $print32 (call $blockDataSize))
    (call $printMemHex (i32.const 0) (i32.const 32))
    (call $savePostStateRoot (i32.const 0))))
