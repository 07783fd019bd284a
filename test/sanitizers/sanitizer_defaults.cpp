// Default runtime options of the sanitizer builds (cmake/Sanitizers.cmake links
// this into every executable of a SCOUT_SANITIZE or SCOUT_FUZZ build: scout,
// its `scout worker` children, test/faults/'s scout_faulty, the unit tests and
// the fuzzers). The runtimes call these hooks at start-up; ASAN_OPTIONS,
// UBSAN_OPTIONS and LSAN_OPTIONS in the environment still override any option
// given here.
//
// Baked in rather than exported by a script so that `ctest --test-dir
// build-asan`, a test spawning `scout`, and `scout run` spawning its workers
// through /proc/self/exe all behave the same whoever starts them.

#if !defined(SCOUT_LSAN_SUPPRESSIONS) || !defined(SCOUT_UBSAN_SUPPRESSIONS)
#error "SCOUT_LSAN_SUPPRESSIONS, SCOUT_UBSAN_SUPPRESSIONS: paths of test/sanitizers/*.supp"
#endif

extern "C" {

// halt_on_error: the first report ends the process (a test fails instead of
//   output scrolling by).
// detect_leaks: LeakSanitizer at exit (the default on x86-64 Linux; explicit).
// check_initialization_order / strict_init_order: static initialisation
//   order problems between scout's translation units.
// detect_stack_use_after_return=0: ASan's fake stack would move frames off the
//   interpreter's 256 MiB thread stack (src/core/large_stack.cpp); it is off by
//   default too, explicit because the stack is tight already (docs/fuzzing.md,
//   "The interpreter's stack under ASan").
// allocator_may_return_null: an impossible allocation throws std::bad_alloc,
//   as in the product, instead of ending the process with an ASan report.
// handle_segv/handle_sigbus/handle_sigfpe=0: a crashing `scout worker` dies of
//   its signal, as in the product, so the parent reports "died with signal 11
//   (SIGSEGV)" (src/run/isolation.cpp, tested with test/faults/'s scout_faulty
//   and SCOUT_FAULT=segv); with ASan's handler it would exit with code 1 after
//   its report. ASan's memory checks are unaffected; for ASan's stack of a
//   plain segfault, rerun with ASAN_OPTIONS=handle_segv=1. A fuzzing build
//   (SCOUT_FUZZ) keeps ASan's handlers: there a segfault is a finding, and
//   wants ASan's report.
const char* __asan_default_options()
{
    return "halt_on_error=1:detect_leaks=1:check_initialization_order=1:strict_init_order=1:"
           "detect_stack_use_after_return=0:allocator_may_return_null=1"
#ifndef SCOUT_SANITIZER_FUZZING
           ":handle_segv=0:handle_sigbus=0:handle_sigfpe=0"
#endif
        ;
}

const char* __lsan_default_options()
{
    return "suppressions=" SCOUT_LSAN_SUPPRESSIONS ":print_suppressions=0";
}

const char* __ubsan_default_options()
{
    return "halt_on_error=1:print_stacktrace=1:report_error_type=1:"
           "suppressions=" SCOUT_UBSAN_SUPPRESSIONS;
}

}  // extern "C"
