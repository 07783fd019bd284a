#pragma once
/// `scout inspect SCRIPT.wasm`: what a module is and how the EEI would bind it.

#include "engine.hpp"

#include <filesystem>
#include <ostream>

namespace scout {

/// Prints the report for one module file. Returns 0 when the module would load
/// as an execution script, 1 when it would not (invalid, an unresolvable
/// import, no main or memory), 2 when the file cannot be read.
int inspect_module_file(const std::filesystem::path& file, Engine& engine, std::ostream& out);

}  // namespace scout
