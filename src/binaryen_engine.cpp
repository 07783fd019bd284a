/// Adapter: Binaryen 108's interpreter behind scout's Engine interface.
/// Binaryen's types stay in this file.

#include "binaryen_engine.hpp"

#include "eei.hpp"
#include "binaryen_support.hpp"
#include "errors.hpp"
#include "large_stack.hpp"
#include "trap.hpp"

#include <ir/iteration.h>
#include <ir/module-utils.h>
#include <wasm-traversal.h>
#include <wasm-binary.h>
#include <wasm-interpreter.h>
#include <wasm-validator.h>
#include <wasm.h>

#include <chrono>
#include <cstring>
#include <iostream>
#include <mutex>
#include <sstream>
#include <unordered_map>

#ifndef SCOUT_BINARYEN_VERSION
#define SCOUT_BINARYEN_VERSION "unknown"
#endif

namespace scout {
namespace {

constexpr uint64_t page_size = wasm::Memory::kPageSize;

ValType val_type(wasm::Type t)
{
    if (t == wasm::Type::i32)
        return ValType::i32;
    if (t == wasm::Type::i64)
        return ValType::i64;
    if (t == wasm::Type::f32)
        return ValType::f32;
    if (t == wasm::Type::f64)
        return ValType::f64;
    return ValType::other;
}

FuncType func_type(wasm::Function& f)  // Binaryen's getters are not const
{
    FuncType type;
    for (const auto& t : f.getParams())
        type.params.push_back(val_type(t));
    for (const auto& t : f.getResults())
        type.results.push_back(val_type(t));
    return type;
}

ModuleInterface describe(wasm::Module& module)
{
    ModuleInterface iface;
    auto add_import = [&](wasm::Importable* imp, ExternKind kind) {
        iface.imports.push_back({imp->module.str, imp->base.str, kind, {}});
    };
    wasm::ModuleUtils::iterImportedFunctions(module, [&](wasm::Function* f) {
        add_import(f, ExternKind::function);
        iface.imports.back().type = func_type(*f);
    });
    if (module.memory.exists && module.memory.imported())
        add_import(&module.memory, ExternKind::memory);
    wasm::ModuleUtils::iterImportedTables(module,
                                          [&](wasm::Table* t) { add_import(t, ExternKind::table); });
    wasm::ModuleUtils::iterImportedGlobals(
        module, [&](wasm::Global* g) { add_import(g, ExternKind::global); });
    wasm::ModuleUtils::iterImportedTags(module,
                                        [&](wasm::Tag* t) { add_import(t, ExternKind::tag); });

    for (const auto& e : module.exports)
    {
        ExportDesc d{e->name.str, ExternKind::function, {}};
        switch (e->kind)
        {
        case wasm::ExternalKind::Function:
            d.type = func_type(*module.getFunction(e->value));
            break;
        case wasm::ExternalKind::Table:
            d.kind = ExternKind::table;
            break;
        case wasm::ExternalKind::Memory:
            d.kind = ExternKind::memory;
            break;
        case wasm::ExternalKind::Global:
            d.kind = ExternKind::global;
            break;
        default:
            d.kind = ExternKind::tag;
            break;
        }
        iface.exports.push_back(std::move(d));
    }
    return iface;
}

/// Binaryen's interpreter recurses natively once per nested expression (and
/// per call). Its expression-depth limit is off in wasm::ModuleRunner, so a
/// deeply nested but valid function could overflow the C++ stack. ScoutRunner
/// is ModuleRunner with that limit on, and runs on a thread whose stack fits it
/// (run_on_large_stack): measured here, a nesting level takes about 550 bytes
/// of stack, so 100,000 levels need about 55 MB of the 256 MB given.
constexpr wasm::Index max_interpreter_depth = 100'000;
constexpr size_t interpreter_stack_bytes = size_t{256} << 20;

class ScoutRunner : public wasm::ModuleRunnerBase<ScoutRunner>
{
public:
    ScoutRunner(wasm::Module& module, ExternalInterface* host,
                std::map<wasm::Name, std::shared_ptr<ScoutRunner>> linked, uint32_t max_call_depth)
      : ModuleRunnerBase(module, host, std::move(linked)), max_call_depth_(max_call_depth)
    {}

