;; call_indirect through slot 1 of a two-slot table; only slot 0 is set.
(module
  (type $void (func))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 0) $nothing)
  (func $nothing (type $void))
  (func (export "main")
    (call_indirect (type $void) (i32.const 1))))
