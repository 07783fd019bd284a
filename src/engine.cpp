#include "engine.hpp"

#include "binaryen_engine.hpp"
#include "wabt_engine.hpp"
#include "wasm2c_engine.hpp"

namespace scout {

std::vector<std::string> engine_names()
{
    return {"binaryen", "wasm2c", "wabt"};
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
