// OutputCapture (src/core/output_capture.hpp): what a thread writes to the standard
// streams while a capture lives on it goes into the capture; other threads'
// writes reach the terminal (here: the file descriptor gtest redirects).

#include "output_capture.hpp"

#include <gtest/gtest.h>

#include <iostream>
#include <string>
#include <thread>
#include <vector>

using scout::OutputCapture;

TEST(OutputCapture, TakesThisThreadsStandardStreams)
{
    testing::internal::CaptureStderr();
    testing::internal::CaptureStdout();
    std::string text;
    {
        OutputCapture capture;
        std::cerr << "warning: empty local name at index " << 0 << "\n";
        std::cout << "Missing type: " << 7 << '\n';
        std::clog << "clog" << std::endl;
        text = capture.text();
    }
    std::cerr << "after\n";
    const std::string err = testing::internal::GetCapturedStderr();
    const std::string out = testing::internal::GetCapturedStdout();
    EXPECT_EQ(text, "warning: empty local name at index 0\nMissing type: 7\nclog\n");
    EXPECT_EQ(err, "after\n");
    EXPECT_EQ(out, "");
}

TEST(OutputCapture, OtherThreadsWritePastIt)
{
    testing::internal::CaptureStderr();
    std::string captured;
    {
        OutputCapture capture;
        std::thread other([] { std::cerr << "from another thread\n"; });
        other.join();
        std::cerr << "mine\n";
        captured = capture.text();
    }
    EXPECT_EQ(testing::internal::GetCapturedStderr(), "from another thread\n");
    EXPECT_EQ(captured, "mine\n");
}

TEST(OutputCapture, ConcurrentCapturesKeepTheirOwnText)
{
    // As `scout run -j` threads parse modules at once: each capture holds
    // exactly what its thread wrote, however the writes interleave.
    constexpr int threads = 8;
    constexpr int lines = 2000;
    std::vector<std::string> texts(threads);
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([t, &texts] {
            OutputCapture capture;
            for (int i = 0; i < lines; ++i)
                std::cerr << "thread " << t << " line " << i << "\n";
            texts[t] = capture.text();
        });
    for (auto& p : pool)
        p.join();
    for (int t = 0; t < threads; ++t)
    {
        std::string expected;
        for (int i = 0; i < lines; ++i)
            expected += "thread " + std::to_string(t) + " line " + std::to_string(i) + "\n";
        EXPECT_EQ(texts[t], expected) << "thread " << t;
    }
}

TEST(OutputCapture, NestedCapturesHandTheirTextOut)
{
    OutputCapture outer;
    {
        OutputCapture inner;
        std::cerr << "inner\n";
        EXPECT_EQ(OutputCapture::current(), &inner);
    }
    {
        OutputCapture consumed;
        std::cerr << "reported elsewhere\n";
        consumed.consume();
    }
    std::cerr << "outer\n";
    EXPECT_EQ(OutputCapture::current(), &outer);
    EXPECT_EQ(outer.text(), "inner\nouter\n");
}

TEST(OutputCapture, AnExplicitParentOnAnotherThread)
{
    // meter_module: Binaryen runs on a large-stack thread, the caller waits.
    OutputCapture caller;
    std::thread worker([parent = OutputCapture::current()] {
        OutputCapture forward(parent);
        std::cerr << "from the worker\n";
    });
    worker.join();
    EXPECT_EQ(caller.text(), "from the worker\n");
    std::thread orphan([] {
        OutputCapture forward(nullptr);  // nobody to hand it to: dropped
        std::cerr << "dropped\n";
    });
    orphan.join();
    EXPECT_EQ(caller.text(), "from the worker\n");
}

TEST(OutputCapture, LinesAreDistinctNonEmptyAndPrintable)
{
    OutputCapture capture;
    const std::string text = "warning: a\n\nwarning: a\r\nwarning: \x01 b  \nwarning: c";
    capture.append(text.data(), text.size());
    EXPECT_EQ(capture.lines(),
              (std::vector<std::string>{"warning: a", "warning: \\x01 b", "warning: c"}));
    capture.consume();
}
