#pragma once
/// Runs a vector file: loads its scripts once, runs its blocks in order on an
/// engine, and compares the resulting roots and deposits with the expected ones.

#include "engine.hpp"
#include "gas_table.hpp"
#include "trap.hpp"
#include "vector_model.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace scout {

struct BlockResult;

struct RunOptions
{
    uint64_t tick_budget = 10'000'000;  ///< per block, eth2.useTicks
    /// Field of the bignum f1m_*/int_* functions for vectors that do not name
    /// one (bignum_field); bn128 when unset.
    std::optional<FieldId> field;
    bool trace = false;  ///< record every host call (--trace)
    /// Meter every file (--meter, --gas-limit); a vector whose blocks expect
    /// gas is metered regardless.
    bool meter = false;
    GasTable gas_table = GasTable::defaults();
    uint64_t gas_limit = 10'000'000'000;  ///< per block
    /// Largest block data, in bytes (ewasm/scout's shard block body size).
    size_t max_block_data = size_t{1} << 20;  ///< phase 1's MAX_SHARD_BLOCK_SIZE (docs/cli.md)
    size_t max_deposits = 1024;               ///< per block
    /// Per file, whatever the number of blocks: a file's results are held
    /// whole (and sent whole by an isolated worker), so each kind of output
    /// has a cap on the file's total. Beyond it, debug lines and --trace
    /// records are dropped (counted, with a note), and a deposit is a
    /// `resource limit` trap (deposits are results, never silently dropped).
    size_t max_file_deposits = 65'536;               ///< 12 MiB of deposits
    size_t max_file_debug_bytes = size_t{16} << 20;  ///< 16 MiB of debug text
    size_t max_file_trace_records = 100'000;         ///< host calls --trace records
    /// Reject scripts and libraries that use floating point (--deterministic).
    bool deterministic = false;
    /// Called before each block runs, with the file's number of blocks (the
    /// isolated worker reports progress).
    std::function<void(const BlockResult& block, size_t blocks_total)> on_block_start;
    /// Called when a block has run, with the deposits it pushed (none for a
    /// trapped block): the isolated worker streams each block's result, so
    /// that no file's results travel as one message and a timeout keeps the
    /// blocks that finished.
    std::function<void(const BlockResult& block, const std::vector<Deposit>& deposits)>
        on_block_end;
};

/// A trap that ended a block.
struct TrapInfo
{
    TrapKind kind = TrapKind::wasm;
    std::string message;
};

/// What one block did.
struct BlockResult
{
    size_t index = 0;  ///< 0-based position in shard_blocks
    size_t line = 0;   ///< line of the block in the YAML file
    uint32_t env = 0;
    std::string script;  ///< the script path as written in the vector
    Bytes32 pre_state{};
    Bytes32 post_state{};
    bool post_state_saved = false;
    size_t deposits = 0;  ///< number of deposits the block pushed
    uint64_t ticks_used = 0;
    std::vector<std::string> debug_output;
    size_t debug_dropped = 0;
    std::optional<TrapInfo> trap;
    std::optional<uint64_t> gas_used;  ///< for metered runs
    double instantiate_seconds = 0;
    double execute_seconds = 0;  ///< main() only; instantiation (start included) is above
    std::vector<HostCallRecord> host_calls;  ///< with RunOptions::trace
    size_t host_calls_dropped = 0;           ///< calls past RunOptions::max_file_trace_records
};

struct GasMismatch
{
    size_t block = 0;
    size_t line = 0;
    uint64_t expected = 0;
    uint64_t actual = 0;
};

struct RootMismatch
{
    uint32_t env = 0;
    Bytes32 expected{};
    Bytes32 actual{};
};

enum class FileStatus
{
    passed,
    failed,  ///< ran, but a root, a deposit or a trap says no
    error,   ///< bad input: the vector or a script could not be loaded
};

/// What one engine of several (--engine a,b) made of a file.
struct EngineOutcome
{
    std::string engine;
    std::string verdict;  ///< "passed", "failed", "error" or "not run"
    std::string reason;   ///< why, for all but "passed"
};

/// The outcome of one vector file. (Its members are grouped for reading, not
/// packed: there is one per file.)
struct FileResult  // NOLINT(clang-analyzer-optin.performance.Padding)
{
    std::filesystem::path file;
    FileStatus status = FileStatus::error;
    std::string error;       ///< for FileStatus::error: "file:line: reason"
    std::string load_error;  ///< a failed run that never reached a block (crash, timeout)
    /// FileStatus::error because a script or library uses a wasm feature this
    /// engine does not implement (engine_cannot_run): why. Not run, rather
    /// than a fault of the vector.
    std::string not_run;
    /// With several engines: each one's verdict, in --engine order.
    std::vector<EngineOutcome> engines;
    std::vector<std::string> notes;   ///< warnings and path resolution, for -v
    std::vector<BlockResult> blocks;  ///< blocks that ran, in order
    size_t blocks_total = 0;
    std::vector<RootMismatch> root_mismatches;
    std::vector<GasMismatch> gas_mismatches;
    /// With several engines (--engine a,b): where they disagreed, one line each.
    std::vector<std::string> disagreements;
    bool metered = false;
    std::vector<Deposit> expected_deposits;
    std::vector<Deposit> actual_deposits;
    bool deposits_match = true;
    double load_seconds = 0;
    FieldId field = FieldId::bn128;  ///< the field the bignum functions used
    std::string field_source;        ///< "the vector's bignum_field", "--field", "the default"
    bool uses_bignum = false;        ///< whether any script imports module bignum
    /// How pushed deposits' amounts were read: the vector's deposit_layout, or
    /// the default (ewasm/scout's big-endian).
    DepositLayout deposit_layout = DepositLayout::ewasm;
    bool deposit_layout_declared = false;  ///< from the vector's key
    /// The vector has deposit_receipts or deposit_layout, or a block pushed a
    /// deposit: the report names the layout.
    bool uses_deposits = false;

    /// The block whose trap ended the run, if any.
    const BlockResult* trapped_block() const
    {
        return !blocks.empty() && blocks.back().trap ? &blocks.back() : nullptr;
    }
};

/// Runs one vector file. Never throws for bad input or traps: they are part of
/// the result.
FileResult run_vector_file(const std::filesystem::path& file, Engine& engine,
                           const RunOptions& options);

}  // namespace scout
