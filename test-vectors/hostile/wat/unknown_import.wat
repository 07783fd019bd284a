;; Imports a host function the EEI does not have.
(module
  (import "eth2" "noSuchFunction" (func (param i32)))
  (memory (export "memory") 1)
  (func (export "main")))
