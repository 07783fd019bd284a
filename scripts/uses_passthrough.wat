;; uses_passthrough: an execution script whose only EEI access goes through the
;; library "passthrough" (lib_passthrough.wat), which re-exports eth2 imports.
;;
;; Semantics: r = the pre-state root; d = the first min(32, size) bytes of the
;; block data, zero-padded to 32; root = r xor d; savePostStateRoot(root).
(module
  (import "passthrough" "memory" (memory 1))
  (import "passthrough" "load" (func $load (param i32)))
  (import "passthrough" "size" (func $size (result i32)))
  (import "passthrough" "copy" (func $copy (param i32 i32 i32)))
  (import "passthrough" "save" (func $save (param i32)))
  (export "memory" (memory 0))

  (func $main (export "main")
    (local $n i32)
    (local $i i32)
    (call $load (i32.const 0))
    (local.set $n (call $size))
    (if (i32.gt_u (local.get $n) (i32.const 32))
      (then (local.set $n (i32.const 32))))
    ;; [32, 64) is zero in a fresh memory: the padding.
    (call $copy (i32.const 32) (i32.const 0) (local.get $n))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (i32.const 32)))
        (i32.store8 (local.get $i)
          (i32.xor (i32.load8_u (local.get $i))
                   (i32.load8_u (i32.add (local.get $i) (i32.const 32)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (call $save (i32.const 0))))
