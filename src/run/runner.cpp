#include "runner.hpp"

#include "eei.hpp"
#include "engine_registry.hpp"
#include "errors.hpp"
#include "file_read.hpp"
#include "metering.hpp"
#include "module_check.hpp"
#include "module_facts.hpp"
#include "output_capture.hpp"
#include "vector_loader.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <set>

namespace scout {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

Bytes read_module_file(const ModuleRef& ref, const std::filesystem::path& vector_file)
{
    constexpr uintmax_t max_module_bytes = uintmax_t{64} << 20;
    Bytes bytes;
    try
    {
        bytes = read_regular_file(ref.resolved, max_module_bytes);
    }
    catch (const FileReadError& e)
    {
        using Kind = FileReadError::Kind;
        throw InputError(vector_file.string(), ref.line,
                         e.kind == Kind::cannot_open ? "cannot open " + ref.declared + " (" +
                                                           printable(ref.resolved.string()) + ")"
                         : e.kind == Kind::too_big ? ref.declared + ": module " + e.what()
                                                   : ref.declared + ": " + e.what());
    }
    if (bytes.empty())
        throw InputError(vector_file.string(), ref.line, ref.declared + ": file is empty");
    // Checked here, before any engine, so that every engine gives the same
    // message for the most common mistake: a file that is not wasm at all.
    static constexpr uint8_t magic[] = {0x00, 'a', 's', 'm'};
    if (bytes.size() < 8 || !std::equal(std::begin(magic), std::end(magic), bytes.begin()))
    {
        const bool looks_like_wat =
            std::string(bytes.begin(), bytes.end()).find("(module") != std::string::npos;
        throw InputError(
            vector_file.string(), ref.line,
            ref.declared + ": not a wasm binary (no \\0asm header)" +
                (looks_like_wat ? "; it looks like WAT text: compile it with wat2wasm" : ""));
    }
    return bytes;
}

/// --deterministic: floating point is not consensus-safe (Arwen forbids it).
void reject_floating_point(const Bytes& code, const ModuleRef& ref,
                           const std::filesystem::path& vector_file)
{
    const ModuleFacts facts = inspect_module(code);
    if (facts.float_use_count == 0)
        return;
    std::string first = facts.float_uses.empty() ? "" : facts.float_uses.front();
    const size_t more = facts.float_use_count - 1;
    throw InputError(vector_file.string(), ref.line,
                     ref.declared + ": uses floating point, rejected by --deterministic: " + first +
                         (more ? " (and " + std::to_string(more) + " more)" : ""));
}

bool imports_bignum(const ModuleInterface& module)
{
    for (const auto& imp : module.imports)
        if (const auto* f = find_host_function(imp.module, imp.field);
            f && std::string_view(f->module) == "bignum")
            return true;
    return false;
}

std::string origin_note(const ModuleRef& ref)
{
    switch (ref.origin)
    {
    case PathOrigin::vector_folder:
        return ref.declared + " -> " + printable(ref.resolved.string()) +
               " (relative to the vector's folder)";
    case PathOrigin::working_directory:
        return ref.declared + " -> " + printable(ref.resolved.string()) +
               " (relative to the current directory)";
    default:
        return ref.declared + " (absolute path)";
    }
}

/// A vector with its scripts loaded on one engine: what its blocks run on.
struct PreparedFile
{
    TestVector vector;
    std::vector<std::unique_ptr<LoadedScript>> scripts;
};

/// Reads the vector and loads its libraries, then its scripts, on `engine`
/// (metered first when the file is), filling the result's notes, metered,
/// not_run and uses_bignum. Throws InputError for anything that stops the file.
PreparedFile prepare_file(const std::filesystem::path& file, Engine& engine,
                          const RunOptions& options, FileResult& result)
{
    PreparedFile prepared;
    TestVector& vector = prepared.vector;
    vector = load_vector(file);
    result.notes = vector.warnings;
    result.metered = options.meter ||
                     std::any_of(vector.blocks.begin(), vector.blocks.end(),
                                 [](const ShardBlock& b) { return b.expected_gas.has_value(); });
    for (const auto& b : vector.blocks)
        if (b.data.size() > options.max_block_data)
            throw InputError(file.string(), b.line,
                             "block data is " + std::to_string(b.data.size()) +
                                 " bytes, more than the limit of " +
                                 std::to_string(options.max_block_data) + " (--max-block-data)");
    // Metering rewrites the module before any engine sees it.
    auto prepare = [&](const ModuleRef& ref) {
        Bytes code = read_module_file(ref, file);
        // A feature this engine lacks: not run here (docs/cli.md, "Several engines").
        if (const auto why = engine_cannot_run(engine.name(), feature_use(code)); !why.empty())
        {
            result.not_run = ref.declared + ": " + why;
            throw InputError(file.string(), ref.line,
                             ref.declared + ": not run on the " + std::string(engine.name()) +
                                 " engine: " + why);
        }
        if (options.deterministic)
            reject_floating_point(code, ref, file);
        if (!result.metered)
            return code;
        try
        {
            return meter_module(code, options.gas_table);
        }
        catch (const LoadError& e)
        {
            throw InputError(file.string(), ref.line, ref.declared + ": " + e.what());
        }
    };
    std::vector<LibraryCode> libraries;
    // What Binaryen prints while it reads a module (warnings about its name
    // section, ...) becomes a note (-v), once per file, never terminal text.
    std::set<std::string> printed;
    auto note_printed = [&](const OutputCapture& capture, const std::string& what) {
        for (const auto& line : capture.lines())
            if (printed.insert(line).second)
            {
                std::string note = what;
                note.append(": Binaryen printed: ").append(line);
                result.notes.push_back(std::move(note));
            }
    };
    for (const auto& lib : vector.libraries)
    {
        result.notes.push_back("library '" + lib.name + "' " + origin_note(lib.module));
        OutputCapture binaryen_output;
        libraries.push_back({lib.name, prepare(lib.module)});
        // Libraries compute with the field too (their bignum imports).
        result.uses_bignum =
            result.uses_bignum || imports_bignum(inspect_module(libraries.back().wasm).interface);
        note_printed(binaryen_output, "library '" + lib.name + "'");
    }
    for (const auto& ref : vector.scripts)
    {
        result.notes.push_back("script " + origin_note(ref));
        OutputCapture binaryen_output;
        const Bytes code = prepare(ref);
        try
        {
            prepared.scripts.push_back(engine.load(code, libraries));
            const auto& script = *prepared.scripts.back();
            result.notes.push_back("script " + ref.declared + ": " +
                                   check_script_exports(script.interface()).describe());
            for (const auto& note : script.load_notes())
                result.notes.push_back("script " + ref.declared + ": " + note);
            result.uses_bignum = result.uses_bignum || imports_bignum(script.interface());
        }
        catch (const LoadError& e)
        {
            throw InputError(file.string(), ref.line, ref.declared + ": " + e.what());
        }
        note_printed(binaryen_output, "script " + ref.declared);
    }
    return prepared;
}

/// What is left of a file's per-file budgets (RunOptions); each block spends
/// from them.
struct FileBudgets
{
    size_t debug_bytes_left = 0;
    size_t trace_records_left = 0;
};

/// Runs block `index` of the file on its script, from `pre_state`. A trap is
/// the block's result, never an exception. `ctx` keeps what the block pushed
/// (deposits, the post-state root) for the caller.
BlockResult run_block(const PreparedFile& prepared, size_t index, const Bytes32& pre_state,
                      const RunOptions& options, const FileResult& result, FileBudgets& budgets,
                      BlockContext& ctx)
{
    const ShardBlock& block = prepared.vector.blocks[index];
    ctx.pre_state = pre_state;
    ctx.block_data = &block.data;
    ctx.tick_budget = options.tick_budget;
    ctx.field = result.field;
    ctx.trace_host_calls = options.trace;
    ctx.gas_limit = options.gas_limit;
    ctx.max_deposits = options.max_deposits;
    ctx.deposit_layout = prepared.vector.deposit_layout;
    ctx.max_file_deposits = options.max_file_deposits;
    ctx.file_deposits_before = result.actual_deposits.size();
    ctx.debug_bytes_left = budgets.debug_bytes_left;
    ctx.trace_records_left = budgets.trace_records_left;

    BlockResult br;
    br.index = index;
    br.line = block.line;
    br.env = block.env;
    br.script = prepared.vector.scripts[block.env].declared;
    br.pre_state = ctx.pre_state;

    if (options.on_block_start)
        options.on_block_start(br, prepared.vector.blocks.size());
    const auto exec_start = Clock::now();
    try
    {
        prepared.scripts[block.env]->run(ctx);
    }
    catch (const Trap& t)
    {
        br.trap = TrapInfo{t.kind(), t.what()};
    }
    catch (const std::bad_alloc&)
    {
        br.trap = TrapInfo{TrapKind::resource, "out of memory in the engine"};
    }
    catch (const std::exception& e)
    {
        br.trap = TrapInfo{TrapKind::resource, std::string("engine error: ") + e.what()};
    }
    br.instantiate_seconds = ctx.instantiate_seconds;
    br.execute_seconds = std::max(0.0, seconds_since(exec_start) - ctx.instantiate_seconds);
    budgets.trace_records_left -= ctx.host_calls.size();  // (at most trace_records_left)
    budgets.debug_bytes_left = ctx.debug_bytes_left;
    br.host_calls = std::move(ctx.host_calls);
    br.host_calls_dropped = ctx.host_calls_dropped;
    br.post_state = ctx.post_state;
    br.post_state_saved = ctx.post_state_saved;
    br.deposits = ctx.deposits.size();
    br.ticks_used = ctx.ticks_used;
    if (result.metered)
        br.gas_used = ctx.gas_used;
    br.debug_output = std::move(ctx.debug_output);
    br.debug_dropped = ctx.debug_dropped;
    return br;
}

/// The file's verdict once its blocks ran: a trap fails it, then the roots,
/// the deposits and any pinned gas must match.
void judge(const TestVector& vector, const std::vector<Bytes32>& states, FileResult& result)
{
    result.expected_deposits = vector.deposits;
    result.deposit_layout = vector.deposit_layout;
    result.deposit_layout_declared = vector.deposit_layout_declared;
    result.uses_deposits = vector.deposits_declared || vector.deposit_layout_declared ||
                           std::any_of(result.blocks.begin(), result.blocks.end(),
                                       [](const BlockResult& b) { return b.deposits != 0; });
    if (result.trapped_block() != nullptr)
    {
        result.status = FileStatus::failed;
        return;
    }
    for (size_t env = 0; env < states.size(); ++env)
        if (states[env] != vector.post_states[env])
            result.root_mismatches.push_back(
                {static_cast<uint32_t>(env), vector.post_states[env], states[env]});
    result.deposits_match = result.actual_deposits == result.expected_deposits;
    result.status =
        result.root_mismatches.empty() && result.deposits_match && result.gas_mismatches.empty()
            ? FileStatus::passed
            : FileStatus::failed;
}

}  // namespace

