#include "engine.hpp"
#include "engine_registry.hpp"
#include "runner.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace scout;
using scout_test::contains;
using scout_test::hex_of;
using scout_test::sha256;
using scout_test::TempDir;
using scout_test::wat;
using scout_test::write_file;
namespace fs = std::filesystem;

namespace {

// Scripts used by the vectors below.

/// post = pre.
const char* const copy_wat = scout_test::copy_eth2_style.c_str();

/// post = pre with byte 0 incremented (mod 256).
const char* inc_wat = R"((module
  (import "env" "eth2_loadPreStateRoot" (func $load (param i32)))
  (import "env" "eth2_savePostStateRoot" (func $save (param i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (call $load (i32.const 0))
    (i32.store8 (i32.const 0) (i32.add (i32.load8_u (i32.const 0)) (i32.const 1)))
    (call $save (i32.const 0))))
)";

/// post = the first 32 bytes of the block data.
const char* data_root_wat = R"((module
  (import "eth2" "blockDataCopy" (func $copy (param i32 i32 i32)))
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (call $copy (i32.const 0) (i32.const 0) (i32.const 32))
    (call $save (i32.const 0))))
)";

/// Traps (unreachable) on empty block data; otherwise as inc_wat.
const char* trap_on_empty_wat = R"((module
  (import "eth2" "blockDataSize" (func $size (result i32)))
  (import "eth2" "loadPreStateRoot" (func $load (param i32)))
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (import "debug" "print32" (func $print (param i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (call $print (call $size))
    (if (i32.eqz (call $size)) (then (unreachable)))
    (call $load (i32.const 0))
    (i32.store8 (i32.const 0) (i32.add (i32.load8_u (i32.const 0)) (i32.const 1)))
    (call $save (i32.const 0))))
)";

/// Pushes the 184-byte block data as a deposit; post = pre.
const char* deposit_wat = R"((module
  (import "eth2" "blockDataCopy" (func $copy (param i32 i32 i32)))
  (import "eth2" "pushNewDeposit" (func $push (param i32 i32)))
  (import "eth2" "loadPreStateRoot" (func $load (param i32)))
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (call $copy (i32.const 256) (i32.const 0) (i32.const 184))
    (call $push (i32.const 256) (i32.const 184))
    (call $load (i32.const 0))
    (call $save (i32.const 0))))
)";

/// Saves nothing.
const char* nothing_wat = R"((module
  (memory (export "memory") 1)
  (func (export "main")))
)";

/// Uses 100 ticks; post = pre.
const char* ticks_wat = R"((module
  (import "eth2" "useTicks" (func $ticks (param i32)))
  (import "eth2" "loadPreStateRoot" (func $load (param i32)))
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (call $ticks (i32.const 60))
    (call $ticks (i32.const 40))
    (call $load (i32.const 0))
    (call $save (i32.const 0))))
)";

struct BlockSpec
{
    uint32_t env;
    std::string data_hex;  ///< as written after "data: "
};

std::string root_text(const Bytes32& r)
{
    return "0x" + hex_of(r);
}

/// A vector; block i starts at line 2 * scripts + 6 + 2 * i.
std::string vector_yaml(const std::vector<std::string>& scripts, const std::vector<Bytes32>& pre,
                        const std::vector<BlockSpec>& blocks, const std::vector<Bytes32>& post,
                        const std::string& tail = "")
{
    std::string y = "beacon_state:\n  execution_scripts:\n";
    for (const auto& s : scripts)
        y += "    - " + s + "\n";
    y += "shard_pre_state:\n  exec_env_states:\n";
    for (const auto& r : pre)
        y += "    - " + root_text(r) + "\n";
    y += "shard_blocks:\n";
    for (const auto& b : blocks)
        y += "  - env: " + std::to_string(b.env) + "\n    data: \"" + b.data_hex + "\"\n";
    y += "shard_post_state:\n  exec_env_states:\n";
    for (const auto& r : post)
        y += "    - " + root_text(r) + "\n";
    return y + tail;
}

size_t block_line(size_t scripts, size_t index)
{
    return 2 * scripts + 6 + 2 * index;
}

Bytes32 plus(Bytes32 root, int n)
{
    root[0] = static_cast<uint8_t>(root[0] + n);
    return root;
}

