#pragma once
/// Shared by the fuzz targets: a property check that stops the fuzzer with a
/// readable message (libFuzzer then saves the input as a crash).

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <typeinfo>

#define FUZZ_CHECK(cond, ...)                                                                      \
    do                                                                                             \
    {                                                                                              \
        if (!(cond))                                                                               \
        {                                                                                          \
            std::fprintf(stderr, "FUZZ_CHECK failed at %s:%d: %s: ", __FILE__, __LINE__, #cond);   \
            std::fprintf(stderr, __VA_ARGS__);                                                     \
            std::fprintf(stderr, "\n");                                                            \
            std::abort();                                                                          \
        }                                                                                          \
    } while (0)

namespace scout_fuzz {

/// An exception the code under test must not throw: name it and abort, so that
/// the report says what it was (an uncaught exception would only say
/// "terminate called").
[[noreturn]] inline void unexpected_exception(const char* where, const std::exception& e)
{
    std::fprintf(stderr, "UNEXPECTED EXCEPTION in %s: %s: %s\n", where, typeid(e).name(), e.what());
    std::abort();
}

[[noreturn]] inline void unexpected_exception(const char* where)
{
    std::fprintf(stderr, "UNEXPECTED EXCEPTION in %s: not a std::exception\n", where);
    std::abort();
}

}  // namespace scout_fuzz
