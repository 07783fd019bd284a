#include "differential.hpp"

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
