#include "isolation.hpp"

#include "aot_cache.hpp"
#include "child_process.hpp"
#include "differential.hpp"
#include "engine_registry.hpp"
#include "hex.hpp"
#include "result_json.hpp"
#include "wasm2c_engine.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
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

/// What the worker has said so far: the blocks that finished, the block (or
/// the load) it is in, and the file's number of blocks.
struct Progress
{
    std::vector<BlockResult> finished;
    bool in_block = false;
    BlockResult block;
    size_t blocks_total = 0;
    Clock::time_point since = Clock::now();
};

/// The result of a worker that gave none: what finished, and the block it was
/// in ended by `kind`.
FileResult failure(const std::filesystem::path& file, Progress& p, TrapKind kind,
                   const std::string& message)
{
    FileResult r;
    r.file = file;
    r.status = FileStatus::failed;
    r.blocks = std::move(p.finished);
    r.blocks_total = p.blocks_total;
    if (p.in_block)
    {
        BlockResult b = p.block;
        b.trap = TrapInfo{kind, message};
        r.blocks.push_back(std::move(b));
    }
    else
        r.load_error = std::string(to_string(kind)) +
                       (r.blocks.empty() ? " while loading: " : " after the last block ran: ") +
                       message;
    return r;
}

/// One line of the worker protocol (run_worker): "block" when a block starts,
/// "done" when it finished, "result" at the end.
void read_worker_line(const std::string& line, Progress& progress, std::vector<FileResult>& results)
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
        progress.blocks_total = j.at("of").get<size_t>();
        if (const auto root = decode_hex(j.at("pre_state").get<std::string>());
            root && root->size() == progress.block.pre_state.size())
            std::copy(root->begin(), root->end(), progress.block.pre_state.begin());
        progress.since = Clock::now();
    }
    else if (line.rfind("done ", 0) == 0)
    {
        progress.finished.push_back(block_result_from_json(nlohmann::json::parse(line.substr(5))));
        progress.in_block = false;
    }
    else if (line.rfind("result ", 0) == 0)
    {
        const auto j = nlohmann::json::parse(line.substr(7));
        FileResult r = file_result_from_json(j);
        if (j.value("blocks_streamed", false))
            r.blocks = std::move(progress.finished);
        results.push_back(std::move(r));
        progress = Progress{};  // the next run, if any, starts loading now
    }
}

/// A worker process and the read end of its stdout.
struct Worker
{
    std::optional<child::Tracked> process;
    int fd = -1;
};

/// Starts `scout worker` on `file` into `worker` (a tracked child cannot be
/// moved). Throws std::runtime_error when it cannot.
void start_worker(Worker& worker, const std::filesystem::path& file, const std::string& engine,
                  const IsolationOptions& options, size_t runs)
{
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
        throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));

    // The path after "--": a file named "-x" is a file, not an option.
    std::vector<std::string> args = {"scout", "worker", "--engine", engine};
    args.insert(args.end(), options.worker_arguments.begin(), options.worker_arguments.end());
    if (runs != 1)
        args.insert(args.end(), {"--runs", std::to_string(runs)});
    args.insert(args.end(), {"--", file.string()});

    // The worker dies with the thread that started it (which waits for it),
    // and so with scout, however scout ends (child_process.hpp). SIGTERM lets
    // it stop its own children (a C compiler) first.
    child::SpawnOptions spawn;
    spawn.program = "/proc/self/exe";
    spawn.death_signal = SIGTERM;
    spawn.stdin_null = false;
    spawn.stdout_fd = pipe_fds[1];
    try
    {
        worker.process.emplace(child::spawn(args, spawn), false);
    }
    catch (const std::exception& e)
    {
        ::close(pipe_fds[0]);
        ::close(pipe_fds[1]);
        throw std::runtime_error(std::string("cannot start a worker process: ") + e.what());
    }
    ::close(pipe_fds[1]);
    worker.fd = pipe_fds[0];
}

