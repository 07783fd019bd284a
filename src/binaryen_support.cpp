#include "binaryen_support.hpp"

#include "errors.hpp"
#include "module_check.hpp"
#include "wasm_types.hpp"

#include <wasm-binary.h>
#include <wasm-validator.h>

#include <iostream>
#include <mutex>
#include <sstream>

namespace scout::binaryen {

const ::FeatureSet& script_features()
{
    static const ::FeatureSet features{::FeatureSet::MVP | ::FeatureSet::MutableGlobals |
                                       ::FeatureSet::SignExt | ::FeatureSet::TruncSat |
                                       ::FeatureSet::BulkMemory | ::FeatureSet::Multivalue |
                                       ::FeatureSet::SIMD};
    return features;
}

void parse(const Bytes& wasm_bytes, wasm::Module& module)
{
    // Binaryen's parser aborts or exhausts memory on some malformed input:
    // wabt's reader sees every binary first (module_check.hpp).
    check_binary(wasm_bytes);
    module.features = script_features();
    try
    {
        const std::vector<char> input(wasm_bytes.begin(), wasm_bytes.end());
        wasm::WasmBinaryBuilder parser(module, script_features(), input);
        parser.read();
    }
    catch (const wasm::ParseException& e)
    {
        throw LoadError("invalid wasm binary: " + printable(e.text));
    }
    catch (const wasm::MapParseException& e)
    {
        throw LoadError("invalid wasm binary: " + printable(e.text));
    }
}

/// Binaryen 108's validator reports only to std::cerr; capture it so the error
/// becomes one line of ours instead of text on the terminal.
std::string validation_errors(wasm::Module& module)
{
    // std::cerr is process-wide: one capture at a time (scout run -j).
    static std::mutex cerr_mutex;
    const std::lock_guard<std::mutex> lock(cerr_mutex);
    std::ostringstream captured;
    auto* old = std::cerr.rdbuf(captured.rdbuf());
    bool valid = false;
    try
    {
        valid = wasm::WasmValidator{}.validate(module, wasm::WasmValidator::Globally);
    }
    catch (...)
    {
        std::cerr.rdbuf(old);
        throw;
    }
    std::cerr.rdbuf(old);
    if (valid)
        return {};
    // First meaningful line of Binaryen's report, e.g. "[wasm-validator error
    // in function 0] call param types must match, on ...".
    std::istringstream lines(captured.str());
    std::string line;
    while (std::getline(lines, line))
        if (line.find("error") != std::string::npos)
            return printable(line);
    return "invalid module";
}

}  // namespace scout::binaryen
