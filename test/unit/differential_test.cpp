#include "differential.hpp"
#include "engine.hpp"
#include "engine_registry.hpp"
#include "module_check.hpp"

#include <gtest/gtest.h>

using namespace scout;

namespace {

FileResult passing_result()
{
    FileResult r;
    r.file = "v.yaml";
    r.status = FileStatus::passed;
    r.blocks_total = 2;
    for (size_t i = 0; i < 2; ++i)
    {
        BlockResult b;
        b.index = i;
        b.post_state[0] = static_cast<uint8_t>(i + 1);
        b.ticks_used = 10;
        b.debug_output = {"print32: 1 (i32 1)"};
        r.blocks.push_back(b);
    }
    return r;
}

bool mentions(const std::vector<std::string>& lines, const std::string& text)
{
    for (const auto& l : lines)
        if (l.find(text) != std::string::npos)
            return true;
    return false;
}

}  // namespace

TEST(ParseEngineList, SingleListAndAll)
{
    EXPECT_EQ(parse_engine_list("binaryen"), std::vector<std::string>{"binaryen"});
    EXPECT_EQ(parse_engine_list("binaryen,binaryen"), std::vector<std::string>{"binaryen"});
    EXPECT_EQ(parse_engine_list("all"), engine_names());
    EXPECT_FALSE(parse_engine_list("v8").has_value());
    EXPECT_FALSE(parse_engine_list("binaryen,v8").has_value());
    EXPECT_FALSE(parse_engine_list("").has_value());
}

TEST(Disagreements, IdenticalResultsAgree)
{
    EXPECT_TRUE(disagreements({"a", "b"}, {passing_result(), passing_result()}).empty());
}

TEST(Disagreements, TimingsAndTrapWordingAreNotCompared)
{
    auto a = passing_result();
    auto b = passing_result();
    b.blocks[0].execute_seconds = 5;
    b.load_seconds = 3;
    a.blocks[1].trap = TrapInfo{TrapKind::wasm, "unreachable"};
    b.blocks[1].trap = TrapInfo{TrapKind::wasm, "unreachable executed"};
    EXPECT_TRUE(disagreements({"a", "b"}, {a, b}).empty());
}

TEST(Disagreements, DifferentPostStateNamesBlockAndEngines)
{
    auto a = passing_result();
    auto b = passing_result();
    b.blocks[1].post_state[31] = 0xff;
    const auto lines = disagreements({"binaryen", "wabt"}, {a, b});
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_NE(lines[0].find("block 1 post-state"), std::string::npos) << lines[0];
    EXPECT_NE(lines[0].find("binaryen 0x02"), std::string::npos) << lines[0];
    EXPECT_NE(lines[0].find("wabt 0x02"), std::string::npos) << lines[0];
}

TEST(Disagreements, TrapKindGasTicksDepositsDebugAndStatus)
{
    auto a = passing_result();
    auto b = passing_result();
    b.blocks[0].trap = TrapInfo{TrapKind::host, "x"};
    b.blocks[0].gas_used = 5;
    b.blocks[0].ticks_used = 11;
    b.blocks[0].deposits = 1;
    b.blocks[0].debug_output.push_back("print32: 2 (i32 2)");
    b.status = FileStatus::failed;
    const auto lines = disagreements({"a", "b"}, {a, b});
    for (const char* what : {"status", "block 0 trap", "block 0 gas", "block 0 ticks",
                             "block 0 deposits", "block 0 debug output"})
        EXPECT_TRUE(mentions(lines, what)) << what;
}

TEST(Disagreements, DifferentNumberOfBlocksRun)
{
    auto a = passing_result();
    auto b = passing_result();
    b.blocks.pop_back();
    EXPECT_TRUE(mentions(disagreements({"a", "b"}, {a, b}), "blocks run: a 2, b 1"));
}

TEST(CombineEngineResults, DisagreementFailsAPassingFile)
{
    auto a = passing_result();
    auto b = passing_result();
    b.blocks[0].post_state[5] = 9;
    const auto combined = combine_engine_results({"a", "b"}, {a, b});
    EXPECT_EQ(combined.status, FileStatus::failed);
    EXPECT_FALSE(combined.disagreements.empty());
    const auto agreed = combine_engine_results({"a", "b"}, {passing_result(), passing_result()});
    EXPECT_EQ(agreed.status, FileStatus::passed);
    EXPECT_TRUE(agreed.disagreements.empty());
}

