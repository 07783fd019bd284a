;; hasher: root = Keccak-256(pre-state root || block data) XOR SHA-256(block data).
;;
;; Import styles: env.ethash_keccak256 (module "env", prefixed name) and
;; hash.sha256 (module "hash", bare name); eth2.* bare.
;;
;; Memory: [0, 32) the pre-state root, [32, 32 + n) the block data (n bytes,
;; one blockDataCopy(32, 0, n)); memory grows when 32 + n needs more than one
;; page. Both hashes write over their own input, which the EEI allows:
;;   ethash.keccak256(out 0, in 0, len 32 + n)   -> [0, 32)
;;   hash.sha256(in 32, len n, out 32)           -> [32, 64)
;; then [0, 32) ^= [32, 64) byte by byte and savePostStateRoot(0).
;; Keccak-256 is Ethereum's (padding 0x01), not SHA3-256.
(module
  (import "eth2" "loadPreStateRoot" (func $loadPreStateRoot (param i32)))
  (import "eth2" "blockDataSize" (func $blockDataSize (result i32)))
  (import "eth2" "blockDataCopy" (func $blockDataCopy (param i32 i32 i32)))
  (import "eth2" "savePostStateRoot" (func $savePostStateRoot (param i32)))
  (import "env" "ethash_keccak256" (func $keccak256 (param i32 i32 i32)))
  (import "hash" "sha256" (func $sha256 (param i32 i32 i32)))

  (memory (export "memory") 1)

  (func $main (export "main")
    (local $n i32)
    (local $need i32)
    (local $i i32)
    (local.set $n (call $blockDataSize))
    ;; bytes needed: max(64, 32 + n); pages = ceil(need / 65536).
    (local.set $need (i32.add (local.get $n) (i32.const 32)))
    (if (i32.lt_u (local.get $need) (i32.const 64))
      (then (local.set $need (i32.const 64))))
    (if (i32.gt_u (local.get $need) (i32.mul (memory.size) (i32.const 65536)))
      (then
        (if (i32.eq
              (memory.grow
                (i32.sub
                  (i32.div_u (i32.add (local.get $need) (i32.const 65535)) (i32.const 65536))
                  (memory.size)))
              (i32.const -1))
          (then (unreachable)))))
    (call $loadPreStateRoot (i32.const 0))
    (call $blockDataCopy (i32.const 32) (i32.const 0) (local.get $n))
    (call $keccak256 (i32.const 0) (i32.const 0) (i32.add (local.get $n) (i32.const 32)))
    (call $sha256 (i32.const 32) (local.get $n) (i32.const 32))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (i32.const 32)))
        (i32.store8 (local.get $i)
          (i32.xor (i32.load8_u (local.get $i))
                   (i32.load8_u (i32.add (local.get $i) (i32.const 32)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (call $savePostStateRoot (i32.const 0))))
