#pragma once
/// What `scout inspect` shows of a module (its interface, memory, start
/// function, floating-point use), as Binaryen sees it, whichever engine runs
/// the module: a free function, not an engine's, so that every engine and the
/// runner judge a module the same (--deterministic, the bignum check) and the
/// other engines need not construct a Binaryen engine for it.

#include "bytes.hpp"
#include "wasm_types.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace scout {

/// What `scout inspect` reports of a module.
struct ModuleFacts
{
    std::string error;  ///< parse or validation error; the rest is empty then
    ModuleInterface interface;
    bool has_memory = false;
    bool memory_imported = false;
    uint64_t memory_initial_pages = 0;
    std::optional<uint64_t> memory_max_pages;
    std::string start_function;  ///< empty without a start function
    size_t defined_functions = 0;
    /// Uses of floating point, "function <name>: <instruction>", at most a few.
    std::vector<std::string> float_uses;
    size_t float_use_count = 0;  ///< all of them
};

/// Parses (and validates) `wasm_bytes` and describes it. A module that does
/// not parse gives facts with only `error` set; one that does not validate,
/// `error` and all the rest but the float uses of its expressions.
ModuleFacts inspect_module(const Bytes& wasm_bytes);

}  // namespace scout
