#pragma once
/// `scout bench`: timing vectors, with CSV in the shape of ewasm/benchmarking.

#include "engine.hpp"
#include "isolation.hpp"
#include "runner.hpp"

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace scout {

struct BenchOptions
{
    std::vector<std::string> paths;
    int repeat = 10;
    std::string csv_file;  ///< also write the CSV here, when set
    std::vector<std::string> engines = {"binaryen"};
    EngineLimits limits;
    RunOptions options;
    /// Each vector's runs in one worker process, each block under --timeout
    /// (the default, as for `scout run`); unset: in this process.
    std::optional<IsolationOptions> isolation;
};

/// min, median and max of a sample (median of an even count: mean of the two middle values).
struct Stats
{
    double min = 0;
    double median = 0;
    double max = 0;
};
Stats stats_of(std::vector<double> samples);

/// Runs each vector once to warm up, then `repeat` times, timing load (read,
/// parse, validate, bind) and execution (instantiate and run every block).
/// Isolated, a vector that crashes or hangs past the timeout is "not timed"
/// and the others go on; SIGTERM/SIGINT stop the worker and end the table.
/// Prints a table, then the CSV (engine,bench_name,parse_time,exec_time; one
/// row per timed run, seconds). Returns 0, or 1 when a vector failed, 2 on bad input.
int run_bench(const BenchOptions& options, std::ostream& out);

}  // namespace scout
