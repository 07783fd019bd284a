#pragma once
/// A second engine: wabt's interpreter (wabt::interp, Debian's libwabt.a).

#include "engine.hpp"

namespace scout {

std::unique_ptr<Engine> make_wabt_engine(const EngineLimits& limits);

/// The wabt version the engine was built against (e.g. "1.0.32").
const char* wabt_version();

}  // namespace scout
