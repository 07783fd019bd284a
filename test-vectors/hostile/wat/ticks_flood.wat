;; Asks eth2.useTicks for 0xFFFFFFFF ticks three times: the count must not wrap.
(module
  (import "eth2" "useTicks" (func $useTicks (param i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (call $useTicks (i32.const 0xFFFFFFFF))
    (call $useTicks (i32.const 0xFFFFFFFF))
    (call $useTicks (i32.const 0xFFFFFFFF))))
