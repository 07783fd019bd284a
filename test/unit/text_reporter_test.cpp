#include "text_reporter.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

using namespace scout;
using scout_test::hex_of;
using scout_test::sha256;

using scout_test::contains;

namespace {

std::vector<std::string> lines_of(const std::string& text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

BlockResult block(size_t index, size_t line, uint32_t env, const std::string& script)
{
    BlockResult b;
    b.index = index;
    b.line = line;
    b.env = env;
    b.script = script;
    return b;
}

FileResult passed(const std::string& file, size_t blocks)
{
    FileResult r;
    r.file = file;
    r.status = FileStatus::passed;
    r.blocks_total = blocks;
    for (size_t i = 0; i < blocks; ++i)
        r.blocks.push_back(block(i, 8 + 2 * i, 0, "s.wasm"));
    return r;
}

FileResult error(const std::string& located)
{
    FileResult r;
    r.file = "bad.yaml";
    r.status = FileStatus::error;
    r.error = located;
    return r;
}

/// A file whose block 2 (line 12, env 1, script t.wasm) trapped; 4 blocks in all.
FileResult trapped()
{
    FileResult r;
    r.file = "trap.yaml";
    r.status = FileStatus::failed;
    r.blocks_total = 4;
    r.blocks.push_back(block(0, 8, 0, "s.wasm"));
    r.blocks.push_back(block(1, 10, 0, "s.wasm"));
    auto b = block(2, 12, 1, "t.wasm");
    b.trap = TrapInfo{TrapKind::wasm, "unreachable executed"};
    r.blocks.push_back(b);
    return r;
}

Deposit deposit(uint64_t amount)
{
    Deposit d;
    d.pubkey.fill(0x11);
    d.withdrawal_credentials.fill(0x22);
    d.amount = amount;
    d.signature.fill(0x33);
    return d;
}

}  // namespace

TEST(TextReporter, PassLine)
{
    std::ostringstream out;
    TextReporter rep(out, false);
    rep.file(passed("dir/a.yaml", 1));
    EXPECT_EQ(out.str(), "PASS dir/a.yaml (1 block)\n");
    EXPECT_EQ(rep.passed(), 1u);
    EXPECT_EQ(rep.failed(), 0u);
}

TEST(TextReporter, PassLinePluralBlocks)
{
    std::ostringstream out;
    TextReporter rep(out, false);
    rep.file(passed("a.yaml", 3));
    EXPECT_EQ(out.str(), "PASS a.yaml (3 blocks)\n");
}

TEST(TextReporter, FailShowsExpectedAndActualRootsInHex)
{
    FileResult r = passed("m.yaml", 1);
    r.status = FileStatus::failed;
    const Bytes32 expected = sha256("expected");
    const Bytes32 actual = sha256("actual");
    r.root_mismatches.push_back({1, expected, actual});

    std::ostringstream out;
    TextReporter rep(out, false);
    rep.file(r);
    const auto text = out.str();
    const auto lines = lines_of(text);
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines[0], "FAIL m.yaml (1 block)");
    EXPECT_TRUE(contains(text, "env 1")) << text;
    EXPECT_TRUE(contains(text, "mismatch")) << text;
    EXPECT_TRUE(contains(text, "expected 0x" + hex_of(expected) + "\n")) << text;
    EXPECT_TRUE(contains(text, "actual   0x" + hex_of(actual) + "\n")) << text;
    EXPECT_LT(text.find("expected 0x"), text.find("actual   0x"));
    EXPECT_EQ(rep.failed(), 1u);
    EXPECT_EQ(rep.errors(), 0u);
}

TEST(TextReporter, TrapLineNamesBlockLineEnvScriptAndMessage)
{
    std::ostringstream out;
    TextReporter rep(out, false);
    rep.file(trapped());
    std::string trap_line;
    for (const auto& line : lines_of(out.str()))
        if (contains(line, "unreachable executed"))
            trap_line = line;
    ASSERT_FALSE(trap_line.empty()) << out.str();
    EXPECT_TRUE(contains(trap_line, "block 2")) << trap_line;
    EXPECT_TRUE(contains(trap_line, "line 12")) << trap_line;
    EXPECT_TRUE(contains(trap_line, "env 1")) << trap_line;
    EXPECT_TRUE(contains(trap_line, "t.wasm")) << trap_line;
    EXPECT_TRUE(contains(trap_line, "trap (wasm)")) << trap_line;
}

TEST(TextReporter, TrapKindIsShown)
{
    FileResult r = trapped();
    r.blocks.back().trap = TrapInfo{TrapKind::out_of_ticks, "budget gone"};
    std::ostringstream out;
    TextReporter(out, false).file(r);
    EXPECT_TRUE(contains(out.str(), "out of ticks")) << out.str();
    EXPECT_TRUE(contains(out.str(), "budget gone")) << out.str();
}

TEST(TextReporter, BlocksNotRunAfterATrapAreCounted)
{
    std::ostringstream out;
    TextReporter(out, false).file(trapped());
    EXPECT_TRUE(contains(out.str(), "1 of 4 blocks not run")) << out.str();
}

