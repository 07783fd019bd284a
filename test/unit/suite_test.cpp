#include "suite.hpp"

#include "fake_worker.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <sys/resource.h>
#include <unistd.h>

#include <string>
#include <utility>
#include <vector>

using namespace scout;
using scout_test::contains;
using scout_test::TempDir;

namespace {

namespace fs = std::filesystem;

/// Vector files in a temporary folder: "pass" ones (post = pre), "fail" ones
/// (a wrong expected root) and names of files that do not exist.
class Suite : public ::testing::Test
{
protected:
    void SetUp() override
    {
        scout_test::write_file(dir / "copy.wasm", scout_test::wat(scout_test::copy_eth2_style));
    }

    fs::path vector(const std::string& name, bool passes)
    {
        const std::string pre = "0x" + std::string(64, '1');
        const std::string post = passes ? pre : "0x" + std::string(64, '2');
        const fs::path path = dir / (name + ".yaml");
        scout_test::write_file(path, "beacon_state:\n  execution_scripts:\n    - copy.wasm\n"
                                     "shard_pre_state:\n  exec_env_states:\n    - " +
                                         pre +
                                         "\nshard_blocks:\n  - env: 0\n    data: \"\"\n"
                                         "shard_post_state:\n  exec_env_states:\n    - " +
                                         post + "\n");
        return path;
    }

    /// What run_suite reported, in the order it reported, and the progress calls.
    struct Run
    {
        std::vector<FileResult> reported;
        std::vector<std::pair<size_t, fs::path>> progress;
    };
    static Run run(const std::vector<fs::path>& files, const SuiteConfig& config, size_t jobs)
    {
        Run r;
        run_suite(
            files, config, jobs, [&](const FileResult& f) { r.reported.push_back(f); },
            [&](size_t done, const fs::path& next) { r.progress.emplace_back(done, next); });
        return r;
    }

    /// A mix of passing, failing and missing files.
    std::vector<fs::path> mixed_files()
    {
        std::vector<fs::path> files;
        for (int i = 0; i < 7; ++i)
            files.push_back(i % 3 == 2 ? dir / ("missing" + std::to_string(i) + ".yaml")
                                       : vector("v" + std::to_string(i), i % 3 == 0));
        return files;
    }

    static FileStatus expected_status(size_t i)
    {
        return i % 3 == 0   ? FileStatus::passed
               : i % 3 == 1 ? FileStatus::failed
                            : FileStatus::error;
    }

    TempDir dir;
};

}  // namespace

TEST_F(Suite, ReportsInInputOrderWhateverTheJobs)
{
    const auto files = mixed_files();
    for (size_t jobs : {0, 1, 2, 4, 32})
    {
        const auto r = run(files, SuiteConfig{}, jobs);
        ASSERT_EQ(r.reported.size(), files.size()) << jobs << " jobs";
        ASSERT_EQ(r.progress.size(), files.size()) << jobs << " jobs";
        for (size_t i = 0; i < files.size(); ++i)
        {
            EXPECT_EQ(r.reported[i].file, files[i]) << jobs << " jobs, file " << i;
            EXPECT_EQ(r.reported[i].status, expected_status(i)) << jobs << " jobs, file " << i;
            EXPECT_EQ(r.progress[i], std::make_pair(i, files[i])) << jobs << " jobs";
        }
    }
}

TEST_F(Suite, NoFilesNoReports)
{
    const auto r = run({}, SuiteConfig{}, 4);
    EXPECT_TRUE(r.reported.empty());
    EXPECT_TRUE(r.progress.empty());
}

TEST_F(Suite, SeveralEnginesGiveOneResultWithEachVerdict)
{
    SuiteConfig config;
    config.engines = {"binaryen", "wabt"};
    const auto r = run({vector("ok", true), vector("bad", false)}, config, 2);
    ASSERT_EQ(r.reported.size(), 2u);
    ASSERT_EQ(r.reported[0].engines.size(), 2u);
    EXPECT_EQ(r.reported[0].status, FileStatus::passed);
    EXPECT_EQ(r.reported[0].engines[0].engine, "binaryen");
    EXPECT_EQ(r.reported[0].engines[1].engine, "wabt");
    EXPECT_EQ(r.reported[0].engines[1].verdict, "passed");
    EXPECT_EQ(r.reported[1].status, FileStatus::failed);
    EXPECT_EQ(r.reported[1].engines[0].verdict, "failed");
    EXPECT_EQ(r.reported[1].engines[1].verdict, "failed");
    // Both fail the same way: no disagreement.
    EXPECT_TRUE(r.reported[1].disagreements.empty());
}

TEST_F(Suite, IsolatedFilesRunInWorkersInInputOrder)
{
    // The workers are fake_worker.hpp's: each file's name is its scenario.
    SuiteConfig config;
    config.isolation = IsolationOptions{};
    config.isolation->timeout_seconds = 30;
    const std::vector<fs::path> files = {"/s/passes.yaml", "/s/crash_in_block.yaml",
                                         "/s/exit_3.yaml", "/s/passes_too.yaml"};
    for (size_t jobs : {1, 3})
    {
        const auto r = run(files, config, jobs);
        ASSERT_EQ(r.reported.size(), 4u);
        for (size_t i = 0; i < files.size(); ++i)
            EXPECT_EQ(r.reported[i].file, files[i]);
        EXPECT_EQ(r.reported[0].status, FileStatus::passed);
        EXPECT_EQ(r.reported[1].status, FileStatus::failed);
        // Block 0 ran, block 2 was running when the worker crashed.
        ASSERT_EQ(r.reported[1].blocks.size(), 2u);
        ASSERT_TRUE(r.reported[1].blocks[1].trap.has_value());
        EXPECT_EQ(r.reported[1].blocks[1].trap->kind, TrapKind::crashed);
        EXPECT_TRUE(contains(r.reported[2].load_error, "exited with code 3"));
        EXPECT_EQ(r.reported[3].status, FileStatus::passed);
    }
}

TEST_F(Suite, AWorkerThatCannotStartIsThatFilesErrorAndTheRunGoesOn)
{
    // No file descriptor left for the worker's pipe: the limit is lowered to
    // the lowest free descriptor while the suite runs.
    SuiteConfig config;
    config.isolation = IsolationOptions{};
    rlimit old{};
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &old), 0);
    const int lowest_free = ::dup(0);
    ASSERT_GE(lowest_free, 0);
    ::close(lowest_free);
    rlimit tight = old;
    tight.rlim_cur = static_cast<rlim_t>(lowest_free);
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &tight), 0);
    std::vector<FileResult> reported;
    run_suite({"/s/passes.yaml", "/s/passes_too.yaml"}, config, 1,
              [&](const FileResult& f) { reported.push_back(f); });
    ::setrlimit(RLIMIT_NOFILE, &old);

    ASSERT_EQ(reported.size(), 2u);
    for (const auto& f : reported)
    {
        EXPECT_EQ(f.status, FileStatus::error);
        EXPECT_TRUE(contains(f.error, ": cannot run this file: ")) << f.error;
        EXPECT_TRUE(contains(f.error, "Too many open files")) << f.error;
    }
    EXPECT_EQ(reported[0].error.rfind("/s/passes.yaml: ", 0), 0u) << reported[0].error;
}
