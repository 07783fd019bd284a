/// fastpath_check: differential test of ScoutRunner (src/engines/binaryen/),
/// whose fast paths replace Binaryen's visitors for the hot expressions,
/// against Binaryen 108's own interpreter as scout embedded it before them
/// (ModuleRunnerBase with Binaryen's visitors and frames, the same host
/// behaviour: memory, tables, call_indirect checks, traps).
///
///     fastpath_check [--opt LEVEL] MODULE.wasm...
///
/// For each module (typically from `wasm-opt -ttf`, Binaryen's random module
/// generator; test/binaryen/fastpath_fuzz.py makes them), both interpreters
/// instantiate it and call every exported function in order with zero
/// arguments (first `hangLimitInitializer`, when exported, as Binaryen's
/// fuzzer does). Imports `fuzzing-support.log-{i32,i64,f32,f64}` log their
/// argument; any other import is unbound and traps when called. Compared: the
/// log, each call's results (bits, NaN payloads included) or trap message,
/// and at the end the memory and every global. Exit 0 when every module
/// behaves identically, 1 on a difference (the first one is printed), 2 on a
/// module that does not load.
///
/// With --opt LEVEL, scout's side first runs the optimization passes of
/// --binaryen-opt LEVEL on the module (when its nesting allows: see
/// optimizable), so the same comparison checks that they change nothing
/// but the wording of wasm traps: the optimizer may replace the instruction
/// that traps by an equivalent one (i32.div_s of a value it proved
/// non-negative becomes i32.div_u, a constant pointer moves into the offset),
/// and Binaryen's message names what it ran. With --opt, a wasm trap is
/// compared as "trap" (where it happens, and everything before it, still
/// exactly); Binaryen's resource limits and unbound imports keep their words.
/// Globals are not compared then (the optimizer removes and folds them; a
/// script's globals are invisible to scout but through memory and host calls).
///
/// The engine's internals are reached through its internal headers
/// (src/engines/binaryen/, namespace scout::binaryen).

#include "binaryen_support.hpp"
#include "block_context.hpp"
#include "block_host.hpp"
#include "depth_analysis.hpp"
#include "describe.hpp"
#include "eei.hpp"
#include "errors.hpp"
#include "large_stack.hpp"
#include "module_code.hpp"
#include "optimize.hpp"
#include "raw_values.hpp"
#include "scout_runner.hpp"
#include "trap.hpp"

#include <ir/module-utils.h>
#include <wasm-interpreter.h>
#include <wasm.h>

#include <cstring>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

std::vector<std::string>* transcript = nullptr;
uint32_t opt_level = 0;  ///< --opt

void note(std::string line)
{
    transcript->push_back(std::move(line));
}

std::string hex_bits(uint64_t bits, int digits)
{
    std::ostringstream o;
    o << std::hex << std::setw(digits) << std::setfill('0') << bits;
    return o.str();
}

std::string describe_literal(const wasm::Literal& l)
{
    if (l.type.isConcrete() && scout::binaryen::is_raw(l.type))
    {
        const int digits = l.type == wasm::Type::i32 || l.type == wasm::Type::f32 ? 8 : 16;
        std::ostringstream o;
        o << l.type << ":" << hex_bits(scout::binaryen::raw_of(l), digits);
        return o.str();
    }
    std::ostringstream o;
    o << l;
    return o.str();
}

std::string describe_values(const wasm::Literals& values)
{
    std::string s = "(";
    for (size_t i = 0; i < values.size(); ++i)
        s += (i ? " " : "") + describe_literal(values[i]);
    return s + ")";
}

// ---- the host functions, for scout's side (EEI-style function pointers)

scout::Value log_value(const char* type, uint64_t bits, int digits)
{
    note(std::string("log-") + type + " " + hex_bits(bits, digits));
    return {};
}
scout::Value log_i32(scout::BlockContext&, scout::MemoryView&, const scout::Value* a)
{
    return log_value("i32", a[0].bits & 0xffffffffu, 8);
}
scout::Value log_i64(scout::BlockContext&, scout::MemoryView&, const scout::Value* a)
{
    return log_value("i64", a[0].bits, 16);
}
scout::Value log_f32(scout::BlockContext&, scout::MemoryView&, const scout::Value* a)
{
    return log_value("f32", a[0].bits & 0xffffffffu, 8);
}
scout::Value log_f64(scout::BlockContext&, scout::MemoryView&, const scout::Value* a)
{
    return log_value("f64", a[0].bits, 16);
}