/// Reads the worker's lines until it closes its end (true) or a block, or
/// the load, outlives the timeout (false).
bool read_worker(int fd, double timeout_seconds, Progress& progress,
                 std::vector<FileResult>& results)
{
    std::string buffer;
    for (;;)
    {
        // --timeout is per block (and for the load): the clock restarts when
        // the worker says a block started.
        const double left =
            timeout_seconds - std::chrono::duration<double>(Clock::now() - progress.since).count();
        if (left <= 0)
            return false;
        pollfd pfd{fd, POLLIN, 0};
        const int ready = ::poll(&pfd, 1, static_cast<int>(std::min(left * 1000 + 1, 60'000.0)));
        if (ready <= 0)
            continue;  // EINTR, or the loop re-checks the deadline
        char chunk[65536];
        const ssize_t n = ::read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return true;  // EOF: the worker is done or dead
        // Only the new bytes are searched for line ends: a long line arrives
        // in many chunks.
        size_t from = buffer.size();
        buffer.append(chunk, static_cast<size_t>(n));
        size_t start = 0;
        for (size_t nl; (nl = buffer.find('\n', from)) != std::string::npos; start = from = nl + 1)
        {
            try
            {
                read_worker_line(buffer.substr(start, nl - start), progress, results);
            }
            catch (const std::exception&)
            {
                // A garbled line: the worker is broken; judged by how it ends.
            }
        }
        buffer.erase(0, start);
    }
}

/// Past the timeout: SIGTERM first (the worker kills its compiler's process
/// group and dies), SIGKILL when it has not closed its end within 2 s.
void stop_worker(const child::Tracked& process, int fd)
{
    process.signal(SIGTERM);
    const auto grace_end = Clock::now() + std::chrono::seconds(2);
    for (;;)
    {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(grace_end - Clock::now());
        if (left.count() <= 0)
        {
            process.signal(SIGKILL);
            return;
        }
        pollfd pfd{fd, POLLIN, 0};
        if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0)
            continue;  // EINTR, or the loop re-checks the grace period
        char chunk[4096];
        const ssize_t n = ::read(fd, chunk, sizeof(chunk));
        if (n == 0 || (n < 0 && errno != EINTR))
            return;  // EOF: dead
    }
}

/// The result of the run the worker did not finish: why it ended.
FileResult unfinished_run(const std::filesystem::path& file, Progress& progress, bool timed_out,
                          double timeout_seconds, int status)
{
    if (timed_out)
        return failure(file, progress, TrapKind::timeout,
                       "no result after " + seconds_text(timeout_seconds) +
                           " s (--timeout); the worker was killed");
    if (const int sig = child::interrupted())
        return failure(file, progress, TrapKind::interrupted,
                       "scout received " + child::signal_name(sig) + " and stopped the worker");
    if (WIFSIGNALED(status))
        return failure(file, progress, TrapKind::crashed,
                       "the worker process died with " + signal_text(WTERMSIG(status)));
    return failure(file, progress, TrapKind::crashed,
                   "the worker process exited with code " +
                       std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) +
                       " without a result");
}

}  // namespace

FileResult run_vector_file_isolated(const std::filesystem::path& file, const std::string& engine,
                                    const IsolationOptions& options)
{
    return run_vector_file_isolated(file, engine, options, 1).front();
}

std::vector<FileResult> run_vector_file_isolated(const std::filesystem::path& file,
                                                 const std::string& engine,
                                                 const IsolationOptions& options, size_t runs)
{
    runs = std::max<size_t>(runs, 1);
    if (const int sig = child::interrupted())
    {
        FileResult r;
        r.file = file;
        r.status = FileStatus::failed;
        r.load_error = "interrupted: not run, scout received " + child::signal_name(sig);
        return {r};
    }
    Worker worker;
    start_worker(worker, file, engine, options, runs);
    Progress progress;
    std::vector<FileResult> results;
    const bool timed_out = !read_worker(worker.fd, options.timeout_seconds, progress, results);
    if (timed_out)
        stop_worker(*worker.process, worker.fd);
    ::close(worker.fd);
    const int status = worker.process->wait();
    const pid_t worker_pid = worker.process->pid();
    worker.process.reset();

    // Every run the worker was asked for, or it stopped at one that did not
    // pass (run_worker).
    const bool complete =
        results.size() == runs || (!results.empty() && results.back().status != FileStatus::passed);
    if (!complete && engine == "wasm2c")
        aot::remove_orphan_scratch(wasm2c_cache_dir(), worker_pid);
    for (auto& r : results)
        r.file = file;  // the worker's text of the path may be escaped (make_valid_utf8)
    if (complete)
    {
        // Dying after its last result (while exiting) takes no verdict away.
        if (WIFSIGNALED(status))
            results.back().notes.push_back("the worker process died with " +
                                           signal_text(WTERMSIG(status)) +
                                           " after it sent its result");
        return results;
    }
    results.push_back(unfinished_run(file, progress, timed_out, options.timeout_seconds, status));
    return results;
}

int run_worker(const std::filesystem::path& file, const RunOptions& options,
               const std::string& engine_name, const EngineLimits& limits, std::ostream& out,
               size_t runs)
{
    RunOptions o = options;
    o.on_block_start = [&](const BlockResult& b, size_t blocks_total) {
        out << "block "
            << nlohmann::json{{"index", b.index},
                              {"line", b.line},
                              {"env", b.env},
                              {"script", b.script},
                              {"pre_state", to_hex(b.pre_state)},
                              {"of", blocks_total}}
                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
            << "\n"
            << std::flush;
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
    // One engine: each block's result goes out as it finishes ("done"), and
    // the final message leaves them out. Several engines (--engine a,b) are
    // combined at the end, so their blocks travel with the result.
    const bool stream = names->size() == 1;
    if (stream)
        o.on_block_end = [&](const BlockResult& b, const std::vector<Deposit>& deposits) {
            auto j = block_result_to_json(b, deposits);
            make_valid_utf8(j);
            out << "done " << j.dump() << "\n";
        };
    for (size_t run = 0; run < std::max<size_t>(runs, 1); ++run)
    {
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
        FileResult result = results.size() == 1
                                ? std::move(results.front())
                                : combine_engine_results(*names, std::move(results));
        if (stream)
            result.blocks.clear();
        auto j = file_result_to_json(result);
        j["blocks_streamed"] = stream;
        make_valid_utf8(j);
        out << "result " << j.dump() << "\n" << std::flush;
        if (result.status != FileStatus::passed)
            break;  // the parent's runs end at the first that does not pass
    }
    return 0;
}

}  // namespace scout
