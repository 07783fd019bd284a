#pragma once
/// Internal to the Binaryen engine: --binaryen-opt, Binaryen's optimizer
/// restricted to the passes that change nothing a run shows but its speed.

#include <wasm.h>

#include <cstddef>
#include <cstdint>

namespace scout::binaryen {

/// Binaryen's optimization pipeline (PassRunner::addDefaultOptimizationPasses)
/// at -O`level` (1 to 3), shrink level 0, minus every pass that could change what a run
/// shows, not only how fast it is:
///   - inlining-optimizing and once-reduction change how deep calls nest (and
///     once-reduction removes calls), so --max-call-depth would stop a
///     recursion at another point;
///   - directize turns a call_indirect through a constant bad index into
///     `unreachable`, a trap with another message;
///   - memory-packing (it only makes data segments smaller, and warns on
///     stderr about overlapping ones), generate-stack-ir and optimize-stack-ir
///     only shape the binary output.
/// Every implicit trap is kept (ignoreImplicitTraps and trapsNeverHappen off),
/// float semantics too (no fast math). Imports are opaque to the optimizer, so
/// every host call (useGas and useTicks included) happens with the same
/// arguments in the same order. test/binaryen/opt_equivalence checks every
/// vector.
void optimize(wasm::Module& module, uint32_t level);

/// Modules nested deeper than this are run as parsed, never optimized:
/// Binaryen's passes recurse natively per nesting level on the loading
/// thread's stack, and spend minutes on a hostile module nested 100,000 deep.
/// Kept optimized only if still within it, so the optimizer (which flattens
/// and folds expressions) can never move or remove the trap at
/// max_interpreter_depth. (The bound was max_interpreter_depth / 251 while
/// that limit counted the nesting of all frames together.)
constexpr size_t max_optimized_nesting = 400;

/// Whether `module` nests shallowly enough to be optimized (see above).
bool optimizable(wasm::Module& module);

}  // namespace scout::binaryen
