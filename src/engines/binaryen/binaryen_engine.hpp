#pragma once
/// The reference engine: Binaryen's interpreter (wasm::ModuleRunner).

#include "engine.hpp"

namespace scout {

std::unique_ptr<Engine> make_binaryen_engine(const EngineLimits& limits);

/// The Binaryen version the engine was built against (e.g. "108").
const char* binaryen_version();

}  // namespace scout