FileResult run_vector_file(const std::filesystem::path& file, Engine& engine,
                           const RunOptions& options)
{
    FileResult result;
    result.file = file;

    PreparedFile prepared;
    const auto load_start = Clock::now();
    try
    {
        prepared = prepare_file(file, engine, options, result);
    }
    catch (const InputError& e)
    {
        result.status = FileStatus::error;
        result.error = e.located();
        return result;
    }
    catch (const std::bad_alloc&)  // a module whose declarations exhaust memory
    {
        result.status = FileStatus::error;
        result.error =
            InputError(file.string(), 0, "out of memory while loading the scripts").located();
        return result;
    }
    result.load_seconds = seconds_since(load_start);
    const TestVector& vector = prepared.vector;

    // The field of the bignum f1m_*/int_* functions: the vector's own key wins,
    // then --field, then the default.
    result.field = vector.field.value_or(options.field.value_or(FieldId::bn128));
    result.field_source = vector.field    ? "the vector's bignum_field"
                          : options.field ? "--field"
                                          : "the default";

    std::vector<Bytes32> states = vector.pre_states;
    result.blocks_total = vector.blocks.size();
    FileBudgets budgets{options.max_file_debug_bytes, options.max_file_trace_records};
    for (size_t i = 0; i < vector.blocks.size(); ++i)
    {
        const ShardBlock& block = vector.blocks[i];
        BlockContext ctx;
        BlockResult br = run_block(prepared, i, states[block.env], options, result, budgets, ctx);
        if (result.metered && block.expected_gas && *block.expected_gas != ctx.gas_used && !br.trap)
            result.gas_mismatches.push_back({i, block.line, *block.expected_gas, ctx.gas_used});
        const bool trapped = br.trap.has_value();
        if (options.on_block_end)
            options.on_block_end(br, trapped ? std::vector<Deposit>{} : ctx.deposits);
        states[block.env] = br.post_state;
        result.blocks.push_back(std::move(br));
        if (trapped)
            break;  // the env's state after a trapped block is undefined: stop the file
        result.actual_deposits.insert(result.actual_deposits.end(), ctx.deposits.begin(),
                                      ctx.deposits.end());
    }
    judge(vector, states, result);
    return result;
}

}  // namespace scout
