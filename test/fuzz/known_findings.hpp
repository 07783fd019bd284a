#pragma once
/// Known, reported, not yet fixed findings of fuzz_run_module
/// (docs/fuzzing.md, "Findings"): inputs of these shapes are skipped, so that
/// a campaign (and CI's bounded one) explores further instead of stopping on
/// them again and again. Each has a regression input in
/// test/fuzz/regressions/fuzz_run_module/. When src/ fixes one, delete its
/// check here: the regression input then proves the fix.
///
/// A small bounds-checked walk over the binary's sections; it recognises only
/// what it needs and never rejects anything else.

#include <cstddef>
#include <cstdint>
#include <optional>

namespace scout_fuzz {

enum class KnownFinding
{
    none,
    /// F5: type section count far above what its bytes can hold. Binaryen's
    /// readTypes builds TypeBuilder(count) first (one heap allocation per
    /// entry): 91 bytes cost seconds and gigabytes; a count of 2^32-1 exhausts
    /// memory.
    huge_type_count,
    /// F6: a function declaring millions of locals (or many functions
    /// declaring tens of thousands each). Binaryen's readVars pushes each one
    /// into a vector before anything checks the total: 2^32-1 locals from a
    /// 54-byte module exhaust memory.
    huge_local_count,
    /// F7: a table with a huge initial size. BlockHost::init
    /// (src/binaryen_engine.cpp) resizes the table to it at every
    /// instantiation; growTable is capped at 2^20 entries, the initial size is
    /// not.
    huge_table,
};

const char* to_string(KnownFinding k);

/// The first known finding `wasm` would trigger, or none.
KnownFinding known_finding(const uint8_t* wasm, size_t size);

}  // namespace scout_fuzz
