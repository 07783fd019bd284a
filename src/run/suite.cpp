#include "suite.hpp"

#include "child_process.hpp"
#include "differential.hpp"
#include "engine_registry.hpp"
#include "errors.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

namespace scout {

namespace {

/// Runs files one after another, in process or in workers.
class FileRunner
{
public:
    explicit FileRunner(const SuiteConfig& config)
      : config_(config)
    {
        if (!config.isolation)
            for (const auto& name : config.engines)
                engines_.push_back(make_engine(name, config.limits));
    }
    /// Never throws: what goes wrong outside the engines (no worker process
    /// could be started: file descriptors or processes ran out) is this
    /// file's error, and the run goes on.
    FileResult operator()(const std::filesystem::path& file)
    {
        try
        {
            return run(file);
        }
        catch (const std::exception& e)
        {
            return file_error(file, e.what());
        }
        catch (...)
        {
            return file_error(file, "unknown exception");
        }
    }

private:
    static FileResult file_error(const std::filesystem::path& file, const std::string& what)
    {
        FileResult r;
        r.file = file;
        r.status = FileStatus::error;
        r.error =
            InputError(file.string(), 0, "cannot run this file: " + printable(what)).located();
        return r;
    }

    FileResult run(const std::filesystem::path& file)
    {
        std::vector<FileResult> results;
        for (size_t i = 0; i < config_.engines.size(); ++i)
            results.push_back(
                config_.isolation
                    ? run_vector_file_isolated(file, config_.engines[i], *config_.isolation)
                    : run_vector_file(file, *engines_[i], config_.options));
        if (results.size() == 1)
            return std::move(results.front());
        return combine_engine_results(config_.engines, std::move(results));
    }

    const SuiteConfig& config_;
    std::vector<std::unique_ptr<Engine>> engines_;
};

}  // namespace

void run_suite(const std::vector<std::filesystem::path>& files, const SuiteConfig& config,
               size_t jobs, const std::function<void(const FileResult&)>& report,
               const std::function<void(size_t, const std::filesystem::path&)>& progress)
{
    // SIGTERM, SIGINT, SIGHUP (a CI cancel, ^C): isolated, the workers are
    // stopped (each stops its compiler), the running files are reported as
    // interrupted and the rest as not run, and the report ends as usual. In
    // process, a running block cannot be stopped: the compilers are killed
    // and scout dies of the signal, the files reported so far standing.
    child::install_interrupt_handlers(config.isolation ? child::OnInterrupt::carry_on
                                                       : child::OnInterrupt::die);
    jobs = std::max<size_t>(1, std::min(jobs, files.size()));
    if (jobs == 1)
    {
        FileRunner run(config);
        for (size_t i = 0; i < files.size(); ++i)
        {
            if (progress)
                progress(i, files[i]);
            report(run(files[i]));
        }
        return;
    }

    std::vector<std::optional<FileResult>> results(files.size());
    std::mutex mutex;
    std::condition_variable ready;
    std::atomic<size_t> next{0};

    auto worker = [&] {
        FileRunner run(config);
        for (size_t i; (i = next.fetch_add(1)) < files.size();)
        {
            FileResult r = run(files[i]);
            {
                const std::lock_guard<std::mutex> lock(mutex);
                results[i] = std::move(r);
            }
            ready.notify_one();
        }
    };
    std::vector<std::thread> threads;
    for (size_t t = 0; t < jobs; ++t)
        threads.emplace_back(worker);

    for (size_t i = 0; i < files.size(); ++i)
    {
        if (progress)
            progress(i, files[i]);
        std::optional<FileResult> r;
        {
            std::unique_lock<std::mutex> lock(mutex);
            ready.wait(lock, [&] { return results[i].has_value(); });
            r = std::move(results[i]);
            results[i].reset();
        }
        report(*r);
    }
    for (auto& t : threads)
        t.join();
}

}  // namespace scout
