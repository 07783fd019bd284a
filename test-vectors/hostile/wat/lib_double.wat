;; A library: exports double (i32) -> (i32). Libraries need no main.
(module
  (func (export "double") (param i32) (result i32)
    (i32.add (local.get 0) (local.get 0))))
