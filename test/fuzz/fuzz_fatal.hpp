#pragma once
/// Binaryen's Fatal() (support/utilities.h) prints "Fatal: ..." and calls
/// _Exit(1): the process ends without a signal, without libFuzzer saving the
/// input and without a stack. fuzz_fatal.cpp defines _Exit in the fuzzer
/// executable, which takes precedence over libc's for libbinaryen.so too; while
/// a FatalGuard is alive, _Exit(1) aborts instead, so libFuzzer reports a crash
/// with the stack of the Binaryen function that called Fatal() and saves the
/// input. Outside a guard (libFuzzer's own exits), _Exit is libc's.

#include <atomic>

namespace scout_fuzz {

extern std::atomic<bool> fatal_is_a_crash;

struct FatalGuard
{
    FatalGuard() { fatal_is_a_crash = true; }
    ~FatalGuard() { fatal_is_a_crash = false; }
    FatalGuard(const FatalGuard&) = delete;
    FatalGuard& operator=(const FatalGuard&) = delete;
};

}  // namespace scout_fuzz
