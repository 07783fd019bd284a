/// BlockHost (block_host.hpp): instantiation, imports, tables, memory growth,
/// traps and limits.

#include "block_host.hpp"

#include "depth_analysis.hpp"
#include "module_check.hpp"
#include "raw_values.hpp"
#include "trap.hpp"

#include <ir/module-utils.h>

#include <string>

namespace scout::binaryen {
namespace {

wasm::Type wasm_type(ValType t)
{
    switch (t)
    {
    case ValType::i64:
        return wasm::Type::i64;
    case ValType::f32:
        return wasm::Type::f32;
    case ValType::f64:
        return wasm::Type::f64;
    default:
        return wasm::Type::i32;
    }
}

}  // namespace

void BlockHost::init(wasm::Module& module, ScoutRunner&)
{
    if (module.memory.exists && !module.memory.imported())
        memory_.resize(module.memory.initial * page_size);
    wasm::ModuleUtils::iterDefinedTables(
        module, [&](wasm::Table* t) { tables_[t->name].resize(t->initial); });
}

void BlockHost::importGlobals(std::map<wasm::Name, wasm::Literals>&, wasm::Module&)
{
    // bind_imports rejects imported globals before a module gets here.
}

wasm::Literals BlockHost::callImport(wasm::Function* import, wasm::Literals& arguments)
{
    const auto it = bindings_.find(import);
    if (it == bindings_.end())
        throw Trap(TrapKind::host,
                   std::string("unbound import ") + import->module.str + "." + import->base.str);
    if (it->second.host == nullptr)  // bound to a library's export
        return linked_->at(import->module)->callExport(import->base, arguments);
    const HostFunction& f = *it->second.host;
    uint64_t args[max_host_params] = {};
    const size_t n = std::min(arguments.size(), std::size(args));
    for (size_t i = 0; i < n; ++i)
        if (arguments[i].type.isConcrete() && is_raw(arguments[i].type))
            args[i] = raw_of(arguments[i]);
    const uint64_t result = call_host(f, args);
    if (f.type.results.empty())
        return {};
    return flow_of(wasm_type(f.type.results[0]), result).values;
}

wasm::Literals BlockHost::callTable(wasm::Name table_name, wasm::Index index, wasm::HeapType sig,
                                    wasm::Literals& arguments, wasm::Type results,
                                    ScoutRunner& instance)
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
    return instance.call_function_internal(func, arguments);
}

bool BlockHost::growMemory(wasm::Address, wasm::Address new_size)
{
    if (new_size > max_memory_bytes_)
        return false;  // memory.grow returns -1, as the spec allows
    memory_.resize(new_size);
    return true;
}

bool BlockHost::growTable(wasm::Name name, const wasm::Literal& value, wasm::Index,
                          wasm::Index new_size)
{
    if (new_size > max_table_entries)
        return false;
    tables_[name].resize(new_size, value);
    return true;
}

wasm::Index BlockHost::tableSize(wasm::Name name)
{
    return static_cast<wasm::Index>(tables_[name].size());
}

void BlockHost::tableStore(wasm::Name name, wasm::Index index, const wasm::Literal& entry)
{
    auto& table = tables_[name];
    if (index >= table.size())
        trap("table index out of bounds");
    table[index] = entry;
}

wasm::Literal BlockHost::tableLoad(wasm::Name name, wasm::Index index)
{
    auto& table = tables_[name];
    if (index >= table.size())
        trap("table index out of bounds");
    return table[index];
}

void BlockHost::trap(const char* why)
{
    throw Trap(TrapKind::wasm, why);
}

void BlockHost::hostLimit(const char* why)
{
    if (std::strcmp(why, "interpreter recursion limit") == 0)
        throw Trap(TrapKind::resource, "interpreter recursion limit: more than " +
                                           std::to_string(max_interpreter_depth) +
                                           " nested expressions in one function");
    throw Trap(TrapKind::resource, why);
}

void BlockHost::throwException(const wasm::WasmException&)
{
    throw Trap(TrapKind::wasm, "uncaught wasm exception");
}

}  // namespace scout::binaryen
