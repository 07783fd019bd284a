#pragma once
/// Running a function on a thread with a stack of a chosen size.

#include <cstddef>
#include <functional>

namespace scout {

/// Runs `fn` on a new thread with a stack of `stack_bytes` and waits for it.
/// An exception thrown by `fn` is rethrown in the caller. (std::thread cannot
/// set a stack size, hence POSIX threads.) Throws std::runtime_error when the
/// thread cannot be created.
void run_on_large_stack(size_t stack_bytes, const std::function<void()>& fn);

}  // namespace scout
