/// scout: the command-line shell. Parsing options and picking exit codes is
/// all that happens here; the work is in the library.

#include "scout_main.hpp"

#include "bench.hpp"
#include "child_process.hpp"
#include "differential.hpp"
#include "discovery.hpp"
#include "engine.hpp"
#include "engine_registry.hpp"
#include "errors.hpp"
#include "file_write.hpp"
#include "inspect.hpp"
#include "isolation.hpp"
#include "reporter.hpp"
#include "runner.hpp"
#include "suite.hpp"
#include "text_reporter.hpp"
#include "vector_update.hpp"

#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>
#include <unistd.h>

#ifndef SCOUT_VERSION
#define SCOUT_VERSION "0.0.0"
#endif

namespace {

/// Exit codes (docs/cli.md).
enum ExitCode : int
{
    exit_passed = 0,     ///< every vector passed
    exit_failed = 1,     ///< a vector failed: wrong root or deposit, or a trap
    exit_bad_input = 2,  ///< bad usage, or a vector or script that cannot be loaded
    exit_internal = 3,   ///< a bug in scout
};

/// A whole number written with digits only. CLI11 reads unsigned options with
/// strtoull, which takes "-5" as 2^64 - 5: a limit given as a negative number
/// would silently turn itself off. (The validators are made on first use: made
/// before main, a throwing constructor could not be caught.)
CLI::Validator whole_number()
{
    return CLI::Validator(
        [](const std::string& text) {
            bool ok = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
            uint64_t value = 0;
            for (size_t i = 0; ok && i < text.size(); ++i)
            {
                const auto digit = static_cast<uint64_t>(text[i] - '0');
                ok = value <= (UINT64_MAX - digit) / 10;  // no wrapping past 2^64 - 1 either
                value = value * 10 + digit;
            }
            return ok ? std::string() : "'" + text + "' is not a whole number below 2^64";
        },
        "UINT");
}

/// --timeout: a finite number of seconds above 0 and at most 10^6.
CLI::Validator timeout_seconds()
{
    return CLI::Validator(
        [](const std::string& text) {
            char* end = nullptr;
            const double v = std::strtod(text.c_str(), &end);
            return !text.empty() && *end == '\0' && std::isfinite(v) && v > 0 && v <= 1e6
                       ? std::string()
                       : "'" + text + "' is not a number of seconds above 0 and at most 1000000";
        },
        "SECONDS");
}

/// Options shared by `run` and `bench`.
struct EngineOptions
{
    std::string engine = "binaryen";
    uint64_t ticks = 10'000'000;
    uint32_t max_memory_pages = scout::EngineLimits{}.max_memory_pages;
    std::string field;
    bool meter = false;
    std::optional<uint64_t> gas_limit;
    std::string gas_table;
    size_t max_block_data = scout::RunOptions{}.max_block_data;
    size_t max_deposits = scout::RunOptions{}.max_deposits;
    uint32_t max_call_depth = scout::EngineLimits{}.max_call_depth;
    bool deterministic = false;
    uint32_t binaryen_opt = 0;
    std::string cache_dir;
    std::vector<const CLI::Option*> options_;  ///< set by add_to, in its order

