#include "suite.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

namespace scout {

void run_suite(const std::vector<std::filesystem::path>& files, const std::string& engine_name,
               const EngineLimits& limits, const RunOptions& options, size_t jobs,
               const std::function<void(const FileResult&)>& report,
               const std::function<void(size_t, const std::filesystem::path&)>& progress)
{
    jobs = std::max<size_t>(1, std::min(jobs, files.size()));
    if (jobs == 1)
    {
        auto engine = make_engine(engine_name, limits);
        for (size_t i = 0; i < files.size(); ++i)
        {
            if (progress)
                progress(i, files[i]);
            report(run_vector_file(files[i], *engine, options));
        }
        return;
    }

    std::vector<std::optional<FileResult>> results(files.size());
    std::mutex mutex;
    std::condition_variable ready;
    std::atomic<size_t> next{0};

    auto worker = [&] {
        auto engine = make_engine(engine_name, limits);
        for (size_t i; (i = next.fetch_add(1)) < files.size();)
        {
            FileResult r = run_vector_file(files[i], *engine, options);
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
