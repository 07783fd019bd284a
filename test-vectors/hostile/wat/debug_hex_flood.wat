;; Calls debug.printMemHex(0, 4096) (a line of 8,192 hex digits) as many times as the
;; block data says (u32, little-endian), then saves the pre-state root unchanged.
(module
  (import "eth2" "blockDataCopy" (func $copy (param i32 i32 i32)))
  (import "debug" "printMemHex" (func $printMemHex (param i32 i32)))
  (import "eth2" "loadPreStateRoot" (func $loadPreStateRoot (param i32)))
  (import "eth2" "savePostStateRoot" (func $savePostStateRoot (param i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (local $i i32)
    (call $copy (i32.const 8192) (i32.const 0) (i32.const 4))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (i32.load (i32.const 8192))))
        (call $printMemHex (i32.const 0) (i32.const 4096))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (call $loadPreStateRoot (i32.const 0))
    (call $savePostStateRoot (i32.const 0))))
