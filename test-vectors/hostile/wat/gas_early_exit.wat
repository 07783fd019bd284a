;; Metering's documented limitation: a region left early by a branch has still paid for
;; all of its instructions. Counted by hand from the default cost table:
;;
;;   function body region:  the body is a block of 2 instructions     block 1      =  1
;;   the body block's region:
;;     block $out            block 1 (its contents are a region of their own)     =  1
;;     call $save (i32.const 0)      call 10 + const 1                            = 11
;;                                                                           sum  = 12
;;   the region of block $out:
;;     br_if $out (i32.const 1)      branch 2 + const 1                           =  3
;;     drop (i32.mul (i32.const 1000) (i32.const 1000))
;;                           drop 1 + mul 3 + const 1 + const 1                   =  6
;;                                                                           sum  =  9
;;   total: 1 + 12 + 9                                                            = 22
;;
;; The branch is always taken, so the drop/mul (6 gas) never runs, yet it is charged:
;; an exact count of executed instructions would be 16.
(module
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (block $out
      (br_if $out (i32.const 1))
      (drop (i32.mul (i32.const 1000) (i32.const 1000))))
    (call $save (i32.const 0))))
