/// The module interface of a parsed module (describe.hpp).

#include "describe.hpp"

#include <ir/module-utils.h>

namespace scout::binaryen {

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
    wasm::ModuleUtils::iterImportedTables(
        module, [&](wasm::Table* t) { add_import(t, ExternKind::table); });
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

}  // namespace scout::binaryen