TEST(TextReporter, DebugOutputShownForAFailingFile)
{
    FileResult r = trapped();
    r.blocks[1].debug_output = {"print32: 7 (i32 7)"};
    std::ostringstream out;
    TextReporter(out, false).file(r);
    std::string debug_line;
    for (const auto& line : lines_of(out.str()))
        if (contains(line, "print32: 7 (i32 7)"))
            debug_line = line;
    ASSERT_FALSE(debug_line.empty()) << out.str();
    // Tagged with file, block and env.
    EXPECT_TRUE(contains(debug_line, "trap.yaml")) << debug_line;
    EXPECT_TRUE(contains(debug_line, "block 1")) << debug_line;
    EXPECT_TRUE(contains(debug_line, "env 0")) << debug_line;
}

TEST(TextReporter, DroppedDebugLinesAreCounted)
{
    FileResult r = trapped();
    r.blocks[2].debug_output = {"x"};
    r.blocks[2].debug_dropped = 17;
    std::ostringstream out;
    TextReporter(out, false).file(r);
    EXPECT_TRUE(contains(out.str(), "17")) << out.str();
    EXPECT_TRUE(contains(out.str(), "dropped")) << out.str();
}

TEST(TextReporter, DebugOutputHiddenForAPassingFileWithoutVerbose)
{
    FileResult r = passed("ok.yaml", 1);
    r.blocks[0].debug_output = {"print32: 7 (i32 7)"};
    std::ostringstream out;
    TextReporter(out, false).file(r);
    EXPECT_EQ(out.str(), "PASS ok.yaml (1 block)\n");
}

TEST(TextReporter, DebugOutputShownForAPassingFileWithVerbose)
{
    FileResult r = passed("ok.yaml", 1);
    r.blocks[0].debug_output = {"print32: 7 (i32 7)"};
    std::ostringstream out;
    TextReporter(out, true).file(r);
    EXPECT_TRUE(contains(out.str(), "print32: 7 (i32 7)")) << out.str();
    EXPECT_EQ(out.str().rfind("PASS ok.yaml (1 block", 0), 0u) << out.str();
}

TEST(TextReporter, VerboseShowsRootsOfEachBlock)
{
    FileResult r = passed("ok.yaml", 1);
    r.blocks[0].pre_state = sha256("pre");
    r.blocks[0].post_state = sha256("post");
    std::ostringstream out;
    TextReporter(out, true).file(r);
    EXPECT_TRUE(contains(out.str(), "0x" + hex_of(sha256("pre")))) << out.str();
    EXPECT_TRUE(contains(out.str(), "0x" + hex_of(sha256("post")))) << out.str();
}

TEST(TextReporter, ErrorLine)
{
    std::ostringstream out;
    TextReporter rep(out, false);
    rep.file(error("bad.yaml:3: execution script not found: x.wasm"));
    EXPECT_EQ(out.str(), "ERROR bad.yaml:3: execution script not found: x.wasm\n");
    EXPECT_EQ(rep.failed(), 1u);
    EXPECT_EQ(rep.errors(), 1u);
    EXPECT_EQ(rep.passed(), 0u);
}

TEST(TextReporter, UnknownKeyWarningShownWithoutVerbose)
{
    FileResult r = passed("w.yaml", 1);
    r.notes = {"w.yaml:13: unknown top-level key 'remark' ignored", "script s.wasm -> s.wasm"};
    std::ostringstream out;
    TextReporter(out, false).file(r);
    EXPECT_TRUE(contains(out.str(), "unknown top-level key 'remark'")) << out.str();
    EXPECT_FALSE(contains(out.str(), "script s.wasm -> s.wasm")) << out.str();
}

TEST(TextReporter, DepositMismatchShowsBothAmounts)
{
    FileResult r = passed("d.yaml", 1);
    r.status = FileStatus::failed;
    r.deposits_match = false;
    r.expected_deposits = {deposit(123456789)};
    r.actual_deposits = {deposit(987654321)};
    std::ostringstream out;
    TextReporter(out, false).file(r);
    EXPECT_TRUE(contains(out.str(), "deposit")) << out.str();
    EXPECT_TRUE(contains(out.str(), "123456789")) << out.str();
    EXPECT_TRUE(contains(out.str(), "987654321")) << out.str();
}

TEST(TextReporter, MissingDepositShown)
{
    FileResult r = passed("d.yaml", 1);
    r.status = FileStatus::failed;
    r.deposits_match = false;
    r.expected_deposits = {deposit(123456789)};
    std::ostringstream out;
    TextReporter(out, false).file(r);
    EXPECT_TRUE(contains(out.str(), "123456789")) << out.str();
    EXPECT_TRUE(contains(out.str(), "none")) << out.str();
}

TEST(TextReporter, SummaryCountsErrorsAsFailed)
{
    std::ostringstream out;
    TextReporter rep(out, false);
    rep.file(passed("a.yaml", 1));
    rep.file(error("bad.yaml: cannot open vector file"));
    rep.file(passed("b.yaml", 2));
    out.str("");
    rep.summary();
    EXPECT_EQ(out.str(), "2 passed, 1 failed\n");
}