    void add_to(CLI::App& app)
    {
        const size_t before = app.get_options().size();
        app.add_option("--binaryen-opt", binaryen_opt,
                       "Run Binaryen's optimizer (-O1..-O3) on each module before the Binaryen "
                       "engine interprets it; 0: off (docs/performance.md)")
            ->capture_default_str()
            ->check(whole_number())
            ->check(CLI::Range(0u, 3u));
        app.add_option("--cache-dir", cache_dir,
                       "Folder of compiled modules of the wasm2c engine (default "
                       "$SCOUT_CACHE_DIR, else ${XDG_CACHE_HOME:-~/.cache}/scout)");
        app.add_flag("--meter", meter,
                     "Meter gas (docs/metering.md); vectors whose blocks expect gas are metered "
                     "anyway");
        app.add_option("--gas-limit", gas_limit,
                       "Gas limit per block (implies --meter; default 10000000000)")
            ->check(whole_number());
        app.add_option("--max-block-data", max_block_data, "Largest block data in bytes")
            ->capture_default_str()
            ->check(whole_number());
        app.add_option("--max-deposits", max_deposits, "Most deposits one block may push")
            ->capture_default_str()
            ->check(whole_number());
        app.add_option("--max-call-depth", max_call_depth,
                       "Deepest nesting of wasm calls, at most " +
                           std::to_string(scout::EngineLimits::max_allowed_call_depth))
            ->capture_default_str()
            ->check(whole_number())
            ->check(CLI::Range(1u, scout::EngineLimits::max_allowed_call_depth));
        app.add_flag("--deterministic", deterministic,
                     "Reject scripts and libraries that use floating point");
        app.add_option("--gas-table", gas_table,
                       "YAML map of instruction class to gas cost, over the defaults (implies "
                       "--meter)");
        std::string names;
        for (const auto& n : scout::engine_names())
            names += (names.empty() ? "" : ", ") + n;
        app.add_option("--engine", engine,
                       "Engine that runs the scripts: " + names +
                           "; a comma-separated list or 'all' runs each vector on every one "
                           "and fails on any disagreement")
            ->capture_default_str()
            ->check([](const std::string& text) {
                return scout::parse_engine_list(text) ? std::string()
                                                      : "unknown engine in '" + text + "'";
            });
        app.add_option("--ticks", ticks, "Tick budget per block for eth2.useTicks")
            ->capture_default_str()
            ->check(whole_number());
        app.add_option("--max-memory-pages", max_memory_pages,
                       "Largest linear memory a script may have or grow to, in 64 KiB pages")
            ->capture_default_str()
            ->check(whole_number())
            ->check(CLI::Range(1u, 65536u));
        app.add_option("--field", field,
                       "Field of the bignum f1m_*/int_* host functions for vectors without a "
                       "bignum_field key: bn128 (default), secp256k1, bls12-381")
            ->check([](const std::string& name) {
                return scout::parse_field(name)
                           ? std::string()
                           : "unknown field '" + name + "' (bn128, secp256k1, bls12-381)";
            });
        // What this struct added: what as_arguments() hands a worker.
        const auto all = app.get_options();
        options_.assign(all.begin() + static_cast<long>(before), all.end());
    }
    scout::EngineLimits limits() const
    {
        scout::EngineLimits l;
        l.max_memory_pages = max_memory_pages;
        l.max_call_depth = max_call_depth;
        l.binaryen_opt = binaryen_opt;
        return l;
    }
    /// The same options, as arguments for a worker process: every one the
    /// user gave, as CLI11 parsed it (one list, add_to's, so a new option
    /// reaches workers without a second place to name it). The worker runs in
    /// the same folder, so relative paths (--gas-table) keep their meaning.
    std::vector<std::string> as_arguments() const
    {
        std::vector<std::string> a;
        for (const CLI::Option* option : options_)
        {
            const std::string name = option->get_name();
            // --engine: each worker is told its own engine (isolation.cpp).
            if (option->count() == 0 || name == "--engine")
                continue;
            if (option->get_expected_max() == 0)  // a flag
                a.push_back(name);
            else
                for (const auto& value : option->results())
                    a.insert(a.end(), {name, value});
        }
        return a;
    }
    scout::RunOptions run_options() const
    {
        scout::RunOptions o;
        o.tick_budget = ticks;
        if (!field.empty())
            o.field = scout::parse_field(field);
        o.meter = meter || gas_limit || !gas_table.empty();
        o.max_block_data = max_block_data;
        o.max_deposits = max_deposits;
        o.deterministic = deterministic;
        if (gas_limit)
            o.gas_limit = *gas_limit;
        if (!gas_table.empty())
            o.gas_table = scout::GasTable::load(gas_table);  // throws InputError
        return o;
    }
};

/// --isolate / --no-isolate and --timeout, shared by `run` and `bench`.
struct IsolationFlags
{
    bool isolate = true;
    double timeout = 60;

