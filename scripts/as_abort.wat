;; as_abort: what an AssemblyScript `assert(false)` at assembly/index.ts:12:3
;; does. Saves the pre-state root, then calls
;;   env.abort(message, fileName, 12, 3)
;; which must trap with `abort: assertion failed at assembly/index.ts:12:3`.
;;
;; Import style: env.abort (AssemblyScript's own import) and env.eth2_*.
;;
;; The strings are laid out as AssemblyScript's `~lib/rt/stub` runtime does:
;; a 16-byte header (mmInfo, gcInfo, rtId = 1 for String, rtSize = the byte
;; length) followed by UTF-16LE code units; the pointer passed is the first
;; code unit, so the byte length is the u32 at pointer - 4.
;;   [16, 32) header, [32, 64)  "assertion failed"   (16 units, 32 bytes)
;;   [64, 80) header, [80, 114) "assembly/index.ts"  (17 units, 34 bytes)
(module
  (import "env" "abort" (func $abort (param i32 i32 i32 i32)))
  (import "env" "eth2_loadPreStateRoot" (func $loadPreStateRoot (param i32)))
  (import "env" "eth2_savePostStateRoot" (func $savePostStateRoot (param i32)))

  (memory (export "memory") 1)

  (data (i32.const 16)
    "\00\00\00\00" "\00\00\00\00" "\01\00\00\00" "\20\00\00\00"
    "a\00s\00s\00e\00r\00t\00i\00o\00n\00 \00f\00a\00i\00l\00e\00d\00")
  (data (i32.const 64)
    "\00\00\00\00" "\00\00\00\00" "\01\00\00\00" "\22\00\00\00"
    "a\00s\00s\00e\00m\00b\00l\00y\00/\00i\00n\00d\00e\00x\00.\00t\00s\00")

  (func $main (export "main")
    (call $loadPreStateRoot (i32.const 256))
    (call $savePostStateRoot (i32.const 256))
    (call $abort (i32.const 32) (i32.const 80) (i32.const 12) (i32.const 3))))