    // Calls nest no deeper than --max-call-depth. (Binaryen's own limit of 250
    // is fixed; this one can only be lower.) The visitor dispatches to these
    // through the derived type, so they wrap every call.
    wasm::Flow visitCall(wasm::Call* curr)
    {
        const CallDepth guard(*this);
        return ModuleRunnerBase::visitCall(curr);
    }
    wasm::Flow visitCallIndirect(wasm::CallIndirect* curr)
    {
        const CallDepth guard(*this);
        return ModuleRunnerBase::visitCallIndirect(curr);
    }
    wasm::Flow visitCallRef(wasm::CallRef* curr)
    {
        const CallDepth guard(*this);
        return ModuleRunnerBase::visitCallRef(curr);
    }

    /// Runs the start function, with the depth limit on. ParsedModule moves the
    /// start function out of the module, so that the base constructor (which
    /// runs it before a derived class can set anything) does not.
    void start(wasm::Name start_function)
    {
        ExpressionRunner<ScoutRunner>::maxDepth = max_interpreter_depth;
        if (start_function.is())
            callFunction(start_function, {});
    }

private:
    struct CallDepth
    {
        explicit CallDepth(ScoutRunner& r) : runner(r)
        {
            if (++runner.call_depth_ > runner.max_call_depth_)
            {
                --runner.call_depth_;
                throw Trap(TrapKind::resource,
                           "call stack exhausted: more than " + std::to_string(runner.max_call_depth_) +
                               " nested calls (--max-call-depth)");
            }
        }
        ~CallDepth() { --runner.call_depth_; }
        ScoutRunner& runner;
    };

    uint32_t max_call_depth_;
    uint32_t call_depth_ = 0;
};

using Bindings = std::unordered_map<const wasm::Function*, ImportBinding>;
using LinkedInstances = std::map<wasm::Name, std::shared_ptr<ScoutRunner>>;

class BlockHost final : public wasm::ModuleRunnerBase<ScoutRunner>::ExternalInterface
{
public:
    /// `linked`: the block's library instances, for imports bound to them.
    /// `memory_owner`: the host whose memory host functions see (the library's,
    /// when the module imports its memory from one; null: this host's own).
    BlockHost(BlockContext& block, const Bindings& bindings, uint64_t max_memory_bytes,
              const LinkedInstances* linked = nullptr, BlockHost* memory_owner = nullptr)
      : block_(block)
      , bindings_(bindings)
      , max_memory_bytes_(max_memory_bytes)
      , linked_(linked)
      , memory_owner_(memory_owner ? memory_owner : this)
    {}

    void init(wasm::Module& module, ScoutRunner&) override
    {
        if (module.memory.exists && !module.memory.imported())
            memory_.resize(module.memory.initial * page_size);
        wasm::ModuleUtils::iterDefinedTables(
            module, [&](wasm::Table* t) { tables_[t->name].resize(t->initial); });
    }

    void importGlobals(std::map<wasm::Name, wasm::Literals>&, wasm::Module&) override
    {
        // bind_imports rejects imported globals before a module gets here.
    }

    wasm::Literals callImport(wasm::Function* import, wasm::Literals& arguments) override
    {
        const auto it = bindings_.find(import);
        if (it == bindings_.end())
            throw Trap(TrapKind::host, std::string("unbound import ") + import->module.str + "." +
                                           import->base.str);
        if (it->second.host == nullptr)  // bound to a library's export
            return linked_->at(import->module)->callExport(import->base, arguments);
        const HostFunction& f = *it->second.host;
        Value args[8];
        const size_t n = std::min(arguments.size(), std::size(args));
        for (size_t i = 0; i < n; ++i)
        {
            const auto& lit = arguments[i];
            args[i].bits = lit.type == wasm::Type::i64 ? static_cast<uint64_t>(lit.geti64()) :
                                                         static_cast<uint32_t>(lit.geti32());
        }
        auto& memory = memory_owner_->memory_;
        MemoryView view(memory.data(), memory.size());
        const Value result = call_host_function(f, block_, view, args);
        if (f.type.results.empty())
            return {};
        if (f.type.results[0] == ValType::i64)
            return {wasm::Literal(static_cast<int64_t>(result.i64()))};
        return {wasm::Literal(static_cast<int32_t>(result.i32()))};
    }

