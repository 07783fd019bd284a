/// Adapter: Binaryen 108's interpreter behind scout's Engine interface
/// (binaryen_engine.hpp): a script and its libraries parsed, validated,
/// optimized and bound once (ParsedModule, BinaryenScript), each block run on
/// fresh instances of ScoutRunner (scout_runner.hpp) with a BlockHost
/// (block_host.hpp). Binaryen's types stay in src/engines/binaryen/.

#include "binaryen_engine.hpp"

#include "binaryen_support.hpp"
#include "block_host.hpp"
#include "depth_analysis.hpp"
#include "describe.hpp"
#include "eei.hpp"
#include "errors.hpp"
#include "large_stack.hpp"
#include "link_plan.hpp"
#include "module_code.hpp"
#include "optimize.hpp"
#include "scout_runner.hpp"

#include <ir/module-utils.h>
#include <wasm.h>

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#ifndef SCOUT_BINARYEN_VERSION
#define SCOUT_BINARYEN_VERSION "unknown"
#endif

namespace scout::binaryen {
namespace {

/// A module parsed, validated and described once.
struct ParsedModule
{
    /// The module that runs: as parsed, or as optimized (--binaryen-opt).
    wasm::Module& module() { return *module_; }
    ModuleInterface interface;
    Bindings bindings;
    ModuleCode code;   ///< built by bind()
    wasm::Name start;  ///< moved out of `module`: ScoutRunner::start runs it
    /// The imported functions, in import order, as parsed (optimization may
    /// remove unused ones; the interface and the binding follow the original).
    std::vector<wasm::Name> function_imports;
    /// stack_levels() of the module; nullopt: its calls can recurse.
    std::optional<uint64_t> levels;
    size_t frame_reserve = 0;  ///< native_frame_reserve() of the module

    ParsedModule(const Bytes& wasm_bytes, uint64_t max_memory_bytes, uint32_t max_pages,
                 uint32_t opt_level)
    {
        wasm::Module& module = *module_;
        binaryen::parse(wasm_bytes, module);
        if (const auto error = binaryen::validation_errors(module); !error.empty())
            throw LoadError("wasm validation failed: " + error);
        if (module.memory.exists && !module.memory.imported() &&
            module.memory.initial * page_size > max_memory_bytes)
            throw LoadError("memory declares " + std::to_string(module.memory.initial) +
                            " initial pages, more than the limit of " + std::to_string(max_pages));
        interface = describe(module);
        wasm::ModuleUtils::iterImportedFunctions(
            module, [&](wasm::Function* f) { function_imports.push_back(f->name); });
        if (opt_level > 0 && optimizable(module))
        {
            // (While the start function is a root, so the optimizer keeps it.)
            auto optimized = std::make_unique<wasm::Module>();
            binaryen::parse(wasm_bytes, *optimized);
            optimize(*optimized, opt_level);
            if (optimizable(*optimized))
                module_ = std::move(optimized);
        }
        start = module_->start;
        module_->start = wasm::Name();
        levels = stack_levels(*module_);
        frame_reserve = native_frame_reserve(*module_);
    }

    /// Records how each imported function is bound (in import order, as
    /// describe() lists them).
    void bind(const std::vector<ImportBinding>& bound)
    {
        for (size_t i = 0; i < function_imports.size(); ++i)
            if (auto* f = module_->getFunctionOrNull(function_imports[i]))
                bindings[f] = bound[i];
        code = ModuleCode(*module_, bindings);
    }

private:
    std::unique_ptr<wasm::Module> module_ = std::make_unique<wasm::Module>();
};

class BinaryenScript final : public LoadedScript
{
public:
    BinaryenScript(const Bytes& wasm_bytes, const std::vector<LibraryCode>& libraries,
                   const EngineLimits& limits, std::shared_ptr<StackThread> thread)
      : thread_(std::move(thread))
      , max_memory_bytes_(uint64_t{limits.max_memory_pages} * page_size)
      , max_call_depth_(limits.max_call_depth)
    {
        auto plan = plan_links<ParsedModule>(wasm_bytes, libraries, [&](const Bytes& bytes) {
            return std::make_unique<ParsedModule>(bytes, max_memory_bytes_, limits.max_memory_pages,
                                                  limits.binaryen_opt);
        });
        for (auto& lib : plan.libraries)
        {
            lib.parsed->bind(lib.bindings);
            libraries_.push_back({wasm::Name(lib.name.c_str()), std::move(lib.parsed)});
        }
        script_ = std::move(plan.script.parsed);
        script_->bind(plan.script.bindings);
        main_params_ = plan.main.params;
        // The native stack a block can need: the script's deepest chain, plus
        // a library's (a script's call into a library runs on the same stack),
        // plus a megabyte for host functions and the harness's own frames.
        std::optional<uint64_t> levels = script_->levels;
        for (const auto& lib : libraries_)
            levels = levels && lib.parsed->levels ? std::optional(*levels + *lib.parsed->levels)
                                                  : std::nullopt;
        if (inline_blocks && levels && *levels < max_interpreter_depth)
            stack_bytes_ = *levels * native_bytes_per_level + (size_t{1} << 20);
    }

