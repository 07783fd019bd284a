#include "isolation.hpp"

#include "aot_cache.hpp"
#include "child_process.hpp"
#include "differential.hpp"
#include "result_json.hpp"
#include "wasm2c_engine.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <optional>
#include <poll.h>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace scout {
namespace {

using Clock = std::chrono::steady_clock;

std::string signal_text(int sig)
{
    const char* name = sigabbrev_np(sig);
    const char* what = strsignal(sig);
    return "signal " + std::to_string(sig) + (name ? std::string(" (SIG") + name + ")" : "") +
           (what ? std::string(", ") + what : "");
}

/// "1", "0.5", "2.25": a limit as the user wrote it.
std::string seconds_text(double s)
{
    std::ostringstream o;
    o << s;
    return o.str();
}

/// A block (or the load) the worker said it started.
struct Progress
{
    bool in_block = false;
    BlockResult block;
    Clock::time_point since = Clock::now();
};

FileResult failure(const std::filesystem::path& file, const Progress& p, TrapKind kind,
                   const std::string& message)
{
    FileResult r;
    r.file = file;
    r.status = FileStatus::failed;
    if (p.in_block)
    {
        BlockResult b = p.block;
        b.trap = TrapInfo{kind, message};
        r.blocks_total = b.index + 1;  // unknown: at least this many
        r.blocks.push_back(std::move(b));
    }
    else
        r.load_error = std::string(to_string(kind)) + " while loading: " + message;
    return r;
}

}  // namespace

