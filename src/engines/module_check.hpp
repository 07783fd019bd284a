#pragma once
/// The first look at every wasm binary, before any engine parses it: wabt's
/// binary reader walks its structure (sections, counts, every opcode of every
/// function body) under the features scripts may use, and scout's own size
/// limits apply. Binaryen 108's parser asserts (aborts the process) on some
/// malformed code of proposals scout does not enable, and allocates per
/// declared type, local and table entry before checking anything; wabt's reader
/// refuses those opcodes cleanly and checks each count against the bytes left
/// in its section. docs/fuzzing.md, findings F4 to F7.

#include "bytes.hpp"

#include <cstdint>
#include <string>

namespace wabt {
struct Features;
struct ReadBinaryOptions;
}  // namespace wabt

namespace scout {

/// Locals one function may declare, parameters excluded (V8's limit).
constexpr uint64_t max_function_locals = 50'000;
/// Locals all functions of a module may declare together: a few bytes of
/// code declare 50,000 more, and Binaryen keeps each one.
constexpr uint64_t max_module_locals = 1'000'000;
/// Types (signatures) a module may declare; Binaryen allocates for each
/// declared one before reading any.
constexpr uint64_t max_types = 100'000;
/// Entries a table may have initially (and may grow to: the engines cap
/// table.grow at the same number).
constexpr uint64_t max_table_entries = 1u << 20;

/// The wasm features scripts may use, as wabt names them: MVP, mutable
/// globals, sign extension, non-trapping float-to-int, bulk memory,
/// multi-value, SIMD (the Binaryen engine's set, binaryen_support.cpp).
const wabt::Features& wabt_script_features();

/// wabt's reader options for scripts: those features, no debug names, custom
/// sections skipped rather than errors (as Binaryen does).
wabt::ReadBinaryOptions wabt_read_options();

/// Throws LoadError("invalid wasm binary: <reason> (at byte N)") when `wasm`
/// is not a well-formed binary under those features, and LoadError("<what>
/// declares N ..., more than the limit of M") when a function declares more
/// locals, a module more locals or types, or a table more entries than the
/// limits above.
void check_binary(const Bytes& wasm);

/// Where a module first uses each wasm feature that not every engine has
/// (engine_cannot_run, engine.hpp); empty when it does not use it.
struct FeatureUse
{
    /// SIMD (v128): "function 2: i32x4.add", "type 0: v128 parameter", ...
    std::string simd;
};

/// The features `wasm` uses. Never throws: a malformed module reports what
/// was read before the fault (check_binary is the judge of well-formedness).
FeatureUse feature_use(const Bytes& wasm);

}  // namespace scout
