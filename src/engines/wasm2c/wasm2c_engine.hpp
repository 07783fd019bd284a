#pragma once
/// An ahead-of-time engine: wabt's wasm2c turns each module into C, the system
/// C compiler builds it into a shared object (cached, aot_cache.hpp), and
/// scout dlopen()s it and binds the EEI. docs/architecture.md describes how.

#include "engine.hpp"

#include <filesystem>
#include <string>

namespace scout {

std::unique_ptr<Engine> make_wasm2c_engine(const EngineLimits& limits);

/// Where compiled modules are cached: $SCOUT_CACHE_DIR/wasm2c, else
/// ${XDG_CACHE_HOME:-~/.cache}/scout/wasm2c.
std::filesystem::path wasm2c_cache_dir();

/// Counts of this process's compilations and cache hits (for tests and -v).
struct Wasm2cStats
{
    size_t compiled = 0;    ///< modules translated and compiled
    size_t cache_hits = 0;  ///< modules found compiled in the cache
};
Wasm2cStats wasm2c_stats();

/// "wasm2c 1.0.32, cc (Debian 12.2.0-14) 12.2.0", or why the engine cannot
/// work here ("wasm2c not found ...").
std::string wasm2c_toolchain_description();

}  // namespace scout
