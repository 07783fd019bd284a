;; Uses floating point (f32.add) in an otherwise harmless main: --deterministic rejects it.
(module
  (memory (export "memory") 1)
  (func $main (export "main")
    (drop (f32.add (f32.const 1.5) (f32.const 2.25)))))