TEST(TextReporter, SummaryWithFailuresAndErrors)
{
    std::ostringstream out;
    TextReporter rep(out, false);
    rep.file(trapped());
    rep.file(error("bad.yaml:1: malformed YAML"));
    rep.summary();
    const auto lines = lines_of(out.str());
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines.back(), "0 passed, 2 failed");
    EXPECT_EQ(rep.errors(), 1u);
}

TEST(TextReporter, EmptySummary)
{
    std::ostringstream out;
    TextReporter(out, false).summary();
    EXPECT_EQ(out.str(), "0 passed, 0 failed\n");
}

TEST(TextReporter, DepositMismatchNamesTheLayoutAndHintsAtTheOther)
{
    // 32000000000 = 0x0000000773594000; its bytes reversed read
    // 0x0040597307000000 = 18112749083033600 (Python: int.from_bytes(
    // (32000000000).to_bytes(8, "little"), "big")).
    FileResult r = passed("d.yaml", 1);
    r.status = FileStatus::failed;
    r.deposits_match = false;
    r.uses_deposits = true;
    r.expected_deposits = {deposit(32000000000u)};
    r.actual_deposits = {deposit(18112749083033600u)};
    std::ostringstream out;
    TextReporter(out, false).file(r);
    EXPECT_TRUE(contains(out.str(), "deposit receipts differ: expected 1, got 1; deposit layout "
                                    "ewasm (amount big-endian, as ewasm/scout)\n"))
        << out.str();
    EXPECT_TRUE(contains(out.str(), "(read little-endian, the amount would match: if the script "
                                    "pushes SSZ deposits, add deposit_layout: ssz to the vector)"))
        << out.str();
    r.deposit_layout = DepositLayout::ssz;
    std::ostringstream ssz;
    TextReporter(ssz, false).file(r);
    EXPECT_TRUE(contains(ssz.str(), "deposit layout ssz (amount little-endian, as SSZ)"))
        << ssz.str();
    EXPECT_TRUE(contains(ssz.str(), "(read big-endian, the amount would match")) << ssz.str();
    // Amounts that are not each other's reversal get no hint.
    r.actual_deposits = {deposit(5)};
    std::ostringstream plain;
    TextReporter(plain, false).file(r);
    EXPECT_FALSE(contains(plain.str(), "would match")) << plain.str();
}

TEST(TextReporter, DepositLayoutNoteWithVerbose)
{
    FileResult r = passed("d.yaml", 1);
    r.uses_deposits = true;
    r.deposit_layout = DepositLayout::ssz;
    r.deposit_layout_declared = true;
    std::ostringstream out;
    TextStyle verbose;
    verbose.verbose = true;
    TextReporter(out, verbose).file(r);
    EXPECT_TRUE(contains(out.str(), "  note: deposit layout ssz (amount little-endian, as SSZ), "
                                    "from the vector's deposit_layout\n"))
        << out.str();
    std::ostringstream quiet;
    TextReporter(quiet, false).file(r);
    EXPECT_FALSE(contains(quiet.str(), "deposit layout")) << quiet.str();
}

TEST(TextReporter, EnginesVerdictsWhenOneDidNotPass)
{
    FileResult r = passed("s.yaml", 1);
    r.engines = {{"binaryen", "passed", ""},
                 {"wasm2c", "not run", "s.wasm: uses SIMD (function 2: i32x4.add), which ..."},
                 {"wabt", "passed", ""}};
    std::ostringstream out;
    TextReporter(out, false).file(r);
    EXPECT_EQ(out.str(),
              "PASS s.yaml (1 block)\n"
              "  engines: binaryen passed, wasm2c not run, wabt passed\n"
              "    wasm2c not run: s.wasm: uses SIMD (function 2: i32x4.add), which ...\n");
    // All passed: only with -v.
    r.engines[1] = {"wasm2c", "passed", ""};
    std::ostringstream quiet;
    TextReporter(quiet, false).file(r);
    EXPECT_EQ(quiet.str(), "PASS s.yaml (1 block)\n");
    std::ostringstream verbose;
    TextReporter(verbose, true).file(r);
    EXPECT_TRUE(contains(verbose.str(), "  engines: binaryen passed, wasm2c passed, wabt passed\n"))
        << verbose.str();
}

TEST(TextReporter, AnErrorWithSeveralEnginesShowsEachOnesReason)
{
    FileResult r;
    r.file = "s.yaml";
    r.status = FileStatus::error;
    r.error = "s.yaml:3: s.wasm: wasm2c engine: cc failed";
    r.engines = {{"wasm2c", "error", r.error}, {"binaryen", "passed", ""}};
    r.disagreements = {"status: wasm2c error, binaryen passed"};
    std::ostringstream out;
    TextReporter(out, false).file(r);
    EXPECT_EQ(out.str(), "ERROR s.yaml:3: s.wasm: wasm2c engine: cc failed\n"
                         "  engines: wasm2c error, binaryen passed\n"
                         "    wasm2c error: s.yaml:3: s.wasm: wasm2c engine: cc failed\n"
                         "  engines disagree:\n"
                         "    status: wasm2c error, binaryen passed\n");
}
