;; Grows memory to 32,769 pages (2 GiB + 64 KiB), writes 0xab to the last byte
;; (address 0x8000ffff, above 2^31) and reads it back. Saves as the post-state root:
;; memory.grow's result (u32 LE: 1, the old size), memory.size after (32769 =
;; 01 80 00 00) and the byte read back (0xab); the rest zero. Binaryen 108 reads an
;; i32 pointer as signed, so its interpreter trapped here ("final > memory") where V8,
;; wabt and wasm2c do not (docs/performance.md). 2 GiB + 1 page is the smallest memory
;; that shows it, and half the cost of full_memory.wat's 4 GiB.
(module
  (import "eth2" "savePostStateRoot" (func $savePostStateRoot (param i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (local $grown i32)
    (local.set $grown (memory.grow (i32.const 32768)))
    (i32.store8 (i32.const 0x8000ffff) (i32.const 0xab))
    (i32.store (i32.const 0) (local.get $grown))
    (i32.store (i32.const 4) (memory.size))
    (i32.store8 (i32.const 8) (i32.load8_u (i32.const 0x8000ffff)))
    (call $savePostStateRoot (i32.const 0))))
