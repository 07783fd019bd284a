/// scout_faulty: the scout program (scout_main) with faults injected into its
/// engines, for the tests that must see a broken engine caught or a crashed
/// worker handled. Built with the tests only (SCOUT_BUILD_TESTS), never part of
/// scout: the scout executable has no fault injection and reads no SCOUT_FAULT.
///
/// SCOUT_FAULT chooses the fault; unset or empty, this is scout as it is.
///
///   break-roots:ENGINE  after ENGINE runs a block, one bit of the post-state
///                       root the block saved is flipped (trapped or not), as
///                       a buggy engine or host would: the runner takes that
///                       root as the block's result, so a differential run
///                       (--engine all, a list) must show ENGINE disagreeing.
///   segv, abort         the process raises SIGSEGV or SIGABRT when its first
///                       block (block 0 of the first file with blocks) starts,
///                       after scout announced it and before the engine runs
///                       it. Isolated (the default) that process is a
///                       `scout worker`, started through /proc/self/exe (this
///                       program) with scout's environment: isolation must
///                       report that file's block 0 as crashed, and go on.
///
/// The faults are an engine decorator (engine_registry.hpp's
/// set_engine_decorator), so they reach every engine make_engine makes: each
/// of `--engine all` or a list, in scout and in its workers.

#include "engine.hpp"
#include "engine_registry.hpp"
#include "scout_main.hpp"

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

struct Fault
{
    /// break-roots: the engine whose roots are flipped; empty for a signal.
    std::string broken_engine;
    /// segv, abort: the signal raised when the first block starts; 0 for none.
    int signal = 0;
};

/// SCOUT_FAULT's value as a Fault; nothing when it is none of the above.
std::optional<Fault> parse_fault(std::string_view text)
{
    if (text == "segv")
        return Fault{{}, SIGSEGV};
    if (text == "abort")
        return Fault{{}, SIGABRT};
    constexpr std::string_view break_roots = "break-roots:";
    if (text.substr(0, break_roots.size()) == break_roots)
    {
        const std::string engine(text.substr(break_roots.size()));
        for (const auto& name : scout::engine_names())
            if (name == engine)
                return Fault{engine, 0};
    }
    return std::nullopt;
}

/// Whether this process has started a block yet (the signal faults).
std::atomic<bool> first_block_started{false};

/// A loaded script that runs the wrapped one with the fault.
class FaultyScript final : public scout::LoadedScript
{
public:
    FaultyScript(std::unique_ptr<scout::LoadedScript> script, const Fault& fault)
      : script_(std::move(script))
      , fault_(fault)
    {}

    const scout::ModuleInterface& interface() const override { return script_->interface(); }

    std::vector<std::string> load_notes() const override { return script_->load_notes(); }

    void run(scout::BlockContext& block) override
    {
        if (fault_.signal != 0)
        {
            if (!first_block_started.exchange(true))
                std::raise(fault_.signal);
            script_->run(block);
            return;
        }
        try
        {
            script_->run(block);
        }
        catch (...)  // a trap: the root it saved before is flipped all the same
        {
            flip(block);
            throw;
        }
        flip(block);
    }

private:
    static void flip(scout::BlockContext& block) { block.post_state[0] ^= 1; }

    std::unique_ptr<scout::LoadedScript> script_;
    Fault fault_;
};

/// An engine whose scripts are FaultyScripts; its name is the wrapped engine's.
class FaultyEngine final : public scout::Engine
{
public:
    FaultyEngine(std::unique_ptr<scout::Engine> engine, Fault fault)
      : engine_(std::move(engine))
      , fault_(std::move(fault))
    {}

    std::string_view name() const override { return engine_->name(); }

    std::unique_ptr<scout::LoadedScript>
    load(const scout::Bytes& wasm, const std::vector<scout::LibraryCode>& libraries) override
    {
        return std::make_unique<FaultyScript>(engine_->load(wasm, libraries), fault_);
    }

private:
    std::unique_ptr<scout::Engine> engine_;
    Fault fault_;
};

}  // namespace

int main(int argc, char** argv)
{
    const char* text = std::getenv("SCOUT_FAULT");
    if (text != nullptr && *text != '\0')
    {
        const auto fault = parse_fault(text);
        if (!fault)
        {
            std::cerr << "scout_faulty: SCOUT_FAULT='" << text
                      << "' is none of break-roots:ENGINE (an engine's name), segv, abort\n";
            return 2;
        }
        scout::set_engine_decorator(
            [f = *fault](std::unique_ptr<scout::Engine> engine) -> std::unique_ptr<scout::Engine> {
                if (!f.broken_engine.empty() && engine->name() != f.broken_engine)
                    return engine;
                return std::make_unique<FaultyEngine>(std::move(engine), f);
            });
    }
    return scout::scout_main(argc, argv);
}