    wasm::Literals callTable(wasm::Name table_name,
                             wasm::Index index,
                             wasm::HeapType sig,
                             wasm::Literals& arguments,
                             wasm::Type results,
                             ScoutRunner& instance) override
    {
        const auto it = tables_.find(table_name);
        if (it == tables_.end())
            trap("call_indirect on a missing table");
        auto& table = it->second;
        if (index >= table.size())
            trap("call_indirect: table index out of bounds");
        wasm::Function* func = nullptr;
        if (table[index].isFunction() && !table[index].isNull())
            func = instance.wasm.getFunctionOrNull(table[index].getFunc());
        if (func == nullptr)
            trap("call_indirect: uninitialized table element");
        if (sig != func->type || func->getResults() != results)
            trap("call_indirect: function signature mismatch");
        if (func->imported())
            return callImport(func, arguments);
        return instance.callFunctionInternal(func->name, arguments);
    }

    bool growMemory(wasm::Address, wasm::Address new_size) override
    {
        if (new_size > max_memory_bytes_)
            return false;  // memory.grow returns -1, as the spec allows
        memory_.resize(new_size);
        return true;
    }

    bool growTable(wasm::Name name, const wasm::Literal& value, wasm::Index, wasm::Index new_size) override
    {
        if (new_size > 1u << 20)
            return false;
        tables_[name].resize(new_size, value);
        return true;
    }

    wasm::Index tableSize(wasm::Name name) override
    {
        return static_cast<wasm::Index>(tables_[name].size());
    }

    void tableStore(wasm::Name name, wasm::Index index, const wasm::Literal& entry) override
    {
        auto& table = tables_[name];
        if (index >= table.size())
            trap("table index out of bounds");
        table[index] = entry;
    }

    wasm::Literal tableLoad(wasm::Name name, wasm::Index index) override
    {
        auto& table = tables_[name];
        if (index >= table.size())
            trap("table index out of bounds");
        return table[index];
    }

    void trap(const char* why) override
    {
        // ModuleRunner's fixed call-depth limit (250 in Binaryen 108) is a
        // resource limit of this engine, not a wasm trap of the script.
        if (std::strcmp(why, "stack limit") == 0)
            throw Trap(TrapKind::resource,
                       "call stack exhausted (Binaryen's interpreter allows 250 nested calls)");
        throw Trap(TrapKind::wasm, why);
    }

    void hostLimit(const char* why) override
    {
        if (std::strcmp(why, "interpreter recursion limit") == 0)
            throw Trap(TrapKind::resource,
                       "interpreter recursion limit: more than " +
                           std::to_string(max_interpreter_depth) +
                           " nested expressions and calls");
        throw Trap(TrapKind::resource, why);
    }

    void throwException(const wasm::WasmException&) override
    {
        throw Trap(TrapKind::wasm, "uncaught wasm exception");
    }

    // Binaryen bounds-checks every access against the memory size before it
    // calls these, so they only move bytes (memcpy: unaligned-safe).
    template <typename T>
    T get(wasm::Address addr)
    {
        T v;
        std::memcpy(&v, memory_.data() + addr.addr, sizeof(T));
        return v;
    }
    template <typename T>
    void set(wasm::Address addr, T v)
    {
        std::memcpy(memory_.data() + addr.addr, &v, sizeof(T));
    }

