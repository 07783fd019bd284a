;; "main" is a global, not a function.
(module
  (memory (export "memory") 1)
  (global (export "main") i32 (i32.const 0)))