/// The 184-byte deposit encoding, written out by hand: the amount big-endian
/// (ewasm/scout's layout, the default), or little-endian (deposit_layout: ssz).
std::string deposit_hex(uint64_t amount, bool little_endian = false)
{
    std::string amount_hex;
    for (int i = 0; i < 8; ++i)
        amount_hex +=
            hex_of(Bytes{static_cast<uint8_t>(amount >> (8 * (little_endian ? i : 7 - i)))});
    return std::string(96, '1') + std::string(64, '2') + amount_hex + std::string(192, '3');
}

std::string deposit_receipt_yaml(uint64_t amount)
{
    return "  - pubkey: 0x" + std::string(96, '1') +
           "\n"
           "    withdrawal_credentials: 0x" +
           std::string(64, '2') +
           "\n"
           "    amount: " +
           std::to_string(amount) +
           "\n"
           "    signature: 0x" +
           std::string(192, '3') + "\n";
}

class Runner : public ::testing::Test
{
protected:
    void SetUp() override
    {
        engine = make_engine("binaryen", {});
        ASSERT_NE(engine, nullptr);
    }

    void script(const std::string& name, const char* wat_text)
    {
        write_file(dir / name, wat(wat_text));
    }

    FileResult run(const std::string& yaml, const RunOptions& options = {})
    {
        write_file(file(), yaml);
        return run_vector_file(file(), *engine, options);
    }

    fs::path file() const { return dir / "vector.yaml"; }

    TempDir dir;
    std::unique_ptr<Engine> engine;
    const Bytes32 a = sha256("env 0 pre-state");
    const Bytes32 b = sha256("env 1 pre-state");
};

}  // namespace

TEST_F(Runner, CopyScriptPasses)
{
    script("copy.wasm", copy_wat);
    const auto r = run(vector_yaml({"copy.wasm"}, {a}, {{0, ""}, {0, "0x01"}}, {a}));
    EXPECT_EQ(r.status, FileStatus::passed) << r.error;
    EXPECT_EQ(r.file, file());
    EXPECT_EQ(r.blocks_total, 2u);
    ASSERT_EQ(r.blocks.size(), 2u);
    EXPECT_TRUE(r.root_mismatches.empty());
    EXPECT_TRUE(r.deposits_match);
    EXPECT_EQ(r.trapped_block(), nullptr);
}

TEST_F(Runner, BlockResultsDescribeEachBlock)
{
    script("inc.wasm", inc_wat);
    const auto r = run(vector_yaml({"inc.wasm"}, {a}, {{0, ""}, {0, ""}}, {plus(a, 2)}));
    ASSERT_EQ(r.status, FileStatus::passed) << r.error;
    ASSERT_EQ(r.blocks.size(), 2u);
    EXPECT_EQ(r.blocks[1].index, 1u);
    EXPECT_EQ(r.blocks[1].line, block_line(1, 1));
    EXPECT_EQ(r.blocks[1].env, 0u);
    EXPECT_EQ(r.blocks[1].script, "inc.wasm");
    EXPECT_EQ(r.blocks[1].pre_state, plus(a, 1));
    EXPECT_EQ(r.blocks[1].post_state, plus(a, 2));
    EXPECT_TRUE(r.blocks[1].post_state_saved);
    EXPECT_FALSE(r.blocks[1].trap.has_value());
}

TEST_F(Runner, BlockDataReachesTheScript)
{
    script("data_root.wasm", data_root_wat);
    const Bytes32 want = sha256("block data");
    const auto r = run(vector_yaml({"data_root.wasm"}, {a}, {{0, root_text(want)}}, {want}));
    EXPECT_EQ(r.status, FileStatus::passed) << r.error;
}

TEST_F(Runner, RootMismatchIsReported)
{
    script("inc.wasm", inc_wat);
    const auto r = run(vector_yaml({"inc.wasm"}, {a}, {{0, ""}}, {a}));
    EXPECT_EQ(r.status, FileStatus::failed);
    ASSERT_EQ(r.root_mismatches.size(), 1u);
    EXPECT_EQ(r.root_mismatches[0].env, 0u);
    EXPECT_EQ(r.root_mismatches[0].expected, a);
    EXPECT_EQ(r.root_mismatches[0].actual, plus(a, 1));
    EXPECT_EQ(r.trapped_block(), nullptr);
}

