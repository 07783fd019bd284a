;; Imports mylib.triple, which lib_double.wasm does not export.
(module
  (import "mylib" "triple" (func $triple (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "main") (drop (call $triple (i32.const 1)))))
