#include "fuzz_fatal.hpp"

#include <cstdlib>
#include <sys/syscall.h>
#include <unistd.h>

namespace scout_fuzz {
std::atomic<bool> fatal_is_a_crash{false};
}

extern "C" void _Exit(int status) noexcept
{
    // Binaryen's Fatal() exits with 1; libFuzzer's own exits use other codes
    // (77 on a crash, 70 on a timeout, ...) and pass through.
    if (status == 1 && scout_fuzz::fatal_is_a_crash.exchange(false))
    {
        static const char message[] =
            "\n==scout-fuzz== _Exit(1) while scout handled the input: Binaryen's Fatal() "
            "(message above). Aborting so that libFuzzer saves the input and the stack shows the "
            "caller.\n";
        (void)!::write(2, message, sizeof message - 1);
        std::abort();
    }
    ::syscall(SYS_exit_group, status);
    __builtin_unreachable();
}
