;; An i32 load at 65534 in a one-page memory: bytes 65534..65537, two of them past the end.
(module
  (memory (export "memory") 1)
  (func (export "main")
    (drop (i32.load (i32.const 65534)))))
