#include "child_process.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace scout;

namespace {

namespace fs = std::filesystem;

/// Whether `pid` is a live process (a zombie is not).
bool alive(pid_t pid)
{
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line))
        return false;
    const auto close = line.rfind(')');
    return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z';
}

bool gone_within(pid_t pid, std::chrono::seconds limit)
{
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end)
    {
        if (!alive(pid))
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

/// The pid a shell wrote to `file` (it starts a grandchild and reports its $!).
pid_t read_pid(const fs::path& file)
{
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < end)
    {
        std::ifstream in(file);
        pid_t pid = 0;
        if (in >> pid && pid > 0)
            return pid;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return 0;
}

}  // namespace

TEST(ChildProcess, RunsTheProgramWithItsOutputInTheFile)
{
    scout_test::TempDir dir;
    child::SpawnOptions o;
    o.output_file = dir.path() / "out.log";
    child::Tracked t(child::spawn({"sh", "-c", "echo hello; echo oops >&2; exit 3"}, o), true);
    const int status = t.wait();
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 3);
    std::ifstream in(o.output_file);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text, "hello\noops\n");
}

TEST(ChildProcess, AMissingProgramIsAnError)
{
    EXPECT_THROW(child::spawn({"scout-no-such-program-anywhere"}, {}), std::runtime_error);
}

// A compiler driver and the cc1 it starts: killing the tracked group ends both, the
// driver's child included, which a kill of the driver alone would leave running.
TEST(ChildProcess, TheWholeGroupEndsWithTheTrackedChild)
{
    scout_test::TempDir dir;
    const fs::path pid_file = dir.path() / "grandchild";
    child::SpawnOptions o;
    o.own_group = true;
    pid_t grandchild = 0;
    {
        child::Tracked t(
            child::spawn({"sh", "-c", "sleep 600 & echo $! > '" + pid_file.string() + "'; wait"},
                         o),
            true);
        grandchild = read_pid(pid_file);
        ASSERT_GT(grandchild, 0);
        EXPECT_TRUE(alive(grandchild));
        EXPECT_EQ(::getpgid(grandchild), t.pid());  // in the child's own group
    }  // the destructor kills the group and reaps the child
    EXPECT_TRUE(gone_within(grandchild, std::chrono::seconds(5)));
}

// PR_SET_PDEATHSIG: the child gets its death signal when the thread that started it
// ends (a worker's thread, a compiling thread), however it ends. The thread waits until
// the child has reached exec (past its prctl), as scout's threads wait for their children.
TEST(ChildProcess, TheChildDiesWithTheThreadThatStartedIt)
{
    scout_test::TempDir dir;
    const fs::path ready = dir.path() / "ready";
    pid_t pid = 0;
    std::thread starter([&] {
        child::SpawnOptions o;
        o.death_signal = SIGKILL;
        pid = child::spawn({"sh", "-c", "echo $$ > '" + ready.string() + "'; exec sleep 600"}, o);
        read_pid(ready);
    });
    starter.join();
    ASSERT_GT(pid, 0);
    ASSERT_EQ(read_pid(ready), pid);
    // Reaped here: waitpid works for any child of the process.
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status));
    EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

TEST(ChildProcess, SignalNames)
{
    EXPECT_EQ(child::signal_name(SIGTERM), "SIGTERM");
    EXPECT_EQ(child::signal_name(SIGINT), "SIGINT");
}
