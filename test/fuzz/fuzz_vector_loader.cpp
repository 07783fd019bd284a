/// libFuzzer target: scout::parse_vector on arbitrary text (docs/fuzzing.md).
///
/// parse_vector promises to throw InputError (file, line, one-line reason) for
/// any problem. Anything else is a finding: another exception type, a crash, a
/// hang, a sanitizer report, or a result that breaks the model's invariants.
///
/// The text is named as a file in test-vectors/ (which does not exist) so that
/// the seeds' script paths, ../scripts/bin/<name>.wasm, resolve when the
/// example scripts have been built and the fuzzer gets past them to the states,
/// blocks and deposits. Resolving only checks existence: no file is read.

#include "errors.hpp"
#include "fuzz_check.hpp"
#include "vector_loader.hpp"
#include "wasm_types.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#ifndef SCOUT_SOURCE_DIR
#error "SCOUT_SOURCE_DIR: the repository (test/fuzz/CMakeLists.txt sets it)"
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const std::filesystem::path file =
        std::filesystem::path(SCOUT_SOURCE_DIR) / "test-vectors" / "fuzz-input.yaml";
    const std::string text(reinterpret_cast<const char*>(data), size);
    // Lines a message may name: one per line break (yaml-cpp counts \n), plus
    // the last line, plus one for "at the end".
    const size_t lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 2;

    try
    {
        const scout::TestVector v = scout::parse_vector(text, file);
        FUZZ_CHECK(!v.scripts.empty(), "a vector without scripts loaded");
        FUZZ_CHECK(v.pre_states.size() == v.scripts.size(), "%zu pre-states for %zu scripts",
                   v.pre_states.size(), v.scripts.size());
        FUZZ_CHECK(v.post_states.size() == v.scripts.size(), "%zu post-states for %zu scripts",
                   v.post_states.size(), v.scripts.size());
        for (const auto& b : v.blocks)
        {
            FUZZ_CHECK(b.env < v.scripts.size(), "block env %u of %zu scripts", b.env,
                       v.scripts.size());
            FUZZ_CHECK(b.line <= lines, "block line %zu of %zu", b.line, lines);
        }
        for (const auto& s : v.scripts)
            FUZZ_CHECK(!s.declared.empty() && s.line <= lines, "script '%s' line %zu",
                       s.declared.c_str(), s.line);
    }
    catch (const scout::InputError& e)
    {
        // The expected outcome for nearly every input: check its shape.
        FUZZ_CHECK(e.file() == file.string(), "error names '%s'", e.file().c_str());
        FUZZ_CHECK(e.line() <= lines, "error line %zu, the text has %zu: %s", e.line(), lines - 1,
                   e.what());
        const std::string what = e.what();
        FUZZ_CHECK(!what.empty(), "empty error message");
        // "a one-line reason" (vector_loader.hpp): the report prints it after
        // "ERROR file:line: ".
        const bool control = std::any_of(what.begin(), what.end(), [](char c) {
            return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f;
        });
        // Finding F3 (docs/fuzzing.md), fixed: text echoed from the vector
        // (scalars, keys, paths, yaml-cpp's own messages) is made printable.
        // regressions/fuzz_vector_loader/f3-* hold the inputs that found it.
        FUZZ_CHECK(!control, "control character in the error message: %s",
                   scout::printable(what).c_str());
        FUZZ_CHECK(!e.located().empty(), "no located message");
    }
    catch (const std::exception& e)
    {
        scout_fuzz::unexpected_exception("parse_vector", e);
    }
    catch (...)
    {
        scout_fuzz::unexpected_exception("parse_vector");
    }
    return 0;
}
