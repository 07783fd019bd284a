;; lib_missing_import: imports mathlib.cube, which lib_math.wat does not
;; export: a load error naming the library and the missing export.
;; Import style: mathlib.* from the library; eth2.* bare.
(module
  (import "mathlib" "cube" (func $cube (param i32 i32)))
  (import "eth2" "savePostStateRoot" (func $savePostStateRoot (param i32)))
  (memory (export "memory") 1)
  (func $main (export "main")
    (call $cube (i32.const 0) (i32.const 0))
    (call $savePostStateRoot (i32.const 0))))
