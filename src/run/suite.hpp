#pragma once
/// Runs many vector files, in parallel when asked, reporting in input order.

#include "engine.hpp"
#include "isolation.hpp"
#include "runner.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace scout {

/// How each file of a suite runs.
struct SuiteConfig
{
    /// The engines each file runs on; with more than one, their results are
    /// compared (differential.hpp) and the first one's is reported.
    std::vector<std::string> engines = {"binaryen"};
    EngineLimits limits;
    RunOptions options;
    /// Set: each file runs in its own worker process (isolation.hpp).
    std::optional<IsolationOptions> isolation;
};

/// Runs `files` on `jobs` threads (each with its own engine, or each driving
/// worker processes) and calls `report` on the calling thread once per file,
/// in the order of `files`, so output and results are the same for every
/// value of `jobs`. `progress`, if given, is called on the calling thread
/// while it waits, with the number of files reported so far and the file it
/// waits for.
void run_suite(
    const std::vector<std::filesystem::path>& files, const SuiteConfig& config, size_t jobs,
    const std::function<void(const FileResult&)>& report,
    const std::function<void(size_t done, const std::filesystem::path& next)>& progress = {});

}  // namespace scout
