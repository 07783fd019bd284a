#pragma once
/// The C side of the wasm2c engine (wasm2c_engine.cpp): the shim generated for
/// each module (its imports forwarding to scout, and entry points), the
/// wrapper of wabt's runtime, and the layout both sides share. Everything here
/// is part of the compiled objects' ABI: change kShimAbi with it.

#include "block_context.hpp"
#include "eei.hpp"
#include "wasm_types.hpp"

#include <cstdint>
#include <exception>
#include <filesystem>
#include <string>

namespace scout::wasm2c {

/// Changes whenever the shim's C code, the context layout or the flags' meaning
/// change: it is part of every cache key, so old objects are never reused.
constexpr const char* kShimAbi = "scout-wasm2c-shim-8";

/// The module name given to wasm2c (-n): symbols are Z_m_* and Z_mZ_<export>.
constexpr const char* kModuleName = "m";

/// First word of every Ctx: a value no pointer can have (non-canonical on
/// x86-64), which tells a context from a pointer to an instance's field that
/// holds one (see scout_w2c_ctx_of in the shim).
constexpr uint64_t kCtxMagic = 0x5343'4F55'5457'3243ull;  // "SCOUTW2C"

/// Trap codes the shim hands to scout_wasm2c_trap() (independent of the order of
/// wasm_rt_trap_t, which the shim maps).
enum ShimTrap : int
{
    shim_oob = 1,
    shim_int_overflow = 2,
    shim_div_by_zero = 3,
    shim_invalid_conversion = 4,
    shim_unreachable = 5,
    shim_call_indirect = 6,
    shim_uncaught_exception = 7,
    shim_exhaustion = 8,
    shim_unknown = 99,
    shim_host = 100,           ///< a host function threw: the exception is stored
    shim_out_of_memory = 101,  ///< calloc of a linear memory failed, or 4 GiB asked
};

// ------------------------------------------------------------ the C side

/// wasm_rt_memory_t of wasm-rt.h (the shim checks the layout at compile time).
struct W2cMemory
{
    uint8_t* data;
    uint32_t pages;
    uint32_t max_pages;
    uint64_t size;  ///< 64 bits: widen_memory_size
};

struct ImportSlot
{
    void (*fn)();    ///< a library's export; null for an EEI import
    void* instance;  ///< that library's instance
};

struct BlockRun;

/// The import-instance pointer every import function receives. The first four
/// members are scout_w2c_ctx of the shim; the rest only scout reads.
struct Ctx
{
    uint64_t magic = kCtxMagic;
    uint64_t (*host_call)(Ctx*, uint32_t, const uint64_t*) = nullptr;
    int32_t trapped = 0;
    ImportSlot* imports = nullptr;
    // scout's side
    BlockRun* run = nullptr;
    const HostFunction* const* hosts = nullptr;
    void* instance = nullptr;
    W2cMemory* (*memory)(void*) = nullptr;
};

struct BlockRun
{
    BlockContext* block = nullptr;
    std::exception_ptr error;  ///< what a host function threw
};

/// wasm2c 1.0.32's name mangling: [A-Za-z0-9_] but 'Z' stay; every other byte
/// becomes Z and two upper-case hex digits.
std::string mangle(const std::string& name);

/// The symbol of the module's export `name`: Z_mZ_<mangled name>.
std::string export_symbol(const std::string& name);

/// rt.c: wabt's runtime (wasm-rt-impl.c, #included) with scout's memory limits.
extern const char* const kRuntimeSource;

/// wasm-rt.h (wabt 1.0.32's) with wasm_rt_memory_t's `size` widened from 32
/// to 64 bits (the layout stays: it sat in 8 bytes of padding), so that a
/// memory of 65,536 pages (4 GiB) has a size; scout writes it beside each
/// module's C, where it is found before the system's. "" when the header
/// does not have the field as expected.
std::string widen_memory_size(const std::string& header);

/// prelude.h, force-included (-include) in every C file of an object.
extern const char* const kPrelude;

/// What the shim needs from wasm2c's header.
struct HeaderFacts
{
    size_t import_modules = 0;  ///< import-instance parameters of Z_m_instantiate
    std::string memory_expr;    ///< C expression of the memory from `i`; empty: none
};

/// Reads wasm2c's module.h. Throws LoadError when it is not as expected.
HeaderFacts read_header(const std::string& header);

/// shim.c of a module: every import (in `iface` order: the import index is the
/// Ctx::imports slot and host_call's index) and the entry points scout_w2c_*.
/// `max_frame` is recorded as scout_w2c_max_frame. Throws LoadError for an
/// import the engine cannot forward.
std::string make_shim(const ModuleInterface& iface, const HeaderFacts& facts, uint64_t max_frame);

/// The largest frame in a -fstack-usage report; 0 when unknown (no report, or
/// a frame of unbounded dynamic size).
uint64_t read_stack_usage(const std::filesystem::path& su);

}  // namespace scout::wasm2c
