;; The start function traps: the block fails while instantiating, before main.
(module
  (memory (export "memory") 1)
  (func $start unreachable)
  (start $start)
  (func (export "main")))
