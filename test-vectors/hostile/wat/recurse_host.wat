;; Recurses to the depth given by the block data (u32, little-endian) and calls a host
;; function (loadPreStateRoot) from the deepest frame: block data N makes N + 1 nested wasm
;; calls and a host call nested N + 2 deep. Then saves the pre-state root unchanged.
(module
  (import "eth2" "loadPreStateRoot" (func $loadPreStateRoot (param i32)))
  (import "eth2" "savePostStateRoot" (func $savePostStateRoot (param i32)))
  (import "eth2" "blockDataCopy" (func $blockDataCopy (param i32 i32 i32)))
  (memory (export "memory") 1)
  (func $down (param $n i32)
    (if (local.get $n)
      (then (call $down (i32.sub (local.get $n) (i32.const 1))))
      (else (call $loadPreStateRoot (i32.const 0)))))
  (func (export "main")
    (call $blockDataCopy (i32.const 64) (i32.const 0) (i32.const 4))
    (call $down (i32.load (i32.const 64)))
    (call $savePostStateRoot (i32.const 0))))
