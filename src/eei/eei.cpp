#include "eei.hpp"

#include "eei_groups.hpp"
#include "errors.hpp"

#include <algorithm>
#include <stdexcept>

namespace scout {

const std::vector<HostFunction>& host_functions()
{
    static const std::vector<HostFunction> all = [] {
        std::vector<HostFunction> v;
        for (auto group :
             {eei::eth2_functions(), eei::debug_functions(), eei::bignum_functions(),
              eei::hash_functions(), eei::assemblyscript_functions(), eei::metering_functions()})
            v.insert(v.end(), group.begin(), group.end());
        return v;
    }();
    return all;
}

const HostFunction* find_host_function(std::string_view module, std::string_view field)
{
    for (const auto& f : host_functions())
    {
        const std::string_view m = f.module;
        const std::string_view n = f.name;
        if (module == m && field == n)
            return &f;
        // env.<module>_<name>: the prefixed style of ewasm/scout and scout.ts.
        // Not for functions of module env itself (AssemblyScript's env.abort),
        // which would otherwise also resolve as env.env_abort.
        if (module == "env" && m != "env" && field.size() == m.size() + 1 + n.size() &&
            field.substr(0, m.size()) == m && field[m.size()] == '_' &&
            field.substr(m.size() + 1) == n)
            return &f;
    }
    return nullptr;
}

bool is_eei_module(std::string_view name)
{
    if (name == "env")
        return true;
    for (const auto& f : host_functions())
        if (name == f.module)
            return true;
    return false;
}

namespace {

const HostFunction& bind_to_eei(const ImportDesc& imp, const std::string& where)
{
    if (imp.kind != ExternKind::function)
        throw LoadError(where + ": importing a " + to_string(imp.kind) +
                        " is not supported (the EEI provides functions only; a script "
                        "defines and exports its own memory)");
    if (const char* why = eei::refused_import_reason(imp.module, imp.field))
        throw LoadError(where + " " + to_string(imp.type) + ": " + why);
    const auto* f = find_host_function(imp.module, imp.field);
    if (f == nullptr)
        throw LoadError(where + " " + to_string(imp.type) +
                        ": unknown host function (see docs/eei.md for the EEI)");
    if (f->type != imp.type)
        throw LoadError(where + ": wrong signature: expected " + to_string(f->type) + ", found " +
                        to_string(imp.type));
    return *f;
}

void bind_to_library(const ImportDesc& imp, const LibraryInterface& lib, const std::string& where)
{
    const auto* e = lib.module->find_export(imp.field);
    if (e == nullptr)
        throw LoadError(where + ": library '" + lib.name + "' has no export '" +
                        printable(imp.field) + "'");
    if (e->kind != imp.kind)
        throw LoadError(where + ": library '" + lib.name + "' exports '" + printable(imp.field) +
                        "' as a " + to_string(e->kind) + ", imported as a " + to_string(imp.kind));
    if (imp.kind == ExternKind::function && e->type != imp.type)
        throw LoadError(where + ": wrong signature: library '" + lib.name + "' exports " +
                        to_string(e->type) + ", imported as " + to_string(imp.type));
    if (imp.kind != ExternKind::function && imp.kind != ExternKind::memory)
        throw LoadError(where + ": importing a " + to_string(imp.kind) +
                        " from a library is not supported (functions and memory are)");
}

}  // namespace

std::vector<ImportBinding> link_imports(const ModuleInterface& module,
                                        const std::vector<LibraryInterface>& libraries)
{
    for (const auto& lib : libraries)
        if (is_eei_module(lib.name))
            throw LoadError("library name '" + printable(lib.name) +
                            "' clashes with the EEI module of that name");

    std::vector<ImportBinding> bound;
    bound.reserve(module.imports.size());
    for (const auto& imp : module.imports)
    {
        const std::string where = "import " + printable(imp.module) + "." + printable(imp.field);
        ImportBinding b;
        const auto lib =
            std::find_if(libraries.begin(), libraries.end(),
                         [&](const LibraryInterface& l) { return l.name == imp.module; });
        if (lib != libraries.end())
        {
            bind_to_library(imp, *lib, where);
            b.library = static_cast<size_t>(lib - libraries.begin());
        }
        else
            b.host = &bind_to_eei(imp, where);
        bound.push_back(b);
    }
    return bound;
}

std::vector<const HostFunction*> bind_imports(const ModuleInterface& module)
{
    std::vector<const HostFunction*> out;
    for (const auto& b : link_imports(module, {}))
        out.push_back(b.host);
    return out;
}

std::string MainEntry::describe() const
{
    std::string out = "main " + to_string(type);
    std::vector<std::string> how;
    if (params == 2)
        how.push_back("called with argc = 0 and argv = 0");
    if (!type.results.empty())
        how.push_back(type.results.size() == 1 ? "result ignored" : "results ignored");
    for (size_t i = 0; i < how.size(); ++i)
        out += (i == 0 ? ": " : ", ") + how[i];
    return out;
}

MainEntry check_script_exports(const ModuleInterface& module)
{
    const auto* main = module.find_export("main");
    if (main == nullptr)
        throw LoadError("no exported function 'main'");
    if (main->kind != ExternKind::function)
        throw LoadError(std::string("export 'main' is a ") + to_string(main->kind) +
                        ", expected a function");
    const auto& params = main->type.params;
    const bool c_main = params == std::vector<ValType>{ValType::i32, ValType::i32};
    if (!params.empty() && !c_main)
        throw LoadError("export 'main' has signature " + to_string(main->type) +
                        ", expected no parameters or C's (i32, i32) (argc, argv); any results");
    const auto* memory = module.find_export("memory");
    if (memory == nullptr)
        throw LoadError("no exported memory 'memory'");
    if (memory->kind != ExternKind::memory)
        throw LoadError(std::string("export 'memory' is a ") + to_string(memory->kind) +
                        ", expected a memory");
    return MainEntry{params.size(), main->type};
}

namespace {

/// Calls `f`, recording the call for --trace when the block asks for it.
Value call_recorded(const HostFunction& f, BlockContext& block, MemoryView& memory,
                    const Value* args)
{
    if (!block.trace_host_calls)
        return f.fn(block, memory, args);
    if (block.host_calls.size() >= block.trace_records_left)
    {
        ++block.host_calls_dropped;
        return f.fn(block, memory, args);
    }

    HostCallRecord record;
    record.function = std::string(f.module) + "." + f.name;
    record.param_types = f.type.params;
    record.args.assign(args, args + f.type.params.size());
    memory.record_to(&record.accesses);
    try
    {
        const Value result = f.fn(block, memory, args);
        memory.record_to(nullptr);
        if (!f.type.results.empty())
        {
            record.result = Value{bits_of(f.type.results[0], result.bits)};  // as engines get it
            record.result_type = f.type.results[0];
        }
        block.host_calls.push_back(std::move(record));
        return result;
    }
    catch (const Trap& t)
    {
        memory.record_to(nullptr);
        record.trap = t.what();
        block.host_calls.push_back(std::move(record));
        throw;
    }
}

}  // namespace

uint64_t call_host_function(const HostFunction& f, BlockContext& block, MemoryView& memory,
                            const uint64_t* raw_args)
{
    const auto& params = f.type.params;
    if (params.size() > max_host_params)  // a defect of the table (EeiTest checks it)
        throw std::logic_error(std::string("host function ") + f.name + " has more than " +
                               std::to_string(max_host_params) + " parameters");
    Value args[max_host_params];
    for (size_t i = 0; i < params.size(); ++i)
        args[i].bits = bits_of(params[i], raw_args[i]);
    const Value result = call_recorded(f, block, memory, args);
    return f.type.results.empty() ? 0 : bits_of(f.type.results[0], result.bits);
}

}  // namespace scout
