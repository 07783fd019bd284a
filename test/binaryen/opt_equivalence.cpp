/// opt_equivalence: proof, vector by vector, that --binaryen-opt changes nothing
/// but speed.
///
///     opt_equivalence [--level N]... [--trace] [--timeout SECONDS] PATH...
///
/// Runs every vector (files, folders searched recursively, globs: as `scout run`)
/// with the Binaryen engine as it is and with Binaryen's optimization passes at
/// each --level (default: 1, 2 and 3), each time unmetered and metered (gas
/// charged by the metering pass, which instruments the module before the engine
/// and so before the optimizer), and compares the complete results: the file's
/// status and error, every block's roots, deposits, ticks, gas, debug output and
/// trap (kind and message), root and gas mismatches. With --trace, also every
/// host call: arguments, memory ranges read and written, results. Only the
/// timings are left out. Each run is a child process with a time limit
/// (--timeout, default 60 s), so a vector that crashes is compared as
/// "crashed"; one whose unoptimized run has no result in time (an endless
/// loop) is reported and not compared; an optimized run that has none in time
/// is tried once more with six times the limit (at most 120 s) before it counts
/// as a difference.
///
/// Exit 0 when every run of every vector is identical to the unoptimized one, 1
/// otherwise (each difference is printed), 2 on bad usage.

#include "discovery.hpp"
#include "engine.hpp"
#include "engine_registry.hpp"
#include "result_json.hpp"
#include "runner.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

/// Drops the timings (every key ending in "seconds"), recursively.
void scrub(nlohmann::json& j)
{
    if (j.is_object())
    {
        for (auto it = j.begin(); it != j.end();)
        {
            const std::string& key = it.key();
            if (key.size() >= 7 && key.compare(key.size() - 7, 7, "seconds") == 0)
                it = j.erase(it);
            else
            {
                scrub(*it);
                ++it;
            }
        }
    }
    else if (j.is_array())
        for (auto& e : j)
            scrub(e);
}

/// Runs one vector in a child process; its result as scrubbed JSON text, or
/// "timed out" / "crashed (signal N)".
std::string run_isolated(const std::filesystem::path& file, uint32_t level, bool meter, bool trace,
                         unsigned timeout)
{
    int fds[2];
    if (pipe(fds) != 0)
        throw std::runtime_error("pipe failed");
    // A child that ends through exit() (Binaryen's Fatal does) would print
    // whatever the parent had buffered again.
    std::cout.flush();
    std::fflush(stdout);
    const pid_t pid = fork();
    if (pid < 0)
        throw std::runtime_error("fork failed");
    if (pid == 0)
    {
        close(fds[0]);
        alarm(timeout);
        std::string text;
        try
        {
            scout::EngineLimits limits;
            limits.binaryen_opt = level;
            scout::RunOptions options;
            options.meter = meter;
            options.trace = trace;
            auto engine = scout::make_engine("binaryen", limits);
            auto doc = scout::file_result_to_json(scout::run_vector_file(file, *engine, options));
            scrub(doc);
            text = doc.dump(1);
        }
        catch (const std::exception& e)
        {
            text = std::string("exception: ") + e.what();
        }
        catch (...)
        {
            text = "exception of a type other than std::exception";
        }
        size_t done = 0;
        while (done < text.size())
        {
            const ssize_t n = write(fds[1], text.data() + done, text.size() - done);
            if (n <= 0)
                break;
            done += static_cast<size_t>(n);
        }
        _exit(0);
    }
    close(fds[1]);
    std::string text;
    char buf[65536];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0)
        text.append(buf, static_cast<size_t>(n));
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFSIGNALED(status))
        return WTERMSIG(status) == SIGALRM
                   ? "timed out"
                   : "crashed (signal " + std::to_string(WTERMSIG(status)) + ")";
    return text;
}

/// The first line where two texts differ, with both versions.
std::string first_difference(const std::string& a, const std::string& b)
{
    size_t line = 1, i = 0;
    while (i < a.size() && i < b.size() && a[i] == b[i])
        line += a[i++] == '\n';
    auto line_at = [&](const std::string& s) {
        size_t start = s.rfind('\n', i == 0 ? 0 : i - 1);
        start = start == std::string::npos ? 0 : start + 1;
        const size_t end = s.find('\n', i);
        return s.substr(start, end == std::string::npos ? std::string::npos : end - start);
    };
    return "line " + std::to_string(line) + ":\n      plain: " + line_at(a) +
           "\n      opt:   " + line_at(b);
}

}  // namespace

int main(int argc, char** argv)
{
    std::vector<uint32_t> levels;
    bool trace = false;
    unsigned timeout = 60;
    std::vector<std::string> paths;
    for (int i = 1; i < argc; ++i)
    {
        const std::string arg = argv[i];
        if (arg == "--level" && i + 1 < argc)
            levels.push_back(static_cast<uint32_t>(std::stoul(argv[++i])));
        else if (arg == "--trace")
            trace = true;
        else if (arg == "--timeout" && i + 1 < argc)
            timeout = static_cast<unsigned>(std::stoul(argv[++i]));
        else
            paths.push_back(arg);
    }
    if (paths.empty())
    {
        std::cerr
            << "usage: opt_equivalence [--level N]... [--trace] [--timeout SECONDS] PATH...\n";
        return 2;
    }
    if (levels.empty())
        levels = {1, 2, 3};

    std::vector<std::filesystem::path> files;
    try
    {
        files = scout::discover_vectors(paths);
    }
    catch (const std::exception& e)
    {
        std::cerr << e.what() << "\n";
        return 2;
    }
    size_t compared = 0, differing = 0, skipped = 0;
    for (const auto& file : files)
    {
        for (const bool meter : {false, true})
        {
            const std::string plain = run_isolated(file, 0, meter, trace, timeout);
            if (plain == "timed out")
            {
                // Nothing to compare (an endless loop); an optimized run would only
                // time out too.
                std::cout << "not compared (no result in " << timeout << " s): " << file.string()
                          << (meter ? " metered" : "") << "\n";
                ++skipped;
                continue;
            }
            for (const uint32_t level : levels)
            {
                std::string opt = run_isolated(file, level, meter, trace, timeout);
                // The plain run finished in time and this one did not: on a loaded
                // machine (CI runs the suite two at a time, under ASan too) that can
                // be noise, so it gets one more try with six times the limit (at
                // most 120 s: three levels of retries stay within the test's
                // ctest TIMEOUT). Still no result then is a difference: the
                // optimizer made the vector much slower, or endless.
                if (opt == "timed out")
                    opt = run_isolated(file, level, meter, trace, std::min(timeout * 6, 120u));
                ++compared;
                if (opt == plain)
                    continue;
                ++differing;
                std::cout << "DIFFERS " << file.string() << " -O" << level
                          << (meter ? " metered" : "") << ": " << first_difference(plain, opt)
                          << "\n";
            }
        }
    }
    std::cout << files.size() << " vectors, " << compared << " optimized runs compared ("
              << (trace ? "with" : "without") << " host-call traces): "
              << (differing == 0 ? "all identical" : std::to_string(differing) + " differ")
              << (skipped ? ", " + std::to_string(skipped) + " runs without a result not compared"
                          : "")
              << "\n";
    return differing == 0 ? 0 : 1;
}
