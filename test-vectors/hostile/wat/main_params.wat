;; "main" takes a parameter: it must be () -> ().
(module
  (memory (export "memory") 1)
  (func (export "main") (param i32)))
