#pragma once
/// Internal to the Binaryen engine: a parsed module's interface (imports and
/// exports, with function signatures) in scout's engine-neutral terms
/// (wasm_types.hpp), for binding imports and for `inspect`.

#include "wasm_types.hpp"

#include <wasm.h>

namespace scout::binaryen {

/// Binaryen's type as scout's ValType (ValType::other for v128, references,
/// tuples).
ValType val_type(wasm::Type t);

/// A function's signature. (Binaryen's getters are not const.)
FuncType func_type(wasm::Function& f);

/// Every import (functions with their signatures, memory, tables, globals,
/// tags) and every export of `module`, in the module's order.
ModuleInterface describe(wasm::Module& module);

}  // namespace scout::binaryen
