;; saves_nothing: main does nothing, so it never calls savePostStateRoot and
;; the environment's root becomes 32 zero bytes.
(module
  (memory (export "memory") 1)
  (func $main (export "main")))
