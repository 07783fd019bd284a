#pragma once
/// The human-readable report: one verdict per file, details on failure,
/// `N passed, N failed` last.

#include "reporter.hpp"
#include "runner.hpp"

#include <ostream>

namespace scout {

/// How much the text report says, and how.
struct TextStyle
{
    bool verbose = false;  ///< -v: per-block detail, notes, debug output of passing files
    bool quiet = false;    ///< -q: failures only (and the last line)
    bool trace = false;    ///< --trace: every host call of every block
    bool colour = false;   ///< ANSI colours (a terminal, and NO_COLOR unset)
};

/// With several engines (FileResult::engines): "  engines: binaryen passed,
/// wasm2c not run, wabt passed" and a line with each reason ("    wasm2c not
/// run: simd.wasm: uses SIMD (...), which ..."); "" for a single engine. The
/// text, JUnit and TAP reports show it.
std::string engines_text(const FileResult& result);

/// Whether engines_text is worth showing without -v: an engine did not pass.
bool engines_noteworthy(const FileResult& result);

class TextReporter : public Reporter
{
public:
    TextReporter(std::ostream& out, bool verbose)
      : out_(out)
    {
        style_.verbose = verbose;
    }
    TextReporter(std::ostream& out, const TextStyle& style)
      : out_(out)
      , style_(style)
    {}

    /// Prints one file's verdict, and its details when it failed or -v is on.
    void file(const FileResult& result) override;

    /// Prints the last line, `N passed, N failed` (errors count as failed).
    void summary();
    void end() override { summary(); }

    size_t passed() const { return passed_; }
    size_t failed() const { return failed_; }
    size_t errors() const { return errors_; }

private:
    void block_details(const FileResult& result, const BlockResult& block, bool with_debug);
    std::string paint(const char* colour, const std::string& text) const;

    std::ostream& out_;
    TextStyle style_;
    size_t passed_ = 0;
    size_t failed_ = 0;  ///< includes errors
    size_t errors_ = 0;
};

}  // namespace scout
