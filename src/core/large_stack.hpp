#pragma once
/// Native stacks for running wasm: threads with a stack of a chosen size, and
/// how much of the current thread's stack is left.
///
/// The engines recurse natively once per wasm call (and, in the Binaryen
/// interpreter, per nested expression), so a script that nests calls
/// --max-call-depth deep needs a stack sized for that depth. Such stacks are
/// reserved with mmap(MAP_NORESERVE): address space only, committed page by
/// page as a run touches them, so a stack sized for 100,000 nested calls costs
/// nothing until a script recurses that deep. A guard page below each stack
/// turns an overrun into a fault instead of silent corruption; the engines
/// check native_stack_left() and trap long before it.

#include <cstddef>
#include <functional>
#include <memory>

namespace scout {

/// Runs `fn` on a new thread with a stack of `stack_bytes` and waits for it.
/// An exception thrown by `fn` is rethrown in the caller. (std::thread cannot
/// set a stack size, hence POSIX threads.) Throws std::runtime_error when the
/// thread cannot be created.
void run_on_large_stack(size_t stack_bytes, const std::function<void()>& fn);

/// Bytes of stack left to the calling thread below the caller's frame (0 when
/// unknown).
size_t native_stack_left();

/// A thread with a large stack that runs jobs one at a time, for as long as
/// it lives (run_on_large_stack makes a new thread per call; creating and
/// tearing down a thread per block cost more than running a small block).
/// The thread starts with the first run().
class StackThread
{
public:
    explicit StackThread(size_t stack_bytes);
    ~StackThread();
    StackThread(const StackThread&) = delete;
    StackThread& operator=(const StackThread&) = delete;

    /// Runs `fn` on the thread and waits for it; rethrows what it throws.
    /// Throws std::runtime_error when the thread cannot be started.
    void run(const std::function<void()>& fn);

    size_t stack_bytes() const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace scout
