#pragma once
/// `scout bench`: timing vectors, with CSV in the shape of ewasm/benchmarking.

#include "engine.hpp"
#include "runner.hpp"

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
/// Prints a table, then the CSV (engine,bench_name,parse_time,exec_time; one
/// row per timed run, seconds). Returns 0, or 1 when a vector failed, 2 on bad input.
int run_bench(const BenchOptions& options, std::ostream& out);

}  // namespace scout
