;; Metering: a script whose gas can be counted by hand from the default cost table
;; (src/metering.cpp default_costs; docs/metering.md). Binaryen IR, as Binaryen reads
;; this binary, and the region each instruction is charged in:
;;
;;   function body region:  the body is a block of 3 instructions     block 1      =  1
;;   the body block's region (entered once):
;;     i32.store (i32.const 0) (i32.mul (i32.const 6) (i32.const 7))
;;                           store 3 + const 1 + mul 3 + const 1 + const 1         =  9
;;     loop                  loop 2 (its body is a region of its own)             =  2
;;     call $save (i32.const 0)      call 10 + const 1                            = 11
;;                                                                           sum  = 22
;;   the loop body region, charged on every iteration (3: i = 1, 2, 3):
;;     the loop body is a block of 2 instructions                 block 1      =  1
;;     and that block's region:
;;       local.set $i (i32.add (local.get $i) (i32.const 1))
;;                           local 1 + binary 1 + local 1 + const 1               =  4
;;       br_if $again (i32.lt_u (local.get $i) (i32.const 3))
;;                           branch 2 + binary 1 + local 1 + const 1              =  5
;;                                                          per iteration 1+4+5  = 10
;;   total: 1 + 22 + 3 * 10                                                      = 53
;;
;; With a gas table `const: 100`: 10 consts are charged (4 in the body block, 2 per
;; iteration), each 99 more: 53 + 10 * 99 = 1043.
;;
;; Post-state root: 42 (0x2a) as a little-endian i32 at 0, then zeros.
(module
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (local $i i32)
    (i32.store (i32.const 0) (i32.mul (i32.const 6) (i32.const 7)))
    (loop $again
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (i32.const 3))))
    (call $save (i32.const 0))))
