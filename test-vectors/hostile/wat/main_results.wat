;; "main" returns a result: it must be () -> ().
(module
  (memory (export "memory") 1)
  (func (export "main") (result i32) (i32.const 0)))
