#pragma once
/// The human-readable report: one verdict per file, details on failure,
/// `N passed, N failed` last.

#include "runner.hpp"

#include <ostream>

namespace scout {

class TextReporter
{
public:
    TextReporter(std::ostream& out, bool verbose) : out_(out), verbose_(verbose) {}

    /// Prints one file's verdict, and its details when it failed or -v is on.
    void file(const FileResult& result);

    /// Prints the last line, `N passed, N failed` (errors count as failed).
    void summary();

    size_t passed() const { return passed_; }
    size_t failed() const { return failed_; }
    size_t errors() const { return errors_; }

private:
    void block_details(const FileResult& result, const BlockResult& block, bool with_debug);

    std::ostream& out_;
    bool verbose_;
    size_t passed_ = 0;
    size_t failed_ = 0;  ///< includes errors
    size_t errors_ = 0;
};

}  // namespace scout
