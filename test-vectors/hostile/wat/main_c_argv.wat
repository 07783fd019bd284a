;; C's `int main(int argc, char** argv)`, as clang exports it: (i32, i32) -> i32.
;; scout calls it with zeros, as V8 does; it traps unless both arguments are 0.
;; It saves the root 'C main: argc = argv = 0' (ASCII, zero-padded to 32 bytes).
(module
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "C main: argc = argv = 0\00\00\00\00\00\00\00\00\00")
  (func (export "main") (param $argc i32) (param $argv i32) (result i32)
    (if (i32.or (local.get $argc) (local.get $argv)) (then unreachable))
    (call $save (i32.const 0))
    (i32.const 0)))
