;; "main" takes one i32: neither no parameters nor C's (i32, i32).
(module
  (memory (export "memory") 1)
  (func (export "main") (param i32) (result i32) (i32.const 0)))