    const ModuleInterface& interface() const override { return script_->interface; }

    /// Runs the block on the calling thread when its stack is known to be
    /// deep enough for anything the module can do; else on the engine's
    /// StackThread (recursion: up to Binaryen's 100,000 levels).
    void run(BlockContext& block) override
    {
        if (stack_bytes_ != 0 && stack_bytes_ <= native_stack_left())
            run_block(block);
        else
            thread_->run([&] { run_block(block); });
    }

private:
    void run_block(BlockContext& block)
    {
        // Libraries first, each a fresh instance with its own host; then the
        // script, linked to them.
        const auto start = std::chrono::steady_clock::now();
        std::vector<std::unique_ptr<BlockHost>> library_hosts;
        LinkedInstances linked;
        for (auto& lib : libraries_)
        {
            library_hosts.push_back(
                std::make_unique<BlockHost>(block, lib.parsed->bindings, max_memory_bytes_));
            auto runner = std::make_shared<ScoutRunner>(
                lib.parsed->module(), lib.parsed->code, library_hosts.back().get(),
                LinkedInstances{}, max_call_depth_, lib.parsed->frame_reserve);
            runner->start(lib.parsed->start);
            linked[lib.name] = std::move(runner);
        }
        BlockHost* memory_owner = nullptr;
        if (script_->module().memory.imported())
            for (size_t i = 0; i < libraries_.size(); ++i)
                if (libraries_[i].name == script_->module().memory.module)
                    memory_owner = library_hosts[i].get();
        BlockHost host(block, script_->bindings, max_memory_bytes_, &linked, memory_owner);
        // The constructor instantiates: globals, tables, data segments, start.
        ScoutRunner instance(script_->module(), script_->code, &host, linked, max_call_depth_,
                             script_->frame_reserve);
        instance.start(script_->start);
        block.instantiate_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        wasm::Literals zeros;
        for (size_t i = 0; i < main_params_; ++i)
            zeros.push_back(wasm::Literal(int32_t{0}));
        instance.callExport(wasm::Name("main"), zeros);
    }

    struct Library
    {
        wasm::Name name;
        std::unique_ptr<ParsedModule> parsed;
    };
    size_t main_params_ = 0;  ///< MainEntry::params: main's arguments, all zero
    std::shared_ptr<StackThread> thread_;
    size_t stack_bytes_ = 0;  ///< stack a block can need at most; 0: unbounded
    uint64_t max_memory_bytes_;
    uint32_t max_call_depth_;
    std::vector<Library> libraries_;
    std::unique_ptr<ParsedModule> script_;
};

class BinaryenEngine final : public Engine
{
public:
    explicit BinaryenEngine(const EngineLimits& limits)
      : limits_(limits)
    {}
    std::string_view name() const override { return "binaryen"; }
    std::unique_ptr<LoadedScript> load(const Bytes& wasm,
                                       const std::vector<LibraryCode>& libraries) override
    {
        return std::make_unique<BinaryenScript>(wasm, libraries, limits_, thread_);
    }

private:
    EngineLimits limits_;
    /// Runs the blocks of every script loaded whose depth the calling thread's
    /// stack cannot be shown to hold.
    std::shared_ptr<StackThread> thread_ =
        std::make_shared<StackThread>(interpreter_stack_bytes(limits_.max_call_depth));
};

}  // namespace
}  // namespace scout::binaryen

namespace scout {

std::unique_ptr<Engine> make_binaryen_engine(const EngineLimits& limits)
{
    return std::make_unique<binaryen::BinaryenEngine>(limits);
}

const char* binaryen_version()
{
    return SCOUT_BINARYEN_VERSION;
}

}  // namespace scout
