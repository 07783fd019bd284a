#pragma once
/// The engine interface: how the runner loads a script and runs one block.
/// Engines are adapters (engines/binaryen/, ...); the EEI and the runner know
/// nothing of any engine's types.

#include "block_context.hpp"
#include "bytes.hpp"
#include "wasm_types.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace scout {

/// Limits every engine enforces the same way.
struct EngineLimits
{
    /// Largest linear memory a script may declare or grow to, in 64 KiB pages.
    uint32_t max_memory_pages = 1024;  // 64 MiB
    /// Deepest nesting of wasm calls (host calls included); every engine runs
    /// them on a native stack sized for it (docs/cli.md, "Call depth").
    uint32_t max_call_depth = default_call_depth;
    /// --max-call-depth's default and largest value.
    static constexpr uint32_t default_call_depth = 10'000;
    static constexpr uint32_t max_allowed_call_depth = 100'000;
    uint32_t binaryen_opt =
        0;  ///< --binaryen-opt: Binaryen's -O1..-O3 on each module before it runs; 0: off
};

/// A library module (beacon_state.libraries): scripts import its exports under
/// module name `name`. It is instantiated afresh for every block, before the
/// script, with its own imports bound to the EEI.
struct LibraryCode
{
    std::string name;
    Bytes wasm;
};

/// A script parsed, validated and bound to the EEI once; run once per block.
class LoadedScript
{
public:
    virtual ~LoadedScript() = default;

    /// The module's imports and exports.
    virtual const ModuleInterface& interface() const = 0;

    /// Instantiates the module afresh (start function included), binds the EEI
    /// to `block`, and calls `main`. A trap (engine or host) throws Trap; the
    /// outputs in `block` are what the script did before it.
    virtual void run(BlockContext& block) = 0;

    /// How the engine got the module ready, for `scout run -v` (the wasm2c
    /// engine: compiled, or found in its cache, and where); empty for most.
    virtual std::vector<std::string> load_notes() const { return {}; }
};

class Engine
{
public:
    virtual ~Engine() = default;

    /// The engine's name as given to --engine.
    virtual std::string_view name() const = 0;

    /// Parses and validates a script and its libraries, binds their imports
    /// (link_imports in eei.hpp) and checks the script's exports. Throws
    /// LoadError with a one-line reason (naming the library when it is one).
    virtual std::unique_ptr<LoadedScript> load(const Bytes& wasm,
                                               const std::vector<LibraryCode>& libraries = {}) = 0;
};

}  // namespace scout
