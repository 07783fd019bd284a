#pragma once
/// What one block's execution reads and writes through the EEI.

#include "bytes.hpp"
#include "field.hpp"
#include "memory_view.hpp"
#include "vector_model.hpp"
#include "wasm_types.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace scout {

/// One host call, as --trace shows it.
struct HostCallRecord
{
    std::string function;  ///< canonical "module.name"
    std::vector<ValType> param_types;
    std::vector<Value> args;
    std::optional<Value> result;
    ValType result_type = ValType::i32;
    std::vector<MemoryAccess> accesses;  ///< ranges read and written, in order
    std::string trap;                    ///< the trap message, if the call trapped
};

/// Per-block state shared by the runner, the EEI host functions and engines.
/// Inputs are set by the runner; outputs are filled by host functions.
struct BlockContext
{
    // Inputs.
    Bytes32 pre_state{};
    const Bytes* block_data = nullptr;
    uint64_t tick_budget = 10'000'000;  ///< ewasm/scout's per-block budget
    FieldId field = FieldId::bn128;     ///< field of the bignum f1m_*/int_* functions
    bool trace_host_calls = false;      ///< record every host call in host_calls
    uint64_t gas_limit = 0;             ///< per block, for metered modules (metering.useGas)
    size_t max_deposits = 1024;         ///< per block; each deposit is 184 bytes
    /// How eth2.pushNewDeposit reads a deposit's amount (the vector's deposit_layout).
    DepositLayout deposit_layout = DepositLayout::ewasm;
    /// What is left of the file's budgets (RunOptions' per-file limits): the
    /// runner sets them before each block from what earlier blocks used.
    size_t max_file_deposits = SIZE_MAX;   ///< deposits all of the file's blocks may push
    size_t file_deposits_before = 0;       ///< deposits the file's earlier blocks pushed
    size_t debug_bytes_left = SIZE_MAX;    ///< debug text the file may still keep
    size_t trace_records_left = SIZE_MAX;  ///< host calls --trace may still record

    // Outputs. A script that never calls savePostStateRoot leaves post_state at
    // 32 zero bytes, as ewasm/scout did (docs/vector-format.md).
    Bytes32 post_state{};
    bool post_state_saved = false;
    std::vector<Deposit> deposits;
    uint64_t ticks_used = 0;
    uint64_t gas_used = 0;                   ///< charged by metered code
    std::vector<std::string> debug_output;   ///< debug.* lines, in order
    size_t debug_dropped = 0;                ///< lines beyond max_debug_lines
    std::vector<HostCallRecord> host_calls;  ///< with trace_host_calls, in call order
    size_t host_calls_dropped = 0;           ///< calls not recorded: trace_records_left ran out
    double instantiate_seconds = 0;          ///< set by the engine

    /// At most this many debug lines are kept per block (a printing loop must
    /// not exhaust the harness's memory).
    static constexpr size_t max_debug_lines = 1000;

    void add_debug(std::string line)
    {
        if (debug_output.size() < max_debug_lines && line.size() <= debug_bytes_left)
        {
            debug_bytes_left -= line.size();
            debug_output.push_back(std::move(line));
        }
        else
            ++debug_dropped;
    }
};

}  // namespace scout
