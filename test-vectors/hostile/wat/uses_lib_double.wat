;; Imports mylib.double and saves double(21) = 42 as the first byte of the root.
(module
  (import "mylib" "double" (func $double (param i32) (result i32)))
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (i32.store8 (i32.const 0) (call $double (i32.const 21)))
    (call $save (i32.const 0))))
