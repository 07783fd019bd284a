#pragma once
/// Runs many vector files, in parallel when asked, reporting in input order.

#include "engine.hpp"
#include "runner.hpp"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace scout {

/// Runs `files` on `jobs` worker threads (each with its own engine) and calls
/// `report` on the calling thread once per file, in the order of `files`, so
/// output and results are the same for every value of `jobs`. `progress`, if
/// given, is called on the calling thread while it waits, with the number of
/// files reported so far and the file it waits for.
void run_suite(const std::vector<std::filesystem::path>& files, const std::string& engine_name,
               const EngineLimits& limits, const RunOptions& options, size_t jobs,
               const std::function<void(const FileResult&)>& report,
               const std::function<void(size_t done, const std::filesystem::path& next)>& progress = {});

}  // namespace scout