    void add_to(CLI::App& app)
    {
        app.add_flag("--isolate,!--no-isolate", isolate,
                     "Run each file in its own worker process (default), so a crash, an abort "
                     "or a hang in one file cannot lose the others' results; --no-isolate "
                     "runs in this process (no --timeout then)");
        app.add_option("--timeout", timeout,
                       "Wall-clock limit in seconds for loading a file and for each block; "
                       "the worker is killed and the block reported as timed out")
            ->capture_default_str()
            ->check(timeout_seconds());
    }
    /// The isolation of a run with these engine options; unset for --no-isolate.
    std::optional<scout::IsolationOptions> options(const EngineOptions& engine, bool trace) const
    {
        if (!isolate)
            return std::nullopt;
        scout::IsolationOptions o;
        o.worker_arguments = engine.as_arguments();
        if (trace)
            o.worker_arguments.push_back("--trace");
        o.timeout_seconds = timeout;
        return o;
    }
};

struct RunCommand
{
    std::vector<std::string> paths;
    EngineOptions engine;
    std::string filter;
    std::string shard;
    size_t jobs = std::max(1u, std::thread::hardware_concurrency());
    std::string format = "text";
    std::string output;
    bool verbose = false;
    bool quiet = false;
    bool trace = false;
    bool update = false;
    IsolationFlags isolation;
};

bool colour_wanted(int fd)
{
    const char* no_color = std::getenv("NO_COLOR");
    return ::isatty(fd) && (no_color == nullptr || *no_color == '\0');
}

/// Expands paths, then --filter and --shard. Throws InputError.
std::vector<std::filesystem::path> select_vectors(const std::vector<std::string>& paths,
                                                  const std::string& filter,
                                                  const std::string& shard_text)
{
    auto files =
        scout::discover_vectors(paths.empty() ? std::vector<std::string>{"test.yaml"} : paths);
    if (!filter.empty())
    {
        const size_t before = files.size();
        files = scout::filter_vectors(files, filter);
        if (files.empty())
            throw scout::InputError("--filter", 0,
                                    "'" + filter + "' matches none of the " +
                                        std::to_string(before) + " vectors");
    }
    if (!shard_text.empty())
        files = scout::shard_vectors(files, *scout::parse_shard(shard_text));
    return files;
}

/// The reporters of a run and where they write: a machine format without
/// --output takes stdout alone; with --output the file gets it and the
/// terminal keeps the text report. The report file is written beside its path
/// and renamed over it at the end (file_write.hpp): a report path that is an
/// input is refused, and nothing is lost when the run or the disk fails.
struct RunReporters
{
    std::unique_ptr<scout::AtomicOutputFile> output_file;
    std::vector<std::unique_ptr<scout::Reporter>> reporters;
    scout::TextReporter* text = nullptr;  ///< the one on the terminal, if any
    bool text_to_terminal = false;

