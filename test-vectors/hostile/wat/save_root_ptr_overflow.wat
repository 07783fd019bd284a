;; eth2.savePostStateRoot(0xFFFFFFF0): 32 bytes from there end at 2^32 + 16, which a
;; 32-bit sum would wrap to 16 (inside memory).
(module
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (memory (export "memory") 1)
  (func (export "main") (call $save (i32.const 0xFFFFFFF0))))
