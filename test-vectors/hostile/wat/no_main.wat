;; Exports its memory and a function, but no "main".
(module
  (memory (export "memory") 1)
  (func (export "start_here")))
