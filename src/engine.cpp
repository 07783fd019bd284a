#include "engine.hpp"

#include "binaryen_engine.hpp"
#include "wabt_engine.hpp"
#include "wasm2c_engine.hpp"

#include <wabt/config.h>

namespace scout {

std::vector<std::string> engine_names()
{
    return {"binaryen", "wasm2c", "wabt"};
}

std::string engine_description(std::string_view name)
{
    if (name == "binaryen")
        return std::string("Binaryen ") + binaryen_version() + " interpreter";
    if (name == "wasm2c")
        return "wabt " WABT_VERSION_STRING " wasm2c, compiled with $SCOUT_CC or cc";
    if (name == "wabt")
        return "wabt " WABT_VERSION_STRING " interpreter";
    return std::string(name);
}

std::unique_ptr<Engine> make_engine(std::string_view name, const EngineLimits& limits)
{
    if (name == "binaryen")
        return make_binaryen_engine(limits);
    if (name == "wasm2c")
        return make_wasm2c_engine(limits);
    if (name == "wabt")
        return make_wabt_engine(limits);
    return nullptr;
}

}  // namespace scout