    RunReporters(const RunCommand& cmd, const std::vector<std::filesystem::path>& files)
    {
        if (!cmd.output.empty())
        {
            for (const auto& f : files)
                if (scout::same_file(cmd.output, f))
                    throw scout::InputError(cmd.output, 0,
                                            "--output names the vector " + f.string() +
                                                ": refusing to overwrite an input");
            output_file = std::make_unique<scout::AtomicOutputFile>(cmd.output);
        }
        std::ostream& output_stream = output_file ? output_file->stream() : std::cout;
        const bool machine = cmd.format != "text";
        text_to_terminal = !machine || !cmd.output.empty();
        scout::TextStyle style;
        style.verbose = cmd.verbose;
        style.quiet = cmd.quiet;
        style.trace = cmd.trace;
        style.colour = text_to_terminal && cmd.output.empty() && colour_wanted(STDOUT_FILENO);
        if (!machine && !cmd.output.empty())
        {
            style.colour = false;
            reporters.push_back(std::make_unique<scout::TextReporter>(output_stream, style));
        }
        else if (text_to_terminal)
        {
            auto t = std::make_unique<scout::TextReporter>(std::cout, style);
            text = t.get();
            reporters.push_back(std::move(t));
        }
        if (machine)
            reporters.push_back(scout::make_machine_reporter(
                cmd.format, output_stream,
                scout::RunInfo{SCOUT_VERSION, cmd.engine.engine, cmd.engine.ticks}));
    }
};

/// -v: the engines, the budget and the run's size, before the first file.
void print_run_header(const RunCommand& cmd, size_t files)
{
    std::string engines;
    const auto names = scout::parse_engine_list(cmd.engine.engine);  // checked by CLI11
    for (const auto& name : names.value())
        engines +=
            (engines.empty() ? "" : ", ") + name + " (" + scout::engine_description(name) + ")";
    std::cout << "engine " << engines << ", tick budget " << cmd.engine.ticks << " per block, "
              << files << (files == 1 ? " vector" : " vectors") << ", -j " << cmd.jobs << "\n";
}

int run(const RunCommand& cmd)
{
    const auto files = select_vectors(cmd.paths, cmd.filter, cmd.shard);
    RunReporters out(cmd, files);
    auto& reporters = out.reporters;
    auto& output_file = out.output_file;
    const bool machine = cmd.format != "text";
    scout::TextReporter* text = out.text;
    // Scripts the run read, to refuse a report path that is one of them.
    std::vector<std::filesystem::path> scripts_read;
    if (cmd.verbose && out.text_to_terminal)
        print_run_header(cmd, files.size());
    for (auto& r : reporters)
        r->begin(files.size());

    scout::Totals totals;
    const bool progress_line = text != nullptr && colour_wanted(STDOUT_FILENO) && !cmd.verbose;
    auto progress = [&](size_t done, const std::filesystem::path& next) {
        if (progress_line)
            std::cout << "\r\x1b[K[" << done << "/" << files.size() << "] " << next.string()
                      << std::flush;
    };
    auto report = [&](const scout::FileResult& result) {
        if (progress_line)
            std::cout << "\r\x1b[K";
        if (output_file)
            for (const auto& b : result.blocks)
            {
                scripts_read.push_back(result.file.parent_path() / b.script);
                scripts_read.push_back(b.script);
            }
        auto deliver = [&](const scout::FileResult& reported) {
            totals.add(reported);
            for (auto& r : reporters)
                r->file(reported);
        };
        if (cmd.update)
            deliver(scout::update_vector(result, std::cout));  // only failed files change
        else
            deliver(result);
    };

    scout::SuiteConfig config;
    config.engines = *scout::parse_engine_list(cmd.engine.engine);
    config.limits = cmd.engine.limits();
    config.options = cmd.engine.run_options();
    config.options.trace = cmd.trace;
    config.isolation = cmd.isolation.options(cmd.engine, cmd.trace);
    scout::run_suite(files, config, cmd.jobs, report, progress);
    if (progress_line)
        std::cout << "\r\x1b[K";
    for (auto& r : reporters)
        r->end();
    if (output_file)
    {
        for (const auto& script : scripts_read)
            if (scout::same_file(cmd.output, script))
                throw scout::InputError(cmd.output, 0,
                                        "--output names the script " + script.string() +
                                            ": refusing to overwrite an input (no report written)");
        output_file->commit();  // a WriteError: exit 2
    }
    if (machine && !cmd.output.empty() && text == nullptr)
        std::cout << totals.passed << " passed, " << totals.failed << " failed\n";

    // Stopped by SIGTERM, SIGINT or SIGHUP (isolated: the report above says
    // what finished): the shell's code for a process ended by that signal,
    // so that a cancelled run is not mistaken for a failing one.
    if (const int sig = scout::child::interrupted())
        return 128 + sig;
    if (totals.errors != 0)
        return exit_bad_input;
    return totals.failed != 0 ? exit_failed : exit_passed;
}

/// `scout run`'s options, into `cmd`.
CLI::App* add_run_command(CLI::App& app, RunCommand& cmd)
{
    CLI::App* sub = app.add_subcommand(
        "run", "Run test vectors. Exit code 0: all passed, 1: a vector failed, 2: bad usage or "
               "bad input.");
    sub->add_option("paths", cmd.paths,
                    "Vector files, folders (searched recursively for .yaml/.yml) or glob "
                    "patterns. Without any: test.yaml in the current directory.");
    cmd.engine.add_to(*sub);
    sub->add_option("--filter", cmd.filter,
                    "Run only vectors whose path contains PATTERN or matches it as a glob");
    sub->add_option("--shard", cmd.shard,
                    "Run slice K of N (K/N, 1-based): N machines with K = 1..N cover the "
                    "suite exactly once")
        ->check([](const std::string& s) {
            return scout::parse_shard(s) ? std::string() : "expected K/N with 1 <= K <= N";
        });
    sub->add_option("-j,--jobs", cmd.jobs, "Vector files run in parallel (default: cores)")
        ->check(whole_number())
        ->check(CLI::Range(size_t{1}, size_t{1024}));
    sub->add_option("--format", cmd.format, "Report format")
        ->capture_default_str()
        ->check(CLI::IsMember(scout::report_formats()));
    sub->add_option("--output", cmd.output,
                    "Write the report to FILE (with a machine format, the text report still "
                    "goes to the terminal)");
    sub->add_flag("-v,--verbose", cmd.verbose,
                  "Per-block detail: roots, deposits, ticks, timings, debug output, and "
                  "where each script path was found");
    sub->add_flag("-q,--quiet", cmd.quiet, "Print failures only (and the last line)");
    sub->add_flag("--trace", cmd.trace,
                  "Show every host call of each block: arguments, memory read and written, "
                  "result");
    sub->add_flag("--update", cmd.update,
                  "Rewrite failing vectors' expected post-state roots and deposit receipts "
                  "with the actual results (refused for a block that trapped)");
    cmd.isolation.add_to(*sub);
    return sub;
}

/// `scout worker`: the other end of --isolate: runs one file, writes the
/// protocol of isolation.hpp to stdout. Not for people.
struct WorkerCommand
{
    std::string file;
    EngineOptions engine;
    bool trace = false;
    size_t runs = 1;

