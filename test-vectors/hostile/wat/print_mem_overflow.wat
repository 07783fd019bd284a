;; debug.printMem(0xFFFFFFF0, 0x20): the range wraps past 2^32 in 32-bit arithmetic.
(module
  (import "debug" "printMem" (func $printMem (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "main") (call $printMem (i32.const 0xFFFFFFF0) (i32.const 0x20))))
