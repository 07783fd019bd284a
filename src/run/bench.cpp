#include "bench.hpp"

#include "child_process.hpp"
#include "discovery.hpp"
#include "engine_registry.hpp"
#include "errors.hpp"
#include "file_write.hpp"
#include "wasm_types.hpp"

#include <algorithm>
#include <fstream>
#include <iomanip>
#include <memory>
#include <sstream>

namespace scout {

Stats stats_of(std::vector<double> samples)
{
    Stats s;
    if (samples.empty())
        return s;
    std::sort(samples.begin(), samples.end());
    const size_t n = samples.size();
    s.min = samples.front();
    s.max = samples.back();
    s.median = n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
    return s;
}

namespace {

std::string ms(double seconds)
{
    std::ostringstream o;
    o << std::fixed << std::setprecision(3) << seconds * 1000;
    return o.str();
}

std::string triple(const Stats& s)
{
    return ms(s.min) + " / " + ms(s.median) + " / " + ms(s.max);
}

double execute_seconds(const FileResult& r)
{
    double s = 0;
    for (const auto& b : r.blocks)
        s += b.instantiate_seconds + b.execute_seconds;
    return s;
}

/// One row's runs: the warm-up first, then the timed ones; they end at the
/// first run that did not pass.
std::vector<FileResult> bench_runs(const BenchOptions& options, const std::string& engine_name,
                                   const std::filesystem::path& file)
{
    const size_t runs = static_cast<size_t>(options.repeat) + 1;
    if (options.isolation)
        return run_vector_file_isolated(file, engine_name, *options.isolation, runs);
    std::vector<FileResult> results;
    auto engine = make_engine(engine_name, options.limits);
    while (results.size() < runs &&
           (results.empty() || results.back().status == FileStatus::passed))
        results.push_back(run_vector_file(file, *engine, options.options));
    return results;
}

/// Why a run did not pass, in one line.
std::string why_not_passed(const FileResult& r)
{
    if (r.status == FileStatus::error)
        return r.error;
    if (const auto* b = r.trapped_block())
        return "block " + std::to_string(b->index) + " trapped (" + to_string(b->trap->kind) +
               "): " + b->trap->message;
    if (!r.load_error.empty())
        return r.load_error;
    return "the vector fails";
}

}  // namespace

int run_bench(const BenchOptions& options, std::ostream& out)
{
    const auto files = discover_vectors(options.paths);
    // The CSV file is written beside its path and renamed over it at the end
    // (file_write.hpp); naming one of the vectors is refused before any run.
    std::unique_ptr<AtomicOutputFile> csv_file;
    if (!options.csv_file.empty())
    {
        for (const auto& f : files)
            if (same_file(options.csv_file, f))
                throw InputError(options.csv_file, 0,
                                 "--csv names the vector " + f.string() +
                                     ": refusing to overwrite an input");
        csv_file = std::make_unique<AtomicOutputFile>(options.csv_file);
    }
    // SIGTERM, SIGINT, SIGHUP: isolated, the running worker is stopped and the
    // table ends with what was timed; in process, scout dies of the signal.
    child::install_interrupt_handlers(options.isolation ? child::OnInterrupt::carry_on
                                                        : child::OnInterrupt::die);

    std::ostringstream csv;
    csv << "engine,bench_name,parse_time,exec_time\n";
    csv << std::setprecision(9);
    int exit_code = 0;

    out << options.repeat
        << " timed runs per vector after one warm-up; times in ms: min / median / max\n";
    // The vector column fits the longest path, so that a row never runs into its times.
    size_t width = 48;
    for (const auto& f : files)
        width = std::max(width, printable(f.string()).size() + 2);
    const int vector_width = static_cast<int>(width);
    out << std::left << std::setw(10) << "engine" << std::setw(vector_width) << "vector"
        << std::setw(32) << "load"
        << "execute\n";
    for (const auto& engine_name : options.engines)
        for (const auto& file : files)
        {
            if (child::interrupted())
                break;
            const auto results = bench_runs(options, engine_name, file);
            const FileResult& last = results.back();
            out << std::setw(10) << engine_name << std::setw(vector_width)
                << printable(file.string());
            if (last.status != FileStatus::passed)
            {
                out << "not timed: "
                    << (results.size() == 1
                            ? ""
                            : "timed run " + std::to_string(results.size() - 1) + ": ")
                    << terminal_safe(why_not_passed(last)) << "\n";
                exit_code = std::max(exit_code, last.status == FileStatus::error ? 2 : 1);
                continue;
            }
            std::vector<double> load, exec;
            for (size_t i = 1; i < results.size(); ++i)
            {
                const FileResult& r = results[i];
                load.push_back(r.load_seconds);
                exec.push_back(execute_seconds(r));
                csv << engine_name << "," << file.stem().string() << "," << r.load_seconds << ","
                    << exec.back() << "\n";
            }
            out << std::setw(32) << triple(stats_of(load)) << triple(stats_of(exec)) << "\n";
        }
    const int sig = child::interrupted();
    if (sig)
        out << "interrupted: scout received " << child::signal_name(sig)
            << "; the table ends here\n";
    out << "\n" << csv.str();
    if (csv_file)
    {
        csv_file->stream() << csv.str();
        csv_file->commit();  // a WriteError: exit 2
    }
    return sig ? 128 + sig : exit_code;  // as `scout run` (main.cpp)
}

}  // namespace scout
