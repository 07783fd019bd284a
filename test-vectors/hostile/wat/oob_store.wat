;; An i64 store at 0xFFFFFFFF + offset 8: far past the one-page memory, and past 2^32.
(module
  (memory (export "memory") 1)
  (func (export "main")
    (i64.store offset=8 (i32.const 0xFFFFFFFF) (i64.const 42))))
