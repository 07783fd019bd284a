/// libFuzzer target: the input is a wasm module; scout loads it with the
/// Binaryen engine and, when it loads, runs it as one block (docs/fuzzing.md).
///
/// What may happen: Engine::load throws LoadError; LoadedScript::run throws
/// Trap. Anything else is a finding: another exception, a crash, a sanitizer
/// report, a hang, an exit (Binaryen's Fatal(): fuzz_fatal.hpp). Except: an
/// input on which Binaryen's own parser or validator ends the process (an
/// assert kept in Debian's libbinaryen.so, Fatal()) is skipped and saved for
/// the report, since scout cannot prevent it (binaryen_probe.hpp).
///
/// Every input also goes through Engine::inspect (scout inspect,
/// --deterministic), which must not throw and must agree with load on whether
/// the module is valid wasm.
///
/// Running arbitrary code needs a bound: a loop without eth2.useTicks runs
/// forever (the product stops it with the worker's wall-clock --timeout). So
/// the module is first metered (meter_module, as --meter does) and the metered
/// copy runs with a small gas limit; only when that run ended by itself (no
/// out-of-gas or resource trap) does the unmetered module run too, which then
/// terminates as well (same control flow, fewer host calls). Both runs must end
/// the same way: same post-state root, deposits, ticks, debug output and trap.
/// A difference is a metering bug.

#include "binaryen_probe.hpp"
#include "block_context.hpp"
#include "engine.hpp"
#include "engine_registry.hpp"
#include "errors.hpp"
#include "fuzz_check.hpp"
#include "fuzz_fatal.hpp"
#include "hex.hpp"
#include "metering.hpp"
#include "module_facts.hpp"
#include "trap.hpp"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

