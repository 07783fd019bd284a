#pragma once
/// Internal to the Binaryen engine: how deep running a module can go, in
/// nested expressions and in native stack, and the constants that size the
/// interpreter's stack.
///
/// Binaryen's interpreter recurses natively once per nested expression and
/// per call. Its expression-depth limit is off in wasm::ModuleRunner, so a
/// deeply nested but valid function could overflow the C++ stack. ScoutRunner
/// turns it on per invocation: a body nests at most max_interpreter_depth
/// expressions (a call's body starts again at 0), and calls nest at most
/// --max-call-depth deep (FrameScope). What one frame can take of the native
/// stack is then bounded by its module's deepest body (frame_reserve), and
/// ScoutRunner checks before every invocation that this fits in what is left
/// (native_stack_left), else traps as a resource limit: a script never
/// overflows the host stack, however its calls nest.

#include <wasm.h>

#include <cstddef>
#include <cstdint>
#include <optional>

namespace scout::binaryen {

/// The most expressions one function invocation may nest (see above).
constexpr wasm::Index max_interpreter_depth = 100'000;

/// Native stack per nesting level and per call, with a margin. Measured by
/// stack painting on Release builds: an expression takes 64 bytes on the fast
/// path and at most ~800 on Binaryen's visitors (nested v128 and f32
/// arithmetic), a call's frames about 1.1 KB, a small recursive function's
/// call (its body nested a few levels) about 1.5 KB. Under AddressSanitizer,
/// and without optimization, frames are far bigger (a level about 11 KB with
/// ASan's redzones).
#if defined(__SANITIZE_ADDRESS__) || !defined(__OPTIMIZE__)
#define SCOUT_BIG_FRAMES 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SCOUT_BIG_FRAMES 1
#endif
#endif
#ifdef SCOUT_BIG_FRAMES
constexpr uint64_t native_bytes_per_level = 16384;
constexpr uint64_t native_bytes_per_call = 65536;
constexpr bool inline_blocks = false;  ///< blocks never run on the caller's stack
#else
constexpr uint64_t native_bytes_per_level = 2048;
constexpr uint64_t native_bytes_per_call = 16384;
/// Blocks of modules that provably need little stack run on the caller's.
constexpr bool inline_blocks = true;
#endif
/// Stack kept free below a frame for host functions and the harness.
constexpr uint64_t host_call_reserve = uint64_t{256} << 10;

/// The stack of the engine's StackThread: the deepest body allowed, plus
/// --max-call-depth calls. Reserved as address space (large_stack.hpp): only
/// what a run touches is ever committed.
size_t interpreter_stack_bytes(uint32_t max_call_depth);

// Running blocks on the calling thread. A block needs a deep native stack only
// when its module nests deeply or recurses; most scripts need a few hundred
// KB, and handing every block to the StackThread and back costs more than a
// small block's execution. So a block runs on the calling thread when the
// module's worst case, bounded below, fits in what is left of that thread's
// stack. A call adds call_levels levels (its frames, about 1.1 KB).
constexpr uint64_t call_levels = 4;

/// The deepest expression nesting of any function body (a body is depth 1).
/// Iterative: hostile modules nest hundreds of thousands deep.
size_t max_nesting(wasm::Module& module);

/// Native stack one invocation of a module's functions can take before its
/// next call: its deepest body (at most max_interpreter_depth levels), a
/// call's frames, and room for host functions.
size_t native_frame_reserve(wasm::Module& module);

/// How deep, in native stack, running a module can go: in "levels" of
/// native_bytes_per_level, the deepest chain of nested expressions through
/// nested calls (a call adds call_levels), whatever function is entered.
/// Unbounded (nullopt) when calls can recurse: direct calls, and any
/// call_indirect reaching any function of an element segment. Iterative, for
/// hostile modules.
std::optional<uint64_t> stack_levels(wasm::Module& module);

}  // namespace scout::binaryen
