#pragma once
/// Internal to the Binaryen engine: what ScoutRunner needs to know of each
/// function, worked out once per parsed module (shared by every block's
/// instance), and one invocation's locals.

#include "eei.hpp"

#include <wasm.h>

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace scout::binaryen {

/// How each imported function of a module is bound (to the EEI or to a
/// library's export).
using Bindings = std::unordered_map<const wasm::Function*, ImportBinding>;

/// One function, as ScoutRunner calls it.
struct FuncInfo
{
    wasm::Function* func = nullptr;
    const HostFunction* host = nullptr;  ///< an import bound to the EEI
    bool library = false;                ///< an import bound to a library's export
    /// Parameters and result are all numeric (at most one result), and the
    /// function is defined here or is an EEI import: calls pass raw bits.
    bool raw_call = false;
    wasm::Type results;
    uint32_t params = 0;
    uint32_t locals = 0;  ///< parameters included
    /// Per local, the index of its value among the frame's "wide" locals (v128,
    /// tuples and references, kept as Literals), or -1 for a numeric local,
    /// kept as raw bits in the slot of its own index. Empty when no local is
    /// wide (the usual case).
    std::vector<int32_t> wide;
    std::vector<wasm::Type> wide_types;
};

/// Every function of a module (defined and imported), by name.
class ModuleCode
{
public:
    ModuleCode() = default;
    ModuleCode(wasm::Module& module, const Bindings& bindings);

    const FuncInfo& function(wasm::Name name) const { return functions_.at(name); }

private:
    std::unordered_map<wasm::Name, FuncInfo> functions_;
};

/// One function invocation's locals.
struct Frame
{
    uint64_t* raw = nullptr;                      ///< numeric locals, by index
    std::vector<wasm::Literals>* wide = nullptr;  ///< the others (null: none)
    const FuncInfo* info = nullptr;
};

}  // namespace scout::binaryen
