#include "binaryen_support.hpp"

#include "errors.hpp"
#include "module_check.hpp"
#include "output_capture.hpp"
#include "wasm_types.hpp"

#include <wasm-binary.h>
#include <wasm-validator.h>

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

namespace {

/// What Binaryen printed before it gave up, for the load error.
std::string also_printed(const OutputCapture& capture)
{
    const auto lines = capture.lines();
    if (lines.empty())
        return {};
    std::string out = " (Binaryen printed: " + lines[0];
    if (lines.size() > 1)
        out += " ... and " + std::to_string(lines.size() - 1) + " more lines";
    return out + ")";
}

}  // namespace

void parse(const Bytes& wasm_bytes, wasm::Module& module)
{
    // Binaryen's parser aborts or exhausts memory on some malformed input:
    // wabt's reader sees every binary first (module_check.hpp).
    check_binary(wasm_bytes);
    module.features = script_features();
    // Binaryen's parser prints warnings (e.g. "warning: empty local name at
    // index 0 in function ..." for AssemblyScript's name sections) to
    // std::cerr: they go to the caller's capture, never to the terminal.
    OutputCapture capture;
    try
    {
        const std::vector<char> input(wasm_bytes.begin(), wasm_bytes.end());
        wasm::WasmBinaryBuilder parser(module, script_features(), input);
        parser.read();
    }
    catch (const wasm::ParseException& e)
    {
        throw LoadError("invalid wasm binary: " + printable(e.text) + also_printed(capture));
    }
    catch (const wasm::MapParseException& e)
    {
        throw LoadError("invalid wasm binary: " + printable(e.text) + also_printed(capture));
    }
}

/// Binaryen 108's validator reports only to std::cerr; capture it so the error
/// becomes one line of ours instead of text on the terminal.
std::string validation_errors(wasm::Module& module)
{
    OutputCapture captured;  // this thread's writes only (output_capture.hpp)
    const bool valid = wasm::WasmValidator{}.validate(module, wasm::WasmValidator::Globally);
    if (valid)
        return {};
    captured.consume();  // the load error says it
    // First meaningful line of Binaryen's report, e.g. "[wasm-validator error
    // in function 0] call param types must match, on ...".
    std::istringstream lines(captured.text());
    std::string line;
    while (std::getline(lines, line))
        if (line.find("error") != std::string::npos)
            return printable(line);
    return "invalid module";
}

}  // namespace scout::binaryen
