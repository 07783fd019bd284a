#pragma once
/// The Ethereum Environment Interface: every host function a script may import,
/// written once against MemoryView and BlockContext, shared by all engines.
/// The reference for users is docs/eei.md.

#include "block_context.hpp"
#include "memory_view.hpp"
#include "wasm_types.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace scout {

/// A host function's implementation. `args` holds one Value per parameter of
/// the declared signature; the return value is ignored for void functions.
/// Throws Trap to stop the block.
using HostFn = Value (*)(BlockContext& block, MemoryView& memory, const Value* args);

/// One entry of the EEI.
struct HostFunction
{
    const char* module;  ///< canonical module: "eth2", "debug"
    const char* name;    ///< bare name inside that module
    FuncType type;
    HostFn fn;
};

/// Most parameters a host function of the EEI has (AssemblyScript's trace:
/// 7); a test checks the table against it.
constexpr size_t max_host_params = 8;

/// Calls a host function: the one path from every engine to the EEI, so that
/// --trace sees every call and every engine passes arguments alike.
/// `raw_args` holds one slot per parameter of `f`, as the engine keeps it;
/// only the bits the parameter's type has are read (bits_of: the low 32 of an
/// i32 or f32). Returns the result's bits the same way (0 for no result).
/// Throws Trap to stop the block.
uint64_t call_host_function(const HostFunction& f, BlockContext& block, MemoryView& memory,
                            const uint64_t* raw_args);

/// Every host function of the EEI.
const std::vector<HostFunction>& host_functions();

/// Resolves one import, in either style of the Scout peers: module `env` with
/// the name prefixed by the module (`env.eth2_loadPreStateRoot`), or the bare
/// name in its own module (`eth2.loadPreStateRoot`). Null when unknown.
const HostFunction* find_host_function(std::string_view module, std::string_view field);

/// Binds every import of a script to the EEI. Returns one entry per import, in
/// import order. Throws LoadError naming module, field, expected and found
/// signature for an unknown import, a wrong signature or a non-function import.
std::vector<const HostFunction*> bind_imports(const ModuleInterface& module);

/// Whether `name` is a module of the EEI (or `env`); libraries may not use it.
bool is_eei_module(std::string_view name);

/// A library module a script may import from (ewasm/scout's module linking).
struct LibraryInterface
{
    std::string name;               ///< the module name scripts import it as
    const ModuleInterface* module;  ///< its imports and exports
};

/// How one import of a module is satisfied: by a host function of the EEI, or
/// by an export of a library.
struct ImportBinding
{
    const HostFunction* host = nullptr;  ///< set for EEI imports
    size_t library = 0;                  ///< index into the libraries, when host is null
};

/// Binds every import of a module, in import order: imports whose module names
/// a library resolve against that library's exports (same kind; functions with
/// the same signature); all others against the EEI, as bind_imports does.
/// Throws LoadError for anything unresolvable, and when a library's name is
/// that of an EEI module (or `env`).
std::vector<ImportBinding> link_imports(const ModuleInterface& module,
                                        const std::vector<LibraryInterface>& libraries);

/// How scout enters a script: its exported `main`, called with `params` zero
/// arguments, whatever it returns ignored. The peers accept the same: wasmi's
/// invoke_export (ewasm/scout) and V8 (scout.ts) call AssemblyScript's
/// `main(): i32` and ignore the result, and V8 calls C's `int main(int argc,
/// char** argv)`, which clang exports as (i32, i32) -> i32, with zeros.
struct MainEntry
{
    /// Arguments passed, all zero: 0, or 2 for C's (argc, argv).
    size_t params = 0;
    FuncType type;  ///< `main`'s signature as exported

    /// For `-v` and `inspect`: "main () -> ()", or with what scout does about
    /// parameters and results, e.g. "main (i32, i32) -> (i32): called with
    /// argc = 0 and argv = 0, result ignored".
    std::string describe() const;
};

/// Checks that a script exports `main` (with no parameters, or C's (i32, i32);
/// any results) and a memory `memory`. Throws LoadError otherwise.
MainEntry check_script_exports(const ModuleInterface& module);

}  // namespace scout
