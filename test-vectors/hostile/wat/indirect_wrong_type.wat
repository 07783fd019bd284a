;; call_indirect through slot 0, which holds a () -> () function, as (i32) -> (i32).
(module
  (type $void (func))
  (type $i2i (func (param i32) (result i32)))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 0) $nothing)
  (func $nothing (type $void))
  (func (export "main")
    (drop (call_indirect (type $i2i) (i32.const 7) (i32.const 0)))))