    int8_t load8s(wasm::Address a) override { return get<int8_t>(a); }
    uint8_t load8u(wasm::Address a) override { return get<uint8_t>(a); }
    int16_t load16s(wasm::Address a) override { return get<int16_t>(a); }
    uint16_t load16u(wasm::Address a) override { return get<uint16_t>(a); }
    int32_t load32s(wasm::Address a) override { return get<int32_t>(a); }
    uint32_t load32u(wasm::Address a) override { return get<uint32_t>(a); }
    int64_t load64s(wasm::Address a) override { return get<int64_t>(a); }
    uint64_t load64u(wasm::Address a) override { return get<uint64_t>(a); }
    std::array<uint8_t, 16> load128(wasm::Address a) override
    {
        return get<std::array<uint8_t, 16>>(a);
    }
    void store8(wasm::Address a, int8_t v) override { set(a, v); }
    void store16(wasm::Address a, int16_t v) override { set(a, v); }
    void store32(wasm::Address a, int32_t v) override { set(a, v); }
    void store64(wasm::Address a, int64_t v) override { set(a, v); }
    void store128(wasm::Address a, const std::array<uint8_t, 16>& v) override { set(a, v); }

private:
    BlockContext& block_;
    const Bindings& bindings_;
    uint64_t max_memory_bytes_;
    const LinkedInstances* linked_;
    BlockHost* memory_owner_;
    std::vector<uint8_t> memory_;
    std::unordered_map<wasm::Name, std::vector<wasm::Literal>> tables_;
};

/// A module parsed, validated and described once.
struct ParsedModule
{
    wasm::Module module;
    ModuleInterface interface;
    Bindings bindings;
    wasm::Name start;  ///< moved out of `module`: ScoutRunner::start runs it

    ParsedModule(const Bytes& wasm_bytes, uint64_t max_memory_bytes, uint32_t max_pages)
    {
        binaryen::parse(wasm_bytes, module);
        if (const auto error = binaryen::validation_errors(module); !error.empty())
            throw LoadError("wasm validation failed: " + error);
        if (module.memory.exists && !module.memory.imported() &&
            module.memory.initial * page_size > max_memory_bytes)
            throw LoadError("memory declares " + std::to_string(module.memory.initial) +
                            " initial pages, more than the limit of " + std::to_string(max_pages));
        interface = describe(module);
        start = module.start;
        module.start = wasm::Name();
    }

    /// Records how each imported function is bound (in import order, as
    /// describe() lists them).
    void bind(const std::vector<ImportBinding>& bound)
    {
        size_t i = 0;
        wasm::ModuleUtils::iterImportedFunctions(module,
                                                 [&](wasm::Function* f) { bindings[f] = bound[i++]; });
    }
};

class BinaryenScript final : public LoadedScript
{
public:
    BinaryenScript(const Bytes& wasm_bytes, const std::vector<LibraryCode>& libraries,
                   const EngineLimits& limits)
      : max_memory_bytes_(uint64_t{limits.max_memory_pages} * page_size)
      , max_call_depth_(limits.max_call_depth)
    {
        std::vector<LibraryInterface> library_interfaces;
        for (const auto& lib : libraries)
        {
            try
            {
                auto parsed = std::make_unique<ParsedModule>(lib.wasm, max_memory_bytes_,
                                                             limits.max_memory_pages);
                // Libraries import from the EEI only, never from each other.
                parsed->bind(link_imports(parsed->interface, {}));
                libraries_.push_back({wasm::Name(lib.name.c_str()), std::move(parsed)});
            }
            catch (const LoadError& e)
            {
                throw LoadError("library '" + printable(lib.name) + "': " + e.what());
            }
            library_interfaces.push_back({lib.name, &libraries_.back().parsed->interface});
        }
        script_ = std::make_unique<ParsedModule>(wasm_bytes, max_memory_bytes_,
                                                 limits.max_memory_pages);
        script_->bind(link_imports(script_->interface, library_interfaces));
        check_script_exports(script_->interface);
    }

    const ModuleInterface& interface() const override { return script_->interface; }

    void run(BlockContext& block) override
    {
        run_on_large_stack(interpreter_stack_bytes, [&] { run_block(block); });
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
                lib.parsed->module, library_hosts.back().get(), LinkedInstances{}, max_call_depth_);
            runner->start(lib.parsed->start);
            linked[lib.name] = std::move(runner);
        }
        BlockHost* memory_owner = nullptr;
        if (script_->module.memory.imported())
            for (size_t i = 0; i < libraries_.size(); ++i)
                if (libraries_[i].name == script_->module.memory.module)
                    memory_owner = library_hosts[i].get();
        BlockHost host(block, script_->bindings, max_memory_bytes_, &linked, memory_owner);
        // The constructor instantiates: globals, tables, data segments, start.
        ScoutRunner instance(script_->module, &host, linked, max_call_depth_);
        instance.start(script_->start);
        block.instantiate_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        instance.callExport(wasm::Name("main"));
    }