FileResult run_vector_file_isolated(const std::filesystem::path& file, const std::string& engine,
                                    const IsolationOptions& options)
{
    if (const int sig = child::interrupted())
    {
        FileResult r;
        r.file = file;
        r.status = FileStatus::failed;
        r.load_error = "interrupted: not run, scout received " + child::signal_name(sig);
        return r;
    }
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
        throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));

    // The path after "--": a file named "-x" is a file, not an option.
    std::vector<std::string> args = {"scout", "worker", "--engine", engine};
    args.insert(args.end(), options.worker_arguments.begin(), options.worker_arguments.end());
    args.insert(args.end(), {"--", file.string()});

    // The worker dies with the thread that started it (which waits for it),
    // and so with scout, however scout ends (child_process.hpp). SIGTERM lets
    // it stop its own children (a C compiler) first.
    child::SpawnOptions spawn;
    spawn.program = "/proc/self/exe";
    spawn.death_signal = SIGTERM;
    spawn.stdin_null = false;
    spawn.stdout_fd = pipe_fds[1];
    std::optional<child::Tracked> worker;
    try
    {
        worker.emplace(child::spawn(args, spawn), false);
    }
    catch (const std::exception& e)
    {
        ::close(pipe_fds[0]);
        ::close(pipe_fds[1]);
        throw std::runtime_error(std::string("cannot start a worker process: ") + e.what());
    }
    ::close(pipe_fds[1]);

    Progress progress;
    std::string buffer;
    std::optional<FileResult> result;
    bool timed_out = false;
    for (;;)
    {
        const double left = options.timeout_seconds -
                            std::chrono::duration<double>(Clock::now() - progress.since).count();
        if (left <= 0)
        {
            timed_out = true;
            break;
        }
        pollfd pfd{pipe_fds[0], POLLIN, 0};
        const int ready = ::poll(&pfd, 1, static_cast<int>(std::min(left * 1000 + 1, 60'000.0)));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready == 0)
            continue;  // loop re-checks the deadline
        char chunk[65536];
        const ssize_t n = ::read(pipe_fds[0], chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;  // EOF: the worker is done or dead
        buffer.append(chunk, static_cast<size_t>(n));
        for (size_t nl; (nl = buffer.find('\n')) != std::string::npos; buffer.erase(0, nl + 1))
        {
            const std::string line = buffer.substr(0, nl);
            try
            {
                if (line.rfind("block ", 0) == 0)
                {
                    const auto j = nlohmann::json::parse(line.substr(6));
                    progress.in_block = true;
                    progress.block = BlockResult{};
                    progress.block.index = j.at("index").get<size_t>();
                    progress.block.line = j.at("line").get<size_t>();
                    progress.block.env = j.at("env").get<uint32_t>();
                    progress.block.script = j.at("script").get<std::string>();
                    progress.since = Clock::now();
                }
                else if (line.rfind("result ", 0) == 0)
                    result = file_result_from_json(nlohmann::json::parse(line.substr(7)));
            }
            catch (const std::exception&)
            {
                // A garbled line: the worker is broken; judged by how it ends.
            }
        }
    }
    if (timed_out)
    {
        // SIGTERM first: the worker kills its compiler's process group and
        // dies; SIGKILL when it has not within a grace period.
        worker->signal(SIGTERM);
        const auto grace_end = Clock::now() + std::chrono::seconds(2);
        for (;;)
        {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(grace_end - Clock::now());
            if (left.count() <= 0)
            {
                worker->signal(SIGKILL);
                break;
            }
            pollfd pfd{pipe_fds[0], POLLIN, 0};
            const int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
            if (ready < 0 && errno == EINTR)
                continue;
            if (ready == 0)
                continue;
            char chunk[4096];
            const ssize_t n = ::read(pipe_fds[0], chunk, sizeof(chunk));
            if (n == 0 || (n < 0 && errno != EINTR))
                break;  // EOF: dead
        }
    }
    ::close(pipe_fds[0]);
    const int status = worker->wait();
    const pid_t worker_pid = worker->pid();
    worker.reset();
    if (!result && engine == "wasm2c")
        aot::remove_orphan_scratch(wasm2c_cache_dir(), worker_pid);

    if (timed_out)
        return failure(file, progress, TrapKind::timeout,
                       "no result after " + seconds_text(options.timeout_seconds) +
                           " s (--timeout); the worker was killed");
    if (!result)
        if (const int sig = child::interrupted())
            return failure(file, progress, TrapKind::interrupted,
                           "scout received " + child::signal_name(sig) + " and stopped the worker");
    if (WIFSIGNALED(status))
        return failure(file, progress, TrapKind::crashed,
                       "the worker process died with " + signal_text(WTERMSIG(status)));
    if (result)
        return *result;
    return failure(file, progress, TrapKind::crashed,
                   "the worker process exited with code " +
                       std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) +
                       " without a result");
}

int run_worker(const std::filesystem::path& file, const RunOptions& options,
               const std::string& engine_name, const EngineLimits& limits, std::ostream& out)
{
    // Fault injection for the tests of isolation itself: SCOUT_WORKER_FAULT=
    // segv|abort makes the worker die that way when block 0 starts.
    const char* fault = std::getenv("SCOUT_WORKER_FAULT");
    RunOptions o = options;
    o.on_block_start = [&](const BlockResult& b) {
        out << "block "
            << nlohmann::json{{"index", b.index},
                              {"line", b.line},
                              {"env", b.env},
                              {"script", b.script}}
                   .dump()
            << "\n"
            << std::flush;
        if (fault && b.index == 0)
            ::raise(std::strcmp(fault, "abort") == 0 ? SIGABRT : SIGSEGV);
    };
    // Killed by its parent (a timeout, an interrupted run, the parent's
    // death): its compiler's process group dies first, then the worker.
    child::install_interrupt_handlers(child::OnInterrupt::die);
    const auto names = parse_engine_list(engine_name);
    if (!names)
    {
        std::cerr << "scout worker: unknown engine list '" << printable(engine_name) << "'\n";
        return 2;
    }
    std::vector<FileResult> results;
    for (const auto& name : *names)
    {
        auto engine = make_engine(name, limits);
        if (!engine)
        {
            std::cerr << "scout worker: unknown engine '" << printable(name) << "'\n";
            return 2;
        }
        results.push_back(run_vector_file(file, *engine, o));
    }
    const FileResult result = results.size() == 1
                                  ? std::move(results.front())
                                  : combine_engine_results(*names, std::move(results));
    out << "result " << file_result_to_json(result).dump() << "\n" << std::flush;
    return 0;
}

}  // namespace scout
