#include "suite.hpp"

#include "differential.hpp"

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
    FileResult operator()(const std::filesystem::path& file)
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

private:
    const SuiteConfig& config_;
    std::vector<std::unique_ptr<Engine>> engines_;
};

}  // namespace

void run_suite(const std::vector<std::filesystem::path>& files, const SuiteConfig& config,
               size_t jobs, const std::function<void(const FileResult&)>& report,
               const std::function<void(size_t, const std::filesystem::path&)>& progress)
{
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