const std::vector<scout::HostFunction>& log_functions()
{
    using scout::ValType;
    static const std::vector<scout::HostFunction> fns = {
        {"fuzzing-support", "log-i32", {{ValType::i32}, {}}, log_i32},
        {"fuzzing-support", "log-i64", {{ValType::i64}, {}}, log_i64},
        {"fuzzing-support", "log-f32", {{ValType::f32}, {}}, log_f32},
        {"fuzzing-support", "log-f64", {{ValType::f64}, {}}, log_f64},
    };
    return fns;
}

const scout::HostFunction* find_log(wasm::Function* import)
{
    for (const auto& f : log_functions())
        if (std::strcmp(import->module.str, f.module) == 0 &&
            std::strcmp(import->base.str, f.name) == 0 &&
            scout::binaryen::func_type(*import) == f.type)
            return &f;
    return nullptr;
}

constexpr uint64_t max_memory_bytes = uint64_t{1024} * scout::binaryen::page_size;

// ---- the reference: Binaryen's interpreter, unchanged

struct RefTrap
{
    std::string why;
};

class RefRunner;

class RefHost final : public wasm::ModuleRunnerBase<RefRunner>::ExternalInterface
{
public:
    void init(wasm::Module& module, RefRunner&) override
    {
        if (module.memory.exists && !module.memory.imported())
            memory.resize(module.memory.initial * scout::binaryen::page_size);
        wasm::ModuleUtils::iterDefinedTables(
            module, [&](wasm::Table* t) { tables[t->name].resize(t->initial); });
    }
    void importGlobals(std::map<wasm::Name, wasm::Literals>&, wasm::Module&) override {}

    wasm::Literals callImport(wasm::Function* import, wasm::Literals& arguments) override
    {
        if (find_log(import))
        {
            const auto& l = arguments[0];
            const int digits = l.type == wasm::Type::i32 || l.type == wasm::Type::f32 ? 8 : 16;
            note(std::string(import->base.str) + " " +
                 hex_bits(scout::binaryen::raw_of(l), digits));
            return {};
        }
        throw RefTrap{std::string("unbound import ") + import->module.str + "." + import->base.str};
    }

    wasm::Literals callTable(wasm::Name table_name, wasm::Index index, wasm::HeapType sig,
                             wasm::Literals& arguments, wasm::Type results,
                             RefRunner& instance) override;

    bool growMemory(wasm::Address, wasm::Address new_size) override
    {
        if (new_size > max_memory_bytes)
            return false;
        memory.resize(new_size);
        return true;
    }
    bool growTable(wasm::Name name, const wasm::Literal& value, wasm::Index,
                   wasm::Index new_size) override
    {
        if (new_size > 1u << 20)
            return false;
        tables[name].resize(new_size, value);
        return true;
    }
    wasm::Index tableSize(wasm::Name name) override
    {
        return static_cast<wasm::Index>(tables[name].size());
    }
    void tableStore(wasm::Name name, wasm::Index index, const wasm::Literal& entry) override
    {
        auto& table = tables[name];
        if (index >= table.size())
            trap("table index out of bounds");
        table[index] = entry;
    }
    wasm::Literal tableLoad(wasm::Name name, wasm::Index index) override
    {
        auto& table = tables[name];
        if (index >= table.size())
            trap("table index out of bounds");
        return table[index];
    }
    void trap(const char* why) override { throw RefTrap{why}; }
    void hostLimit(const char* why) override { throw RefTrap{why}; }
    void throwException(const wasm::WasmException&) override
    {
        throw RefTrap{"uncaught wasm exception"};
    }