    CLI::App* add_to(CLI::App& app)
    {
        CLI::App* sub = app.add_subcommand("worker", "");
        sub->group("");
        sub->add_option("file", file)->required();
        engine.add_to(*sub);
        sub->add_flag("--trace", trace);
        sub->add_option("--runs", runs)->check(whole_number());
        return sub;
    }
    int run() const
    {
        auto options = engine.run_options();
        options.trace = trace;
        return scout::run_worker(file, options, engine.engine, engine.limits(), std::cout, runs);
    }
};

/// `scout bench`: its own options, the engine's and the isolation's.
struct BenchCommand
{
    scout::BenchOptions bench;
    EngineOptions engine;
    IsolationFlags isolation;

    CLI::App* add_to(CLI::App& app)
    {
        CLI::App* sub = app.add_subcommand(
            "bench", "Time vectors: after a warm-up run, each is run N times; prints min, median "
                     "and max of load and execute time, and CSV in the shape of "
                     "ewasm/benchmarking (engine, bench_name, parse_time, exec_time).");
        sub->add_option("paths", bench.paths, "Vector files, folders or glob patterns")->required();
        engine.add_to(*sub);
        sub->add_option("--repeat", bench.repeat, "Timed runs per vector")
            ->capture_default_str()
            ->check(whole_number())
            ->check(CLI::Range(1, 100000));
        sub->add_option("--csv", bench.csv_file, "Also write the CSV to FILE");
        isolation.add_to(*sub);
        return sub;
    }
    int run()
    {
        bench.engines = *scout::parse_engine_list(engine.engine);
        bench.limits = engine.limits();
        bench.options = engine.run_options();
        bench.isolation = isolation.options(engine, false);
        return scout::run_bench(bench, std::cout);
    }
};

/// `scout inspect`: each module described, the worst exit code.
int inspect(const std::vector<std::string>& files)
{
    auto engine = scout::make_engine("binaryen", {});
    int worst = exit_passed;
    for (size_t i = 0; i < files.size(); ++i)
    {
        if (i != 0)
            std::cout << "\n";
        worst = std::max(worst, scout::inspect_module_file(files[i], *engine, std::cout));
    }
    return worst;
}

}  // namespace

