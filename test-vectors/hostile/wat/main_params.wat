;; "main" takes a float parameter: neither no parameters nor C's (i32, i32).
(module
  (memory (export "memory") 1)
  (func (export "main") (param f64)))
