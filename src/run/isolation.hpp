#pragma once
/// Running each vector file in a child process ("worker"), so that a crash, an
/// abort, running out of memory or an endless loop in one file cannot take the
/// other files' results with it.
///
/// The parent runs `scout worker [options] -- FILE` (the same binary, via
/// /proc/self/exe), which prints one line `block <json>` when a block starts
/// (its index, line, env, script and the file's number of blocks), `done
/// <json>` when it has run (the block as in the JSON report), and `result
/// <json>` at the end (the file, its blocks left out when they were sent as
/// `done` lines; result_json.hpp). No file's results travel as one message,
/// and a worker killed mid-file still leaves the blocks that finished. The
/// parent enforces a wall-clock limit per block (and for loading) by killing
/// the worker.

#include "runner.hpp"

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

namespace scout {

struct IsolationOptions
{
    /// Arguments the worker gets after its file and engine: ticks, field, limits.
    std::vector<std::string> worker_arguments;
    /// Wall-clock limit for loading a file, and for each block, in seconds.
    double timeout_seconds = 60;
};

/// Runs one file in a worker process. Never throws for anything the worker
/// does: a timeout is a trap of kind timeout on the running block; a worker
/// that dies is a trap of kind crashed (with the signal) on the running block,
/// or, while loading, a failed file whose load_error says so.
FileResult run_vector_file_isolated(const std::filesystem::path& file, const std::string& engine,
                                    const IsolationOptions& options);

/// Runs one file `runs` times in one worker process (scout bench: a warm-up,
/// then the timed runs), each under the same limits. The results are in run
/// order and end at the first run that did not pass (a trap, a timeout, a
/// crash, a wrong root); never empty.
std::vector<FileResult> run_vector_file_isolated(const std::filesystem::path& file,
                                                 const std::string& engine,
                                                 const IsolationOptions& options, size_t runs);

/// The worker side: runs `file` (`runs` times, stopping after a run that did
/// not pass) and writes the protocol lines to `out`. Returns the process exit
/// code (0 whenever the results were written).
int run_worker(const std::filesystem::path& file, const RunOptions& options,
               const std::string& engine, const EngineLimits& limits, std::ostream& out,
               size_t runs = 1);

}  // namespace scout