    template <typename T> T get(wasm::Address a)
    {
        T v;
        std::memcpy(&v, memory.data() + a.addr, sizeof(T));
        return v;
    }
    template <typename T> void set(wasm::Address a, T v)
    {
        std::memcpy(memory.data() + a.addr, &v, sizeof(T));
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

    std::vector<uint8_t> memory;
    std::unordered_map<wasm::Name, std::vector<wasm::Literal>> tables;
};

class RefRunner : public wasm::ModuleRunnerBase<RefRunner>
{
public:
    RefRunner(wasm::Module& module, RefHost* host)
      : ModuleRunnerBase(module, host, {})
    {
        wasm::ExpressionRunner<RefRunner>::maxDepth = scout::binaryen::max_interpreter_depth;
    }
};

wasm::Literals RefHost::callTable(wasm::Name table_name, wasm::Index index, wasm::HeapType sig,
                                  wasm::Literals& arguments, wasm::Type results,
                                  RefRunner& instance)
{
    // As BlockHost::callTable.
    const auto it = tables.find(table_name);
    if (it == tables.end())
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

// ---- running one module on either side

/// A trap's line in the transcript (see --opt above).
std::string trap_line(const std::string& why)
{
    if (opt_level == 0 || why == "stack limit" || why == "interpreter recursion limit" ||
        why.rfind("unbound import", 0) == 0)
        return "trap: " + why;
    return "trap (wasm)";
}

/// scout's resource-limit messages, as Binaryen words them.
std::string binaryen_words(const scout::Trap& t)
{
    const std::string what = t.what();
    // ScoutRunner runs with --max-call-depth 250 here: Binaryen's fixed limit,
    // checked at the same point (on entry, after the arguments).
    if (what.rfind("call stack exhausted: more than 250 nested calls", 0) == 0)
        return "stack limit";
    if (what.rfind("interpreter recursion limit", 0) == 0)
        return "interpreter recursion limit";
    return what;
}

wasm::Literals zero_arguments(wasm::Function* f)
{
    wasm::Literals args;
    for (const auto& t : f->getParams())
        args.push_back(wasm::Literal::makeZero(t));
    return args;
}

template <typename Run> void call_exports(wasm::Module& module, Run&& run)
{
    const bool has_hang_limit = module.getExportOrNull(wasm::Name("hangLimitInitializer"));
    for (const auto& e : module.exports)
    {
        if (e->kind != wasm::ExternalKind::Function ||
            e->name == wasm::Name("hangLimitInitializer"))
            continue;
        if (has_hang_limit)
            run(wasm::Name("hangLimitInitializer"), wasm::Literals());
        note(std::string("call ") + e->name.str);
        run(e->name, zero_arguments(module.getFunction(e->value)));
    }
}

std::string memory_digest(const std::vector<uint8_t>& memory)
{
    uint64_t h = 1469598103934665603ull;  // FNV-1a
    for (const uint8_t b : memory)
        h = (h ^ b) * 1099511628211ull;
    return "memory " + std::to_string(memory.size()) + " bytes, fnv " + hex_bits(h, 16);
}

void note_globals(wasm::Module& module, std::map<wasm::Name, wasm::Literals>& globals)
{
    for (const auto& g : module.globals)
        note(std::string("global ") + g->name.str + " " + describe_values(globals[g->name]));
}

std::vector<std::string> run_reference(const scout::Bytes& wasm_bytes)
{
    std::vector<std::string> out;
    transcript = &out;
    wasm::Module module;
    scout::binaryen::parse(wasm_bytes, module);
    RefHost host;
    std::unique_ptr<RefRunner> runner;
    try
    {
        runner = std::make_unique<RefRunner>(module, &host);
    }
    catch (const RefTrap& t)
    {
        note("instantiation " + trap_line(t.why));
        return out;
    }
    call_exports(module, [&](wasm::Name name, const wasm::Literals& args) {
        try
        {
            const auto results = runner->callExport(name, args);
            if (name != wasm::Name("hangLimitInitializer"))
                note("result " + describe_values(results));
        }
        catch (const RefTrap& t)
        {
            note(trap_line(t.why));
        }
    });
    note(memory_digest(host.memory));
    if (opt_level == 0)
        note_globals(module, runner->globals);
    return out;
}

std::vector<std::string> run_scout(const scout::Bytes& wasm_bytes)
{
    std::vector<std::string> out;
    transcript = &out;
    wasm::Module module;
    scout::binaryen::parse(wasm_bytes, module);
    if (opt_level > 0 && scout::binaryen::optimizable(module))
        scout::binaryen::optimize(module, opt_level);
    // As ParsedModule: the start function is run by ScoutRunner::start.
    const wasm::Name start = module.start;
    module.start = wasm::Name();
    scout::binaryen::Bindings bindings;
    wasm::ModuleUtils::iterImportedFunctions(module, [&](wasm::Function* f) {
        if (const auto* log = find_log(f))
            bindings[f] = scout::ImportBinding{log, 0};
    });
    const scout::binaryen::ModuleCode code(module, bindings);
    scout::BlockContext block;
    const scout::Bytes no_data;
    block.block_data = &no_data;
    scout::binaryen::BlockHost host(block, bindings, max_memory_bytes);
    std::unique_ptr<scout::binaryen::ScoutRunner> runner;
    try
    {
        // --max-call-depth 250: Binaryen's fixed limit, which the reference has.
        runner = std::make_unique<scout::binaryen::ScoutRunner>(
            module, code, &host, scout::binaryen::LinkedInstances{}, 250,
            scout::binaryen::native_frame_reserve(module));
        runner->start(start);
    }
    catch (const scout::Trap& t)
    {
        note("instantiation " + trap_line(binaryen_words(t)));
        return out;
    }
    call_exports(module, [&](wasm::Name name, const wasm::Literals& args) {
        try
        {
            const auto results = runner->callExport(name, args);
            if (name != wasm::Name("hangLimitInitializer"))
                note("result " + describe_values(results));
        }
        catch (const scout::Trap& t)
        {
            note(trap_line(binaryen_words(t)));
        }
    });
    note(memory_digest(host.memory()));
    if (opt_level == 0)  // (the optimizer removes and folds globals, which scout never shows)
        note_globals(module, runner->globals);
    return out;
}

}  // namespace

int main(int argc, char** argv)
{
    int first = 1;
    if (argc > 2 && std::string(argv[1]) == "--opt")
    {
        opt_level = static_cast<uint32_t>(std::stoul(argv[2]));
        first = 3;
    }
    if (argc <= first)
    {
        std::cerr << "usage: fastpath_check [--opt LEVEL] MODULE.wasm...\n";
        return 2;
    }
    int exit_code = 0;
    size_t calls = 0;
    for (int i = first; i < argc; ++i)
    {
        std::ifstream f(argv[i], std::ios::binary);
        const scout::Bytes bytes((std::istreambuf_iterator<char>(f)),
                                 std::istreambuf_iterator<char>());
        std::vector<std::string> reference, fast;
        try
        {
            wasm::Module check;
            scout::binaryen::parse(bytes, check);
            if (const auto error = scout::binaryen::validation_errors(check); !error.empty())
                throw scout::LoadError(error);
            scout::run_on_large_stack(scout::binaryen::interpreter_stack_bytes(250), [&] {
                reference = run_reference(bytes);
                fast = run_scout(bytes);
            });
        }
        catch (const std::exception& e)
        {
            std::cout << argv[i] << ": does not load: " << e.what() << "\n";
            exit_code = std::max(exit_code, 2);
            continue;
        }
        for (const auto& line : reference)
            calls += line.rfind("call ", 0) == 0;
        if (reference == fast)
            continue;
        exit_code = 1;
        size_t k = 0;
        while (k < reference.size() && k < fast.size() && reference[k] == fast[k])
            ++k;
        std::cout << argv[i] << ": differs at line " << k + 1 << "\n";
        for (size_t j = k >= 3 ? k - 3 : 0; j < k; ++j)
            std::cout << "    " << reference[j] << "\n";
        std::cout << "  binaryen: " << (k < reference.size() ? reference[k] : "(end)") << "\n"
                  << "  scout:    " << (k < fast.size() ? fast[k] : "(end)") << "\n";
    }
    std::cout << argc - first << " modules, " << calls
              << " export calls: " << (exit_code == 0 ? "identical" : "DIFFERENCES") << "\n";
    return exit_code;
}