TEST_F(Runner, RootMismatchNamesTheRightEnv)
{
    script("copy.wasm", copy_wat);
    script("inc.wasm", inc_wat);
    const auto r = run(vector_yaml({"copy.wasm", "inc.wasm"}, {a, b}, {{0, ""}, {1, ""}}, {a, b}));
    EXPECT_EQ(r.status, FileStatus::failed);
    ASSERT_EQ(r.root_mismatches.size(), 1u);
    EXPECT_EQ(r.root_mismatches[0].env, 1u);
    EXPECT_EQ(r.root_mismatches[0].expected, b);
    EXPECT_EQ(r.root_mismatches[0].actual, plus(b, 1));
}

TEST_F(Runner, StatesChainAcrossBlocksPerEnv)
{
    script("inc.wasm", inc_wat);
    // env 0 runs twice, env 1 once; each env starts from its own pre-state.
    const auto r = run(vector_yaml({"inc.wasm", "inc.wasm"}, {a, b}, {{0, ""}, {1, ""}, {0, ""}},
                                   {plus(a, 2), plus(b, 1)}));
    EXPECT_EQ(r.status, FileStatus::passed) << r.error;
    ASSERT_EQ(r.blocks.size(), 3u);
    EXPECT_EQ(r.blocks[1].pre_state, b);
    EXPECT_EQ(r.blocks[2].pre_state, plus(a, 1));
}

TEST_F(Runner, EnvWithoutBlocksKeepsItsPreState)
{
    script("inc.wasm", inc_wat);
    const auto r = run(vector_yaml({"inc.wasm", "inc.wasm"}, {a, b}, {{1, ""}}, {a, plus(b, 1)}));
    EXPECT_EQ(r.status, FileStatus::passed) << r.error;
}

TEST_F(Runner, DepositsMatching)
{
    script("deposit.wasm", deposit_wat);
    const auto r = run(vector_yaml({"deposit.wasm"}, {a}, {{0, "0x" + deposit_hex(32000000000)}},
                                   {a}, "deposit_receipts:\n" + deposit_receipt_yaml(32000000000)));
    EXPECT_EQ(r.status, FileStatus::passed) << r.error;
    EXPECT_TRUE(r.deposits_match);
    ASSERT_EQ(r.actual_deposits.size(), 1u);
    EXPECT_EQ(r.actual_deposits[0].amount, 32000000000u);
    EXPECT_EQ(r.blocks[0].deposits, 1u);
    EXPECT_EQ(r.deposit_layout, DepositLayout::ewasm);
    EXPECT_FALSE(r.deposit_layout_declared);
    EXPECT_TRUE(r.uses_deposits);
}

TEST_F(Runner, DepositLayoutSszReadsTheAmountLittleEndian)
{
    script("deposit.wasm", deposit_wat);
    const auto r = run(vector_yaml(
        {"deposit.wasm"}, {a}, {{0, "0x" + deposit_hex(32000000000, true)}}, {a},
        "deposit_layout: ssz\ndeposit_receipts:\n" + deposit_receipt_yaml(32000000000)));
    EXPECT_EQ(r.status, FileStatus::passed) << r.error;
    EXPECT_EQ(r.deposit_layout, DepositLayout::ssz);
    EXPECT_TRUE(r.deposit_layout_declared);
    ASSERT_EQ(r.actual_deposits.size(), 1u);
    EXPECT_EQ(r.actual_deposits[0].amount, 32000000000u);
}

TEST_F(Runner, DepositInTheOtherLayoutFails)
{
    // Little-endian bytes in a vector without the key: read big-endian, 32 ETH
    // becomes 0x0040597307000000 = 18112749083033600 (computed by hand).
    script("deposit.wasm", deposit_wat);
    const auto r =
        run(vector_yaml({"deposit.wasm"}, {a}, {{0, "0x" + deposit_hex(32000000000, true)}}, {a},
                        "deposit_receipts:\n" + deposit_receipt_yaml(32000000000)));
    EXPECT_EQ(r.status, FileStatus::failed);
    ASSERT_EQ(r.actual_deposits.size(), 1u);
    EXPECT_EQ(r.actual_deposits[0].amount, 18112749083033600u);
}