namespace {

FileResult not_run_result(const std::string& why)
{
    FileResult r;
    r.file = "v.yaml";
    r.status = FileStatus::error;
    r.error = "v.yaml:3: s.wasm: not run on the c engine: " + why;
    r.not_run = "s.wasm: " + why;
    return r;
}

FileResult error_result(const std::string& error)
{
    FileResult r;
    r.file = "v.yaml";
    r.status = FileStatus::error;
    r.error = error;
    return r;
}

}  // namespace

TEST(CombineEngineResults, EveryEngineGetsAVerdictAndAReason)
{
    auto trapped = passing_result();
    trapped.status = FileStatus::failed;
    trapped.blocks[1].trap = TrapInfo{TrapKind::host, "boom"};
    const auto combined = combine_engine_results(
        {"a", "b", "c"}, {passing_result(), trapped, error_result("v.yaml:3: s.wasm: bad")});
    ASSERT_EQ(combined.engines.size(), 3u);
    EXPECT_EQ(combined.engines[0].engine, "a");
    EXPECT_EQ(combined.engines[0].verdict, "passed");
    EXPECT_EQ(combined.engines[0].reason, "");
    EXPECT_EQ(combined.engines[1].verdict, "failed");
    EXPECT_EQ(combined.engines[1].reason, "block 1, env 0: trap (host): boom");
    EXPECT_EQ(combined.engines[2].verdict, "error");
    EXPECT_EQ(combined.engines[2].reason, "v.yaml:3: s.wasm: bad");
    // A load error on one engine is a disagreement: the file fails.
    EXPECT_EQ(combined.status, FileStatus::failed);
    EXPECT_TRUE(mentions(combined.disagreements, "status: a passed, b failed, c error"));
}

TEST(CombineEngineResults, AnEngineLackingAFeatureIsNotRunNotADisagreement)
{
    const auto combined = combine_engine_results(
        {"a", "c", "b"}, {passing_result(), not_run_result("uses SIMD"), passing_result()});
    EXPECT_EQ(combined.status, FileStatus::passed);
    EXPECT_TRUE(combined.disagreements.empty());
    ASSERT_EQ(combined.engines.size(), 3u);
    EXPECT_EQ(combined.engines[1].verdict, "not run");
    EXPECT_EQ(combined.engines[1].reason, "s.wasm: uses SIMD");
    EXPECT_EQ(combined.blocks.size(), 2u);  // the result of an engine that ran
}

TEST(CombineEngineResults, TheEnginesThatRanMustStillAgree)
{
    auto b = passing_result();
    b.blocks[0].post_state[5] = 9;
    const auto combined =
        combine_engine_results({"a", "c", "b"}, {passing_result(), not_run_result("uses SIMD"), b});
    EXPECT_EQ(combined.status, FileStatus::failed);
    EXPECT_TRUE(mentions(combined.disagreements, "block 0 post-state: a 0x"));
    EXPECT_FALSE(mentions(combined.disagreements, "c "));
}

TEST(CombineEngineResults, TheFirstEngineThatRanIsReported)
{
    auto b = passing_result();
    b.blocks.pop_back();
    b.blocks_total = 1;
    const auto combined = combine_engine_results({"c", "b"}, {not_run_result("uses SIMD"), b});
    EXPECT_EQ(combined.status, FileStatus::passed);
    EXPECT_EQ(combined.blocks.size(), 1u);
    EXPECT_EQ(combined.engines[0].verdict, "not run");
}

TEST(CombineEngineResults, NoEngineCouldRunIt)
{
    const auto combined = combine_engine_results(
        {"c", "d"}, {not_run_result("uses SIMD"), not_run_result("uses threads")});
    EXPECT_EQ(combined.status, FileStatus::error);
    EXPECT_EQ(combined.not_run, "s.wasm: uses SIMD");
    ASSERT_EQ(combined.engines.size(), 2u);
    EXPECT_EQ(combined.engines[1].reason, "s.wasm: uses threads");
}

TEST(EngineCannotRun, SimdOnWasm2cOnly)
{
    FeatureUse simd;
    simd.simd = "function 2: i32x4.add";
    EXPECT_EQ(engine_cannot_run("binaryen", simd), "");
    EXPECT_EQ(engine_cannot_run("wabt", simd), "");
    EXPECT_NE(engine_cannot_run("wasm2c", simd).find("uses SIMD (function 2: i32x4.add), which "),
              std::string::npos);
    EXPECT_EQ(engine_cannot_run("wasm2c", FeatureUse{}), "");
}
