;; Declares 2000 initial pages (125 MiB): above the default --max-memory-pages 1024.
(module
  (memory (export "memory") 2000)
  (func (export "main")))