TEST_F(Runner, NoDepositsNoLayoutInTheReport)
{
    script("copy.wasm", copy_wat);
    const auto r = run(vector_yaml({"copy.wasm"}, {a}, {{0, ""}}, {a}));
    EXPECT_FALSE(r.uses_deposits);
}

TEST_F(Runner, DepositsMismatch)
{
    script("deposit.wasm", deposit_wat);
    const auto r = run(vector_yaml({"deposit.wasm"}, {a}, {{0, "0x" + deposit_hex(6)}}, {a},
                                   "deposit_receipts:\n" + deposit_receipt_yaml(5)));
    EXPECT_EQ(r.status, FileStatus::failed);
    EXPECT_FALSE(r.deposits_match);
    EXPECT_TRUE(r.root_mismatches.empty());
    ASSERT_EQ(r.expected_deposits.size(), 1u);
    ASSERT_EQ(r.actual_deposits.size(), 1u);
    EXPECT_EQ(r.expected_deposits[0].amount, 5u);
    EXPECT_EQ(r.actual_deposits[0].amount, 6u);
}

TEST_F(Runner, DepositsMissingFromTheScript)
{
    script("copy.wasm", copy_wat);
    const auto r = run(vector_yaml({"copy.wasm"}, {a}, {{0, ""}}, {a},
                                   "deposit_receipts:\n" + deposit_receipt_yaml(5)));
    EXPECT_EQ(r.status, FileStatus::failed);
    EXPECT_FALSE(r.deposits_match);
    EXPECT_TRUE(r.actual_deposits.empty());
}

TEST_F(Runner, AbsentDepositReceiptsMeansNoneExpected)
{
    script("deposit.wasm", deposit_wat);
    const auto r = run(vector_yaml({"deposit.wasm"}, {a}, {{0, "0x" + deposit_hex(1)}}, {a}));
    EXPECT_EQ(r.status, FileStatus::failed);
    EXPECT_FALSE(r.deposits_match);
}

TEST_F(Runner, TrapStopsTheFile)
{
    script("t.wasm", trap_on_empty_wat);
    const auto r =
        run(vector_yaml({"t.wasm"}, {a}, {{0, "0x01"}, {0, ""}, {0, "0x01"}}, {plus(a, 2)}));
    EXPECT_EQ(r.status, FileStatus::failed);
    EXPECT_EQ(r.blocks_total, 3u);
    ASSERT_EQ(r.blocks.size(), 2u);  // block 2 never ran
    const BlockResult* t = r.trapped_block();
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->index, 1u);
    EXPECT_EQ(t->line, block_line(1, 1));
    ASSERT_TRUE(t->trap.has_value());
    EXPECT_EQ(t->trap->kind, TrapKind::wasm);
    EXPECT_TRUE(contains(t->trap->message, "unreachable")) << t->trap->message;
    ASSERT_EQ(t->debug_output.size(), 1u);  // what the block printed before the trap
    EXPECT_EQ(t->debug_output[0], "print32: 0 (i32 0)");
    EXPECT_TRUE(r.root_mismatches.empty());  // roots are not compared after a trap
}

TEST_F(Runner, TrapInTheLastBlockStillFails)
{
    script("t.wasm", trap_on_empty_wat);
    // The post-state would match if the trapped block were ignored.
    const auto r = run(vector_yaml({"t.wasm"}, {a}, {{0, "0x01"}, {0, ""}}, {plus(a, 1)}));
    EXPECT_EQ(r.status, FileStatus::failed);
    ASSERT_NE(r.trapped_block(), nullptr);
}

TEST_F(Runner, ScriptThatSavesNothingYieldsZeroRoot)
{
    script("nothing.wasm", nothing_wat);
    const auto r = run(vector_yaml({"nothing.wasm"}, {a}, {{0, ""}}, {Bytes32{}}));
    EXPECT_EQ(r.status, FileStatus::passed) << r.error;
    ASSERT_EQ(r.blocks.size(), 1u);
    EXPECT_FALSE(r.blocks[0].post_state_saved);
    EXPECT_EQ(r.blocks[0].post_state, Bytes32{});
}

