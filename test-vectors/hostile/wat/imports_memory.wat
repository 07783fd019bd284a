;; Imports its memory from env: the EEI provides functions only.
(module
  (import "env" "memory" (memory 1))
  (export "memory" (memory 0))
  (func (export "main")))
