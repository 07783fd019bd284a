#pragma once
/// Internal to the Binaryen engine: what `scout inspect` shows of a module
/// (its interface, memory, start function, floating-point use), as the
/// Binaryen engine sees it.

#include "bytes.hpp"
#include "engine.hpp"

namespace scout::binaryen {

/// Parses (and validates) `wasm_bytes` and describes it. A module that does
/// not parse gives facts with only `error` set; one that does not validate,
/// `error` and all the rest but the float uses of its expressions.
ModuleFacts inspect_module(const Bytes& wasm_bytes);

}  // namespace scout::binaryen
