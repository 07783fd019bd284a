;; Saves a post-state root whose first byte is 1 (the rest zero). With save_byte_2.wat,
;; two modules of different code for the wasm2c cache tests (test/lifecycle).
(module
  (import "eth2" "savePostStateRoot" (func $savePostStateRoot (param i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (i32.store8 (i32.const 0) (i32.const 1))
    (call $savePostStateRoot (i32.const 0))))
