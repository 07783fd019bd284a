#pragma once
/// A trap ends one block's execution; it is a test result, never a crash.

#include <stdexcept>
#include <string>

namespace scout {

enum class TrapKind
{
    wasm,          ///< the engine trapped (unreachable, out-of-bounds, div by zero, ...)
    host,          ///< a host function refused (bad pointer, bad length, ...)
    out_of_ticks,  ///< eth2.useTicks exceeded the block's budget
    out_of_gas,    ///< metered code exceeded the block's gas limit
    resource,      ///< a limit of the harness (memory, call depth)
    timeout,       ///< the block ran past its wall-clock limit (isolated runs)
    crashed,       ///< the worker process running the block died (isolated runs)
    interrupted,   ///< scout itself was stopped (SIGTERM, SIGINT) while the block ran
};

const char* to_string(TrapKind kind);

/// Thrown by host functions and engines; caught by the engine adapter and
/// turned into the block's outcome.
class Trap : public std::runtime_error
{
public:
    Trap(TrapKind kind, const std::string& message)
      : std::runtime_error(message)
      , kind_(kind)
    {}
    TrapKind kind() const noexcept { return kind_; }

private:
    TrapKind kind_;
};

}  // namespace scout
