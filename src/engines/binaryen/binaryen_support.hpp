#pragma once
/// Internal: what the files that see Binaryen share (engines/binaryen/,
/// metering.cpp): the accepted wasm features, parsing and validation with
/// scout's error messages.

#include "bytes.hpp"

#include <wasm.h>

#include <string>

namespace scout::binaryen {

/// The wasm features scripts may use: the MVP and the finished proposals that
/// toolchains of the Scout era and today emit by default. (Binaryen 108
/// declares FeatureSet in the global namespace.)
const ::FeatureSet& script_features();

/// Parses a wasm binary into `module` (features set). Throws LoadError
/// ("invalid wasm binary: ...", with what Binaryen printed). What Binaryen
/// prints while it parses (warnings about the name section, ...) goes to the
/// calling thread's OutputCapture (output_capture.hpp), or nowhere.
void parse(const Bytes& wasm, wasm::Module& module);

/// Binaryen's validator: "" for a valid module, else its first error line
/// (the rest of its report is dropped; a valid module's output goes to the
/// calling thread's OutputCapture).
std::string validation_errors(wasm::Module& module);

}  // namespace scout::binaryen
