#pragma once
/// The engines built in, by the names --engine takes. The registry is above
/// the engines (engines/binaryen, engines/wabt, engines/wasm2c), which
/// implement engine.hpp's interface and know nothing of each other's names.

#include "engine.hpp"

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace scout {

/// The names of the engines built in, the reference first.
std::vector<std::string> engine_names();

/// What an engine name stands for, with versions: "Binaryen 108 interpreter".
std::string engine_description(std::string_view name);

struct FeatureUse;  // module_check.hpp

/// Why engine `name` cannot run a module that uses `features`: a wasm feature
/// the engine does not implement ("uses SIMD (function 2: i32x4.add), which
/// ... cannot translate"); "" when it can. Such a module is not run on that
/// engine, which is not a disagreement (docs/cli.md, "Several engines").
std::string engine_cannot_run(std::string_view name, const FeatureUse& features);

/// Creates an engine by name; null for an unknown name. With a decorator set
/// (set_engine_decorator), the engine returned is the decorator's.
std::unique_ptr<Engine> make_engine(std::string_view name, const EngineLimits& limits);

/// Wraps an engine make_engine made, and returns the engine to use instead
/// (the same one, or one that forwards to it).
using EngineDecorator = std::function<std::unique_ptr<Engine>(std::unique_ptr<Engine>)>;

/// Makes make_engine hand every engine it makes (each of `--engine all` or a
/// list, in scout and in `scout worker`) to `decorator`; an empty one is none.
/// A hook for programs built on the CLI (test/faults/'s scout_faulty injects
/// faults through it); the scout executable sets none. Set it before any
/// engine is made: make_engine may run on several threads (-j), and an engine
/// made earlier stays as it was.
void set_engine_decorator(EngineDecorator decorator);

}  // namespace scout