TEST_F(Runner, MissingScriptIsAnErrorWithFileAndLine)
{
    const auto r = run(vector_yaml({"missing.wasm"}, {a}, {{0, ""}}, {a}));
    EXPECT_EQ(r.status, FileStatus::error);
    EXPECT_EQ(r.error.rfind(file().string() + ":3: ", 0), 0u) << r.error;
    EXPECT_TRUE(contains(r.error, "missing.wasm")) << r.error;
    EXPECT_TRUE(r.blocks.empty());
}

TEST_F(Runner, ScriptThatFailsToLoadIsAnErrorWithFileAndLine)
{
    write_file(dir / "bad.wasm", wat(R"((module
  (import "env" "nonexistent" (func))
  (memory (export "memory") 1)
  (func (export "main")))
)"));
    script("copy.wasm", copy_wat);
    const auto r = run(vector_yaml({"copy.wasm", "bad.wasm"}, {a, b}, {{0, ""}}, {a, b}));
    EXPECT_EQ(r.status, FileStatus::error);
    EXPECT_EQ(r.error.rfind(file().string() + ":4: ", 0), 0u) << r.error;
    EXPECT_TRUE(contains(r.error, "bad.wasm")) << r.error;
    EXPECT_TRUE(contains(r.error, "env.nonexistent")) << r.error;
}

TEST_F(Runner, ScriptThatIsNotWasmIsAnError)
{
    write_file(dir / "text.wasm", std::string("(module)"));
    const auto r = run(vector_yaml({"text.wasm"}, {a}, {{0, ""}}, {a}));
    EXPECT_EQ(r.status, FileStatus::error);
    EXPECT_EQ(r.error.rfind(file().string() + ":3: ", 0), 0u) << r.error;
}

TEST_F(Runner, MalformedVectorIsAnError)
{
    const auto r = run("- not a vector\n");
    EXPECT_EQ(r.status, FileStatus::error);
    EXPECT_EQ(r.error.rfind(file().string() + ":1: ", 0), 0u) << r.error;
}

TEST_F(Runner, MissingVectorFileIsAnError)
{
    const auto r = run_vector_file(dir / "absent.yaml", *engine, {});
    EXPECT_EQ(r.status, FileStatus::error);
    EXPECT_TRUE(contains(r.error, "absent.yaml")) << r.error;
}

TEST_F(Runner, TickBudgetFromRunOptionsIsHonoured)
{
    script("ticks.wasm", ticks_wat);
    const auto yaml = vector_yaml({"ticks.wasm"}, {a}, {{0, ""}}, {a});

    RunOptions enough;
    enough.tick_budget = 100;
    const auto ok = run(yaml, enough);
    EXPECT_EQ(ok.status, FileStatus::passed) << ok.error;
    ASSERT_EQ(ok.blocks.size(), 1u);
    EXPECT_EQ(ok.blocks[0].ticks_used, 100u);

    RunOptions short_budget;
    short_budget.tick_budget = 99;
    const auto r = run(yaml, short_budget);
    EXPECT_EQ(r.status, FileStatus::failed);
    ASSERT_NE(r.trapped_block(), nullptr);
    EXPECT_EQ(r.trapped_block()->trap->kind, TrapKind::out_of_ticks);
}

TEST_F(Runner, DefaultTickBudgetIsTenMillion)
{
    EXPECT_EQ(RunOptions{}.tick_budget, 10'000'000u);
}

TEST_F(Runner, UnknownTopLevelKeyBecomesANote)
{
    script("copy.wasm", copy_wat);
    const auto r = run(vector_yaml({"copy.wasm"}, {a}, {{0, ""}}, {a}, "remark: hi\n"));
    EXPECT_EQ(r.status, FileStatus::passed) << r.error;
    bool found = false;
    for (const auto& n : r.notes)
        found = found || contains(n, "unknown top-level key 'remark'");
    EXPECT_TRUE(found);
}

TEST_F(Runner, NoBlocksPassesWhenPostEqualsPre)
{
    script("copy.wasm", copy_wat);
    const auto r = run(vector_yaml({"copy.wasm"}, {a}, {}, {a}));
    EXPECT_EQ(r.status, FileStatus::passed) << r.error;
    EXPECT_EQ(r.blocks_total, 0u);
}
