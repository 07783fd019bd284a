;; lib_passthrough: a library that re-exports EEI functions it imports, so a
;; script reaches the host through it (a library passing on host functions is
;; legal wasm; the Binaryen engine once crashed on it). Its memory is the one
;; the host functions see, and the script imports it.
;;
;; Exports: memory (one page), load = eth2.loadPreStateRoot,
;; size = eth2.blockDataSize, copy = eth2.blockDataCopy,
;; save = eth2.savePostStateRoot (all re-exported imports, no wrappers).
(module
  (import "eth2" "loadPreStateRoot" (func $load (param i32)))
  (import "eth2" "blockDataSize" (func $size (result i32)))
  (import "eth2" "blockDataCopy" (func $copy (param i32 i32 i32)))
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (memory (export "memory") 1)
  (export "load" (func $load))
  (export "size" (func $size))
  (export "copy" (func $copy))
  (export "save" (func $save)))
