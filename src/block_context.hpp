#pragma once
/// What one block's execution reads and writes through the EEI.

#include "bytes.hpp"
#include "field.hpp"
#include "vector_model.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace scout {

/// Per-block state shared by the runner, the EEI host functions and engines.
/// Inputs are set by the runner; outputs are filled by host functions.
struct BlockContext
{
    // Inputs.
    Bytes32 pre_state{};
    const Bytes* block_data = nullptr;
    uint64_t tick_budget = 10'000'000;  ///< ewasm/scout's per-block budget
    FieldId field = FieldId::bn128;     ///< field of the bignum f1m_*/int_* functions

    // Outputs. A script that never calls savePostStateRoot leaves post_state at
    // 32 zero bytes, as ewasm/scout did (docs/vector-format.md).
    Bytes32 post_state{};
    bool post_state_saved = false;
    std::vector<Deposit> deposits;
    uint64_t ticks_used = 0;
    std::vector<std::string> debug_output;  ///< debug.* lines, in order
    size_t debug_dropped = 0;               ///< lines beyond max_debug_lines

    /// At most this many debug lines are kept per block (a printing loop must
    /// not exhaust the harness's memory).
    static constexpr size_t max_debug_lines = 1000;

    void add_debug(std::string line)
    {
        if (debug_output.size() < max_debug_lines)
            debug_output.push_back(std::move(line));
        else
            ++debug_dropped;
    }
};

}  // namespace scout