namespace {

using scout::Bytes;
using scout::TrapKind;

constexpr uint32_t max_memory_pages = 16;  // 1 MiB
constexpr uint64_t tick_budget = 10'000;
constexpr uint64_t gas_limit = 100'000;

struct Outcome
{
    scout::BlockContext ctx;
    std::optional<TrapKind> trap;
    std::string trap_message;
};

const Bytes& block_data()
{
    static const Bytes data = [] {
        Bytes d(40);
        for (size_t i = 0; i < d.size(); ++i)
            d[i] = static_cast<uint8_t>(0xa0 + i);
        return d;
    }();
    return data;
}

Outcome run(scout::LoadedScript& script, const char* which)
{
    Outcome o;
    for (size_t i = 0; i < o.ctx.pre_state.size(); ++i)
        o.ctx.pre_state[i] = static_cast<uint8_t>(i);
    o.ctx.block_data = &block_data();
    o.ctx.tick_budget = tick_budget;
    o.ctx.gas_limit = gas_limit;
    try
    {
        script.run(o.ctx);
    }
    catch (const scout::Trap& t)
    {
        o.trap = t.kind();
        o.trap_message = t.what();
        FUZZ_CHECK(!o.trap_message.empty(), "%s run: trap without a message", which);
    }
    catch (const std::exception& e)
    {
        scout_fuzz::unexpected_exception(which, e);
    }
    catch (...)
    {
        scout_fuzz::unexpected_exception(which);
    }
    FUZZ_CHECK(o.ctx.ticks_used <= tick_budget || o.trap == TrapKind::out_of_ticks,
               "%s run: %llu ticks used of %llu without a trap", which,
               static_cast<unsigned long long>(o.ctx.ticks_used),
               static_cast<unsigned long long>(tick_budget));
    FUZZ_CHECK(o.ctx.debug_output.size() <= scout::BlockContext::max_debug_lines,
               "%s run: %zu debug lines", which, o.ctx.debug_output.size());
    FUZZ_CHECK(o.ctx.post_state_saved || o.ctx.post_state == scout::Bytes32{},
               "%s run: a root without savePostStateRoot", which);
    return o;
}

std::unique_ptr<scout::LoadedScript> load(scout::Engine& engine, const Bytes& wasm,
                                          const char* which, std::string* load_error)
{
    try
    {
        return engine.load(wasm);
    }
    catch (const scout::LoadError& e)
    {
        *load_error = e.what();
        FUZZ_CHECK(!load_error->empty(), "%s: LoadError without a message", which);
        return nullptr;
    }
    catch (const std::exception& e)
    {
        scout_fuzz::unexpected_exception(which, e);
    }
    catch (...)
    {
        scout_fuzz::unexpected_exception(which);
    }
}

const char* kind_name(const std::optional<TrapKind>& k)
{
    return k ? scout::to_string(*k) : "none";
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    scout_fuzz::probe_init();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const std::unique_ptr<scout::Engine> engine = [] {
        scout::EngineLimits limits;
        limits.max_memory_pages = max_memory_pages;
        return scout::make_engine("binaryen", limits);
    }();
    const Bytes wasm(data, data + size);
    // Inputs on which Binaryen's parser or validator ends the process
    // (binaryen_probe.hpp): counted, saved, kept out of the corpus (-1).
    std::string binaryen_message;
    if (scout_fuzz::probe_binaryen(wasm, &binaryen_message) ==
        scout_fuzz::ProbeResult::binaryen_exit)
        return -1;
    const scout_fuzz::FatalGuard fatal_guard;

    // scout inspect: never throws; says whether the module is valid.
    scout::ModuleFacts facts;
    try
    {
        facts = scout::inspect_module(wasm);
    }
    catch (const std::exception& e)
    {
        scout_fuzz::unexpected_exception("inspect", e);
    }
    catch (...)
    {
        scout_fuzz::unexpected_exception("inspect");
    }

    std::string load_error;
    const auto script = load(*engine, wasm, "load", &load_error);
    if (!script)
        return 0;
    FUZZ_CHECK(facts.error.empty(), "load accepts a module inspect rejects: %s",
               facts.error.c_str());

    // The metered copy: a module that loads must meter, and load again.
    Bytes metered;
    try
    {
        metered = scout::meter_module(wasm, scout::GasTable::defaults());
    }
    catch (const scout::LoadError& e)
    {
        FUZZ_CHECK(false, "meter_module rejects a module that loads: %s", e.what());
    }
    catch (const std::exception& e)
    {
        scout_fuzz::unexpected_exception("meter_module", e);
    }
    const auto metered_script = load(*engine, metered, "load metered", &load_error);
    FUZZ_CHECK(metered_script, "the metered module does not load: %s", load_error.c_str());

    const Outcome m = run(*metered_script, "metered");
    FUZZ_CHECK(m.ctx.gas_used <= gas_limit || m.trap == TrapKind::out_of_gas,
               "gas %llu over the limit without a trap",
               static_cast<unsigned long long>(m.ctx.gas_used));
    if (m.trap == TrapKind::out_of_gas || m.trap == TrapKind::resource)
        return 0;

    // It ended by itself: the plain module ends the same way.
    const Outcome p = run(*script, "plain");
    FUZZ_CHECK(p.trap == m.trap && p.trap_message == m.trap_message,
               "trap differs: plain %s '%s', metered %s '%s'", kind_name(p.trap),
               p.trap_message.c_str(), kind_name(m.trap), m.trap_message.c_str());
    FUZZ_CHECK(p.ctx.post_state == m.ctx.post_state &&
                   p.ctx.post_state_saved == m.ctx.post_state_saved,
               "post-state differs: plain %s, metered %s", scout::to_hex(p.ctx.post_state).c_str(),
               scout::to_hex(m.ctx.post_state).c_str());
    FUZZ_CHECK(p.ctx.deposits == m.ctx.deposits, "deposits differ: plain %zu, metered %zu",
               p.ctx.deposits.size(), m.ctx.deposits.size());
    FUZZ_CHECK(p.ctx.ticks_used == m.ctx.ticks_used, "ticks differ: plain %llu, metered %llu",
               static_cast<unsigned long long>(p.ctx.ticks_used),
               static_cast<unsigned long long>(m.ctx.ticks_used));
    FUZZ_CHECK(p.ctx.debug_output == m.ctx.debug_output &&
                   p.ctx.debug_dropped == m.ctx.debug_dropped,
               "debug output differs: plain %zu lines, metered %zu", p.ctx.debug_output.size(),
               m.ctx.debug_output.size());
    return 0;
}