    struct Library
    {
        wasm::Name name;
        std::unique_ptr<ParsedModule> parsed;
    };
    uint64_t max_memory_bytes_;
    uint32_t max_call_depth_;
    std::vector<Library> libraries_;
    std::unique_ptr<ParsedModule> script_;
};

bool is_float(wasm::Type t)
{
    return t == wasm::Type::f32 || t == wasm::Type::f64;
}

/// Finds floating-point use: any expression producing or consuming f32/f64,
/// float locals and params, and float globals.
struct FloatFinder : wasm::PostWalker<FloatFinder, wasm::UnifiedExpressionVisitor<FloatFinder>>
{
    static constexpr size_t max_listed = 10;
    ModuleFacts& facts;
    explicit FloatFinder(ModuleFacts& f) : facts(f) {}

    void note(const std::string& where, const std::string& what)
    {
        if (facts.float_uses.size() < max_listed)
            facts.float_uses.push_back(where + ": " + what);
        ++facts.float_use_count;
    }

    void visitExpression(wasm::Expression* curr)
    {
        bool uses = is_float(curr->type);
        for (auto* child : wasm::ChildIterator(curr))
            uses = uses || is_float(child->type);
        if (!uses)
            return;
        // The instruction is the first token of Binaryen's s-expression print.
        std::ostringstream text;
        text << *curr;
        std::string first = text.str().substr(0, text.str().find('\n'));
        const auto open = first.find('(');
        if (open != std::string::npos)
            first = first.substr(open + 1);
        const auto end = first.find_first_of(" )");
        const auto* function = getFunction();
        note(function ? "function " + printable(function->name.str) : "a global initializer",
             first.substr(0, end));
    }
};

ModuleFacts inspect_module(const Bytes& wasm_bytes)
{
    ModuleFacts facts;
    wasm::Module module;
    try
    {
        binaryen::parse(wasm_bytes, module);
    }
    catch (const LoadError& e)
    {
        facts.error = e.what();
        return facts;
    }
    if (const auto error = binaryen::validation_errors(module); !error.empty())
        facts.error = "wasm validation failed: " + error;
    facts.interface = describe(module);
    facts.has_memory = module.memory.exists;
    facts.memory_imported = module.memory.exists && module.memory.imported();
    facts.memory_initial_pages = module.memory.initial;
    if (module.memory.hasMax())
        facts.memory_max_pages = module.memory.max;
    if (module.start.is())
        facts.start_function = printable(module.start.str);
    for (const auto& f : module.functions)
    {
        if (f->imported())
            continue;
        ++facts.defined_functions;
        for (const auto& t : f->getParams())
            if (is_float(t))
                FloatFinder(facts).note("function " + printable(f->name.str), "float parameter");
        for (const auto& t : f->vars)
            if (is_float(t))
                FloatFinder(facts).note("function " + printable(f->name.str), "float local");
    }
    for (const auto& g : module.globals)
        if (is_float(g->type))
            FloatFinder(facts).note("global " + printable(g->name.str), "float global");
    if (facts.error.empty())
    {
        FloatFinder finder(facts);
        finder.walkModule(&module);
    }
    return facts;
}

class BinaryenEngine final : public Engine
{
public:
    explicit BinaryenEngine(const EngineLimits& limits) : limits_(limits) {}
    std::string_view name() const override { return "binaryen"; }
    std::unique_ptr<LoadedScript> load(const Bytes& wasm,
                                       const std::vector<LibraryCode>& libraries) override
    {
        return std::make_unique<BinaryenScript>(wasm, libraries, limits_);
    }

    ModuleFacts inspect(const Bytes& wasm) override { return inspect_module(wasm); }

private:
    EngineLimits limits_;
};

}  // namespace

std::unique_ptr<Engine> make_binaryen_engine(const EngineLimits& limits)
{
    return std::make_unique<BinaryenEngine>(limits);
}

const char* binaryen_version()
{
    return SCOUT_BINARYEN_VERSION;
}

}  // namespace scout
