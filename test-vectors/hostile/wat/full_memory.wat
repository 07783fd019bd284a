;; Grows memory to 65,536 pages (4 GiB, the most wasm32 can address), writes 0xab to the
;; last byte (address 0xffffffff) and reads it back. Saves as the post-state root:
;; memory.grow's result (u32 LE: 1, the old size), memory.size after (65536 = 00 00 01 00)
;; and the byte read back (0xab); the rest zero. Without --max-memory-pages 65536 the
;; growth is refused (-1) and the store traps out of bounds.
(module
  (import "eth2" "savePostStateRoot" (func $savePostStateRoot (param i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (local $grown i32)
    (local.set $grown (memory.grow (i32.const 65535)))
    (i32.store8 (i32.const -1) (i32.const 0xab))
    (i32.store (i32.const 0) (local.get $grown))
    (i32.store (i32.const 4) (memory.size))
    (i32.store8 (i32.const 8) (i32.load8_u (i32.const -1)))
    (call $savePostStateRoot (i32.const 0))))
