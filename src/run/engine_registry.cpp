#include "engine_registry.hpp"

#include "binaryen_engine.hpp"
#include "module_check.hpp"
#include "wabt_engine.hpp"
#include "wasm2c_engine.hpp"

#include <mutex>
#include <utility>

namespace scout {
namespace {

/// Every engine, in the order `--engine all` runs them (the reference first).
/// Versions come from the engines (binaryen_version, wabt_version): only the
/// engine libraries see Binaryen's and wabt's headers.
struct EngineEntry
{
    const char* name;
    std::unique_ptr<Engine> (*make)(const EngineLimits&);
    std::string (*describe)();
    /// Why the engine cannot run SIMD (v128) code; null when it can.
    std::string (*no_simd)();
};

// constexpr: a table of pointers, built before main without running code.
constexpr EngineEntry engines[] = {
    {"binaryen", make_binaryen_engine,
     [] { return std::string("Binaryen ") + binaryen_version() + " interpreter"; }, nullptr},
    {"wasm2c", make_wasm2c_engine,
     [] {
         return std::string("wabt ") + wabt_version() + " wasm2c, compiled with $SCOUT_CC or cc";
     },
     [] {
         return std::string("which wabt ") + wabt_version() +
                "'s wasm2c cannot translate (it aborts on SIMD instructions)";
     }},
    {"wabt", make_wabt_engine,
     [] { return std::string("wabt ") + wabt_version() + " interpreter"; }, nullptr},
};

const EngineEntry* find(std::string_view name)
{
    for (const auto& e : engines)
        if (name == e.name)
            return &e;
    return nullptr;
}

/// set_engine_decorator's decorator, and the lock make_engine reads it under.
struct Decorator
{
    std::mutex lock;
    EngineDecorator decorate;
};

Decorator& decorator()
{
    static Decorator d;  // made on first use
    return d;
}

}  // namespace

std::vector<std::string> engine_names()
{
    std::vector<std::string> names;
    for (const auto& e : engines)
        names.emplace_back(e.name);
    return names;
}

std::string engine_description(std::string_view name)
{
    const auto* e = find(name);
    return e ? e->describe() : std::string(name);
}

std::unique_ptr<Engine> make_engine(std::string_view name, const EngineLimits& limits)
{
    const auto* e = find(name);
    if (e == nullptr)
        return nullptr;
    auto engine = e->make(limits);
    EngineDecorator decorate;
    {
        Decorator& d = decorator();
        const std::lock_guard<std::mutex> guard(d.lock);
        decorate = d.decorate;
    }
    if (decorate)
        return decorate(std::move(engine));
    return engine;
}

void set_engine_decorator(EngineDecorator decorate)
{
    Decorator& d = decorator();
    const std::lock_guard<std::mutex> guard(d.lock);
    d.decorate = std::move(decorate);
}

std::string engine_cannot_run(std::string_view name, const FeatureUse& features)
{
    const auto* e = find(name);
    if (e != nullptr && e->no_simd != nullptr && !features.simd.empty())
        return "uses SIMD (" + features.simd + "), " + e->no_simd();
    return {};
}

}  // namespace scout
