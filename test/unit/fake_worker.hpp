#pragma once
/// A scripted stand-in for `scout worker`, for the tests of the parent side of
/// isolation (isolation.hpp) and of run_suite with isolation.
///
/// run_vector_file_isolated starts /proc/self/exe as `scout worker --engine E
/// [options] -- FILE`; in the unit tests /proc/self/exe is this test binary.
/// Before GoogleTest's main runs, the binary looks at its own command line and,
/// when it is a worker's, plays the scenario that FILE's name starts with
/// ("crash_in_block", "hang", ...; see play() below) and exits, so each test
/// chooses how its worker behaves by the file name it passes. The worker side
/// uses no scout code: its protocol lines are written out by hand, so the
/// parent is checked against the documented protocol (isolation.hpp), not
/// against the functions that produce it.

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

namespace scout_test::fake_worker {

/// The smallest result document file_result_from_json accepts: a file that
/// passed with no blocks.
inline std::string passed_result(const std::string& file, const std::string& note = "")
{
    return R"({"file":")" + file +
           R"(","status":"passed","time_seconds":0,"load_seconds":0,"notes":[)" +
           (note.empty() ? "" : "\"" + note + "\"") +
           R"(],"blocks_total":0,"blocks":[],"root_mismatches":[],"gas_mismatches":[],)"
           R"("metered":false,"disagreements":[],"deposits_match":true,)"
           R"("expected_deposits":[],"actual_deposits":[]})";
}

/// The progress line a worker writes before block `index` of 4, whose pre-state
/// root is 32 bytes 0x11.
inline std::string block_line(int index, int line, int env, const std::string& script)
{
    return "block {\"index\":" + std::to_string(index) + ",\"line\":" + std::to_string(line) +
           ",\"env\":" + std::to_string(env) + ",\"script\":\"" + script + "\",\"pre_state\":\"" +
           std::string(64, '1') + "\",\"of\":4}\n";
}

/// The line a worker writes when block `index` has run: post-state root 32
/// bytes 0x22, 7 ticks, no trap (a block of the JSON report).
inline std::string done_line(int index, int line, int env, const std::string& script)
{
    return "done {\"index\":" + std::to_string(index) + ",\"line\":" + std::to_string(line) +
           ",\"env\":" + std::to_string(env) + ",\"script\":\"" + script + "\",\"pre_state\":\"0x" +
           std::string(64, '1') + "\",\"post_state\":\"0x" + std::string(64, '2') +
           "\",\"post_state_saved\":true,\"ticks_used\":7,\"gas_used\":null,"
           "\"instantiate_seconds\":0,\"execute_seconds\":0,\"debug_output\":[],"
           "\"debug_dropped\":0,\"deposits\":[],\"trap\":null}\n";
}

namespace detail {

inline void say(const std::string& text)
{
    size_t done = 0;
    while (done < text.size())
    {
        const ssize_t n = ::write(1, text.data() + done, text.size() - done);
        if (n <= 0)
            std::_Exit(90);
        done += static_cast<size_t>(n);
    }
}

inline void sleep_ms(int ms)
{
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

[[noreturn]] inline void hang()
{
    for (;;)
        ::pause();
}

/// Plays the scenario FILE names; `args` is the whole command line.
[[noreturn]] inline void play(const std::vector<std::string>& args)
{
    const std::string file = args.back();
    const std::string name = file.substr(file.rfind('/') + 1);
    const auto is = [&](const char* scenario) { return name.rfind(scenario, 0) == 0; };
    if (is("passes"))
        say(block_line(0, 9, 0, "a.wasm") + "result " + passed_result(file) + "\n");
    else if (is("echo_arguments"))
    {
        // The command line, one note per argument after argv[0].
        std::string notes;
        for (size_t i = 1; i < args.size(); ++i)
            notes += (i > 1 ? "|" : "") + args[i];
        say("result " + passed_result(file, notes) + "\n");
    }
    else if (is("crash_in_block"))
    {
        // Block 0 ran; block 2 (of 4) was running.
        say(block_line(0, 9, 0, "a.wasm") + done_line(0, 9, 0, "a.wasm") +
            block_line(2, 17, 1, "b.wasm"));
        std::signal(SIGSEGV, SIG_DFL);
        std::raise(SIGSEGV);
    }
    else if (is("abort_loading"))
    {
        std::signal(SIGABRT, SIG_DFL);
        std::raise(SIGABRT);
    }
    else if (is("exit_3"))
        std::_Exit(3);
    else if (is("hang_in_block"))
    {
        say(block_line(4, 21, 0, "a.wasm"));
        hang();
    }
    else if (is("hang"))
        hang();
    else if (is("ignores_sigterm"))
    {
        // Only then a block starts, restarting the parent's clock: its timeout
        // cannot come between the two.
        std::signal(SIGTERM, SIG_IGN);
        say(block_line(0, 7, 0, "a.wasm"));
        hang();
    }
    else if (is("slow_blocks"))
    {
        // Five blocks of 150 ms: 750 ms in all, each block within a 400 ms limit.
        for (int i = 0; i < 5; ++i)
        {
            say(block_line(i, 9 + 2 * i, 0, "a.wasm"));
            sleep_ms(150);
        }
        say("result " + passed_result(file) + "\n");
    }
    else if (is("garbled_then_result"))
        say("block {not json\nblock {\"index\":\"x\"}\nresult [1,2]\nresult {\"file\":1}\n"
            "noise\nresult " +
            passed_result(file) + "\n");
    else if (is("garbled_only"))
        say("result {\"file\":\"x\",\"status\":\"passed\"}\n");
    else if (is("split_result"))
    {
        // One line in pieces, with pauses: the parent must join them.
        const std::string line = "result " + passed_result(file) + "\n";
        for (size_t i = 0; i < line.size(); i += 7)
        {
            say(line.substr(i, 7));
            if (i % 70 == 0)
                sleep_ms(5);
        }
    }
    else if (is("long_result"))
        // A line longer than the parent's 64 KiB read buffer.
        say("result " + passed_result(file, std::string(200'000, 'n')) + "\n");
    else
        std::_Exit(91);
    std::_Exit(0);
}

inline std::vector<std::string> own_command_line()
{
    std::ifstream in("/proc/self/cmdline", std::ios::binary);
    const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::string> args;
    for (size_t start = 0; start < all.size();)
    {
        const size_t end = all.find('\0', start);
        args.push_back(all.substr(start, end - start));
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    return args;
}

/// Runs once per process, before main (an inline variable: one instance
/// however many test files include this header).
inline const bool installed = [] {
    const auto args = own_command_line();
    if (args.size() > 2 && args[1] == "worker")
        play(args);
    return true;
}();

}  // namespace detail

}  // namespace scout_test::fake_worker
