/// ScoutRunner's per-module knowledge of functions (module_code.hpp).

#include "module_code.hpp"

#include "raw_values.hpp"

namespace scout::binaryen {

ModuleCode::ModuleCode(wasm::Module& module, const Bindings& bindings)
{
    for (auto& f : module.functions)
    {
        FuncInfo info;
        info.func = f.get();
        info.results = f->getResults();
        info.params = static_cast<uint32_t>(f->getNumParams());
        bool raw = info.results.isTuple() ? false : is_raw(info.results);
        for (const auto& t : f->getParams())
            raw = raw && is_raw(t) && t.isConcrete();
        if (f->imported())
        {
            const auto it = bindings.find(f.get());
            if (it != bindings.end() && it->second.host)
                info.host = it->second.host;
            else
                info.library = true;  // (or unbound: callImport reports it)
            info.raw_call = raw && info.host != nullptr;
        }
        else
        {
            info.raw_call = raw;
            info.locals = static_cast<uint32_t>(f->getNumLocals());
            for (wasm::Index i = 0; i < info.locals; ++i)
            {
                const wasm::Type t = f->getLocalType(i);
                if (is_raw(t))
                    continue;
                if (info.wide.empty())
                    info.wide.assign(info.locals, -1);
                info.wide[i] = static_cast<int32_t>(info.wide_types.size());
                info.wide_types.push_back(t);
            }
        }
        functions_.emplace(f->name, std::move(info));
    }
}

}  // namespace scout::binaryen