int scout::scout_main(int argc, char** argv)
{
    CLI::App app{"scout: a test harness for Ethereum execution-environment scripts.\n"
                 "Runs Scout YAML test vectors with the EEI bound and checks state roots "
                 "and deposits."};
    app.name("scout");
    app.set_version_flag("--version", std::string("scout " SCOUT_VERSION " (engines: ") +
                                          scout::engine_description("binaryen") + ", " +
                                          scout::engine_description("wabt") + ", " +
                                          scout::engine_description("wasm2c") + ")");
    app.require_subcommand(1);

    RunCommand cmd;
    CLI::App* run_app = add_run_command(app, cmd);
    WorkerCommand worker;
    CLI::App* worker_app = worker.add_to(app);
    std::vector<std::string> inspect_files;
    auto* inspect_app = app.add_subcommand(
        "inspect", "Describe wasm modules: size, SHA-256, imports and how the EEI binds them, "
                   "exports, memory, start function, floating-point use. Exit code 0: each "
                   "loads as an execution script, 1: one does not, 2: one cannot be read.");
    inspect_app->add_option("modules", inspect_files, "wasm files")->required();

    BenchCommand bench;
    CLI::App* bench_app = bench.add_to(app);

    try
    {
        app.parse(argc, argv);
    }
    catch (const CLI::CallForHelp& e)
    {
        return app.exit(e);
    }
    catch (const CLI::CallForAllHelp& e)
    {
        return app.exit(e);
    }
    catch (const CLI::CallForVersion& e)
    {
        return app.exit(e);
    }
    catch (const CLI::ParseError& e)
    {
        std::cerr << "scout: " << e.what() << " (see scout --help)\n";
        return exit_bad_input;
    }

    // The wasm2c engine finds its cache through the environment (aot_cache.hpp),
    // which workers inherit as well.
    for (const EngineOptions* e : {&cmd.engine, &worker.engine, &bench.engine})
        if (!e->cache_dir.empty())
            ::setenv("SCOUT_CACHE_DIR", std::filesystem::absolute(e->cache_dir).c_str(), 1);

    try
    {
        if (inspect_app->parsed())
            return inspect(inspect_files);
        if (worker_app->parsed())
            return worker.run();
        if (bench_app->parsed())
            return bench.run();
        if (run_app->parsed())
            return run(cmd);
    }
    catch (const scout::InputError& e)
    {
        std::cerr << "scout: " << e.located() << "\n";
        return exit_bad_input;
    }
    catch (const scout::WriteError& e)  // a report file that could not be written
    {
        std::cerr << "scout: " << e.what() << "\n";
        return exit_bad_input;
    }
    catch (const std::exception& e)
    {
        std::cerr << "scout: internal error: " << e.what() << "\n";
        return exit_internal;
    }
    return exit_bad_input;
}
