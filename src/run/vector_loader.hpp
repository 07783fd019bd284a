#pragma once
/// Reads a Scout YAML vector into the model (yaml-cpp), checking every field.

#include "vector_model.hpp"

#include <filesystem>

namespace scout {

/// Loads and checks a vector file. Resolves script and library paths against
/// the YAML file's folder first, then the current directory.
/// Throws InputError (file, 1-based line, one-line reason) on any problem.
TestVector load_vector(const std::filesystem::path& file);

/// As load_vector, from YAML text; `file` names it in errors and anchors
/// relative paths.
TestVector parse_vector(const std::string& yaml_text, const std::filesystem::path& file);

}  // namespace scout
