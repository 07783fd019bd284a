;; Loops forever, calling no host function: only the wall clock (--timeout) or gas
;; (--meter) can stop it.
(module
  (memory (export "memory") 1)
  (func (export "main")
    (loop $forever (br $forever))))
