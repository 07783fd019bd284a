;; Copies the whole block data into memory (at 0), growing the memory to fit it, and
;; saves its last 32 bytes as the post-state root: a block passes only if every byte
;; arrived.
(module
  (import "eth2" "blockDataSize" (func $size (result i32)))
  (import "eth2" "blockDataCopy" (func $copy (param i32 i32 i32)))
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (memory (export "memory") 2)
  (func (export "main")
    (local $n i32)
    (local.set $n (call $size))
    ;; pages needed: ceil(n / 65536), beyond the ones there are
    (if (i32.gt_u (i32.shr_u (i32.add (local.get $n) (i32.const 65535)) (i32.const 16))
                  (memory.size))
      (then
        (if (i32.eq (memory.grow
                      (i32.sub (i32.shr_u (i32.add (local.get $n) (i32.const 65535)) (i32.const 16))
                               (memory.size)))
                    (i32.const -1))
          (then unreachable))))
    (call $copy (i32.const 0) (i32.const 0) (local.get $n))
    (call $save (i32.sub (local.get $n) (i32.const 32)))))
