#pragma once
/// Reporters turn file results into a report: text for terminals, JSON, JUnit
/// XML and TAP for machines. The runner feeds every reporter the same results
/// in the same order, whatever -j is.

#include "runner.hpp"

#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace scout {

/// What a run was, for report headers.
struct RunInfo
{
    std::string scout_version;
    std::string engine;
    uint64_t tick_budget = 0;
};

class Reporter
{
public:
    virtual ~Reporter() = default;
    /// Called once, before any file, with the number of files to come.
    virtual void begin(size_t /*files*/) {}
    /// Called once per file, in input order.
    virtual void file(const FileResult& result) = 0;
    /// Called once, after the last file.
    virtual void end() = 0;
};

/// Counts results the way every report states them: errors count as failed.
struct Totals
{
    size_t passed = 0;
    size_t failed = 0;  ///< including errors
    size_t errors = 0;
    double seconds = 0;

    void add(const FileResult& r);
};

/// The formats of --format.
std::vector<std::string> report_formats();

/// Creates the reporter for a format other than "text" (json, junit, tap).
std::unique_ptr<Reporter> make_machine_reporter(const std::string& format, std::ostream& out,
                                                const RunInfo& info);

}  // namespace scout
