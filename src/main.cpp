/// scout: the command-line shell. Parsing options and picking exit codes is
/// all that happens here; the work is in the library.

#include "binaryen_engine.hpp"
#include "engine.hpp"
#include "inspect.hpp"
#include "runner.hpp"
#include "text_reporter.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

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

struct RunCommand
{
    std::vector<std::string> files;
    uint64_t ticks = 10'000'000;
    uint32_t max_memory_pages = scout::EngineLimits{}.max_memory_pages;
    std::string engine = "binaryen";
    std::string field;
    bool verbose = false;
};

int run(const RunCommand& cmd)
{
    scout::EngineLimits limits;
    limits.max_memory_pages = cmd.max_memory_pages;
    auto engine = scout::make_engine(cmd.engine, limits);
    scout::RunOptions options;
    options.tick_budget = cmd.ticks;
    if (!cmd.field.empty())
        options.field = scout::parse_field(cmd.field);

    scout::TextReporter reporter(std::cout, cmd.verbose);
    if (cmd.verbose)
        std::cout << "engine " << engine->name() << " (Binaryen " << scout::binaryen_version()
                  << "), tick budget " << cmd.ticks << " per block\n";
    for (const auto& file : cmd.files)
    {
        reporter.file(scout::run_vector_file(file, *engine, options));
        std::cout.flush();
    }
    reporter.summary();
    if (reporter.errors() != 0)
        return exit_bad_input;
    return reporter.failed() != 0 ? exit_failed : exit_passed;
}

}  // namespace

int main(int argc, char** argv)
{
    CLI::App app{"scout: a test harness for Ethereum execution-environment scripts.\n"
                 "Runs Scout YAML test vectors with the EEI bound and checks state roots "
                 "and deposits."};
    app.name("scout");
    app.set_version_flag("--version", std::string("scout " SCOUT_VERSION " (Binaryen ") +
                                          scout::binaryen_version() + ")");
    app.require_subcommand(1);

    RunCommand cmd;
    auto* run_app = app.add_subcommand(
        "run", "Run test vectors. Exit code 0: all passed, 1: a vector failed, 2: bad usage or "
               "bad input.");
    run_app->add_option("files", cmd.files,
                        "Vector files (YAML). Without any: test.yaml in the current directory.");
    run_app->add_option("--ticks", cmd.ticks, "Tick budget per block for eth2.useTicks")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    run_app->add_option("--engine", cmd.engine, "Engine that runs the scripts")
        ->capture_default_str()
        ->check(CLI::IsMember(scout::engine_names()));
    run_app->add_option("--max-memory-pages", cmd.max_memory_pages,
                        "Largest linear memory a script may have or grow to, in 64 KiB pages")
        ->capture_default_str()
        ->check(CLI::Range(1u, 65536u));
    run_app
        ->add_option("--field", cmd.field,
                     "Field of the bignum f1m_*/int_* host functions for vectors without a "
                     "bignum_field key: bn128 (default), secp256k1, bls12-381")
        ->check([](const std::string& name) {
            return scout::parse_field(name) ? std::string() :
                                              "unknown field '" + name +
                                                  "' (bn128, secp256k1, bls12-381)";
        });
    run_app->add_flag("-v,--verbose", cmd.verbose,
                      "Per-block detail: roots, deposits, ticks, timings, debug output, and "
                      "where each script path was found");

    std::vector<std::string> inspect_files;
    auto* inspect_app = app.add_subcommand(
        "inspect", "Describe wasm modules: size, SHA-256, imports and how the EEI binds them, "
                   "exports, memory, start function, floating-point use. Exit code 0: each "
                   "loads as an execution script, 1: one does not, 2: one cannot be read.");
    inspect_app->add_option("modules", inspect_files, "wasm files")->required();

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

    try
    {
        if (inspect_app->parsed())
        {
            auto engine = scout::make_engine("binaryen", {});
            int worst = exit_passed;
            for (size_t i = 0; i < inspect_files.size(); ++i)
            {
                if (i != 0)
                    std::cout << "\n";
                worst = std::max(worst, scout::inspect_module_file(inspect_files[i], *engine, std::cout));
            }
            return worst;
        }
        if (run_app->parsed())
        {
            if (cmd.files.empty())
                cmd.files.push_back("test.yaml");
            return run(cmd);
        }
    }
    catch (const std::exception& e)
    {
        std::cerr << "scout: internal error: " << e.what() << "\n";
        return exit_internal;
    }
    return exit_bad_input;
}
