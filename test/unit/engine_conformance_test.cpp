// Engine conformance: behaviour every engine (engine_names(): binaryen, wasm2c,
// wabt) must show alike, each test run once per engine (EngineConformance/<engine>).
// What only one engine has (its own limits, its cache, its wording) stays in
// <engine>_engine_test.cpp.

#include "engine.hpp"
#include "engine_registry.hpp"
#include "errors.hpp"
#include "trap.hpp"

#include "engine_test_support.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

using namespace scout;
using scout_test::contains;
using scout_test::copy_env_style;
using scout_test::copy_eth2_style;
using scout_test::script;
using scout_test::wat;

namespace {

class EngineConformance : public ::testing::TestWithParam<std::string>,
                          protected scout_test::BlockRunner
{
protected:
    /// The wasm2c engine compiles into a private cache for this suite.
    static void SetUpTestSuite()
    {
        cache_root_ = new scout_test::TempDir();
        ::setenv("SCOUT_CACHE_DIR", cache_root_->path().c_str(), 1);
    }
    static void TearDownTestSuite()
    {
        delete cache_root_;
        cache_root_ = nullptr;
        ::unsetenv("SCOUT_CACHE_DIR");
    }

    std::unique_ptr<Engine> engine(EngineLimits limits = {})
    {
        return make_engine(GetParam(), limits);
    }

    std::unique_ptr<LoadedScript> load(const std::string& wat_text, EngineLimits limits = {})
    {
        return engine(limits)->load(wat(wat_text));
    }

    /// The LoadError loading `wasm` raises; a test failure when none.
    std::string load_error_of(const Bytes& wasm, EngineLimits limits = {})
    {
        try
        {
            engine(limits)->load(wasm);
        }
        catch (const LoadError& e)
        {
            return e.what();
        }
        ADD_FAILURE() << "no LoadError";
        return {};
    }

    static scout_test::TempDir* cache_root_;
};

scout_test::TempDir* EngineConformance::cache_root_ = nullptr;

Bytes32 sample_root()
{
    return scout_test::sha256("engine conformance test");
}

uint32_t le32(const Bytes32& root, size_t at)
{
    return uint32_t{root[at]} | uint32_t{root[at + 1]} << 8 | uint32_t{root[at + 2]} << 16 |
           uint32_t{root[at + 3]} << 24;
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(AllEngines, EngineConformance, ::testing::ValuesIn(engine_names()),
                         [](const auto& info) { return info.param; });

TEST_P(EngineConformance, CopiesPreStateToPostStateEth2Style)
{
    auto s = load(copy_eth2_style);
    BlockContext ctx;
    ctx.block_data = &data_;
    ctx.pre_state = sample_root();
    s->run(ctx);
    EXPECT_TRUE(ctx.post_state_saved);
    EXPECT_EQ(ctx.post_state, sample_root());
}

TEST_P(EngineConformance, CopiesPreStateToPostStateEnvStyle)
{
    auto s = load(copy_env_style);
    BlockContext ctx;
    ctx.block_data = &data_;
    ctx.pre_state = sample_root();
    s->run(ctx);
    EXPECT_TRUE(ctx.post_state_saved);
    EXPECT_EQ(ctx.post_state, sample_root());
}

TEST_P(EngineConformance, SameScriptRunsOnDifferentContexts)
{
    auto s = load(copy_eth2_style);
    BlockContext a, b;
    a.block_data = b.block_data = &data_;
    a.pre_state = scout_test::sha256("a");
    b.pre_state = scout_test::sha256("b");
    s->run(a);
    s->run(b);
    EXPECT_EQ(a.post_state, scout_test::sha256("a"));
    EXPECT_EQ(b.post_state, scout_test::sha256("b"));
}

TEST_P(EngineConformance, DepositPushedThroughTheEngine)
{
    auto s = load(R"((module
  (import "eth2" "pushNewDeposit" (func $push (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 80) "\01\02\00\00\00\00\00\00")
  (func (export "main")
    (call $push (i32.const 0) (i32.const 184))))
)");
    const auto ctx = run(*s);
    ASSERT_EQ(ctx.deposits.size(), 1u);
    EXPECT_EQ(ctx.deposits[0].amount, 0x0102000000000000u);  // big-endian: the default
}

TEST_P(EngineConformance, AssemblyScriptTraceShowsTheValues)
{
    // As AssemblyScript compiles `trace("n =", 2, 42, 0.25)`: the string in the
    // ~lib/rt/stub layout, n = 2, the unused values 0. The f64 arguments must
    // reach the host function whole on every engine.
    auto s = load(R"((module
  (import "env" "trace" (func $trace (param i32 i32 f64 f64 f64 f64 f64)))
  (memory (export "memory") 1)
  (data (i32.const 16) "\10\00\00\00\01\00\00\00\01\00\00\00\06\00\00\00n\00 \00=\00")
  (func (export "main")
    (call $trace (i32.const 32) (i32.const 2) (f64.const 42) (f64.const 0.25)
      (f64.const 0) (f64.const 0) (f64.const 0))))
)");
    const auto ctx = run(*s);
    EXPECT_EQ(ctx.debug_output, std::vector<std::string>{"trace: n = 42, 0.25"});
}

TEST_P(EngineConformance, AssemblyScriptSeedIsRefused)
{
    const auto error = load_error_of(wat(R"((module
  (import "env" "seed" (func $seed (result f64)))
  (memory (export "memory") 1)
  (func (export "main") (drop (call $seed))))
)"));
    EXPECT_TRUE(contains(error, "import env.seed () -> (f64): AssemblyScript's Math.random seed "
                                "is not provided"))
        << error;
}

TEST_P(EngineConformance, UnreachableTrapsKindWasm)
{
    auto s = load(script("(unreachable)"));
    const auto t = trap_of(*s);
    EXPECT_EQ(t.kind(), TrapKind::wasm);
    EXPECT_TRUE(contains(t.what(), "unreachable")) << t.what();
}

TEST_P(EngineConformance, OutputsBeforeATrapAreKept)
{
    auto s = load(script(R"(
    (i32.store8 (i32.const 0) (i32.const 9))
    (call $save (i32.const 0))
    (unreachable))"));
    BlockContext ctx;
    trap_of(*s, &ctx);
    EXPECT_TRUE(ctx.post_state_saved);
    EXPECT_EQ(ctx.post_state[0], 9);
}

TEST_P(EngineConformance, LoadAtTheLastWordIsFine)
{
    auto s = load(script("(drop (i32.load (i32.const 65532)))"));
    EXPECT_NO_THROW(run(*s));
}

TEST_P(EngineConformance, CallIndirectWithRightSignatureCalls)
{
    auto s = load(script("(call_indirect (type $void) (i32.const 0)) (call $save (i32.const 0))",
                         R"((type $void (func))
  (table 2 funcref)
  (elem (i32.const 0) $set)
  (func $set (i32.store8 (i32.const 0) (i32.const 77))))"));
    EXPECT_EQ(run(*s).post_state[0], 77);
}

TEST_P(EngineConformance, MemoryGrowBeyondTheLimitReturnsMinusOne)
{
    EngineLimits limits;
    limits.max_memory_pages = 2;
    auto s = load(script(R"(
    (i32.store (i32.const 0) (memory.grow (i32.const 1)))
    (i32.store (i32.const 4) (memory.grow (i32.const 1)))
    (i32.store (i32.const 8) (memory.size))
    (call $save (i32.const 0)))"),
                  limits);
    const auto root = run(*s).post_state;
    EXPECT_EQ(le32(root, 0), 1u);           // 1 -> 2 pages: within the limit
    EXPECT_EQ(le32(root, 4), 0xFFFFFFFFu);  // 2 -> 3 pages: refused
    EXPECT_EQ(le32(root, 8), 2u);
}

TEST_P(EngineConformance, MemoryGrowBeyondTheDefaultLimit)
{
    auto s = load(script(R"(
    (i32.store (i32.const 0) (memory.grow (i32.const 1024)))
    (i32.store (i32.const 4) (memory.grow (i32.const 1023)))
    (call $save (i32.const 0)))"));
    const auto root = run(*s).post_state;
    EXPECT_EQ(le32(root, 0), 0xFFFFFFFFu);  // 1 + 1024 > 1024 pages
    EXPECT_EQ(le32(root, 4), 1u);           // 1 + 1023 == 1024 pages
}

TEST_P(EngineConformance, NoSaveLeavesZeroRoot)
{
    auto s = load(script("(nop)"));
    const auto ctx = run(*s);
    EXPECT_FALSE(ctx.post_state_saved);
    EXPECT_EQ(ctx.post_state, Bytes32{});
}

TEST_P(EngineConformance, GlobalsAreFreshForEveryRun)
{
    auto s = load(script(R"(
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (i32.store (i32.const 0) (global.get $g))
    (call $save (i32.const 0)))",
                         "(global $g (mut i32) (i32.const 0))"));
    const auto first = run(*s);
    const auto second = run(*s);
    EXPECT_EQ(le32(first.post_state, 0), 1u);
    EXPECT_EQ(second.post_state, first.post_state);
}

TEST_P(EngineConformance, MemoryIsFreshForEveryRun)
{
    // The data segment puts 5 at address 100; main adds 1 there and saves
    // from 100. A memory kept from the previous run would give 7 the second time.
    auto s = load(script(R"(
    (i32.store8 (i32.const 100) (i32.add (i32.load8_u (i32.const 100)) (i32.const 1)))
    (call $save (i32.const 100)))",
                         R"((data (i32.const 100) "\05"))"));
    Bytes32 expected{};
    expected[0] = 6;
    EXPECT_EQ(run(*s).post_state, expected);
    EXPECT_EQ(run(*s).post_state, expected);
}

TEST_P(EngineConformance, MemoryGrowthIsFreshForEveryRun)
{
    auto s = load(script(R"(
    (i32.store (i32.const 0) (memory.grow (i32.const 1)))
    (call $save (i32.const 0)))"));
    EXPECT_EQ(le32(run(*s).post_state, 0), 1u);  // old size: 1 page
    EXPECT_EQ(le32(run(*s).post_state, 0), 1u);  // not 2
}

TEST_P(EngineConformance, StartFunctionRunsBeforeMain)
{
    auto s = load(script(R"(
    (i32.store (i32.const 0) (global.get $g))
    (call $save (i32.const 0)))",
                         R"((global $g (mut i32) (i32.const 0))
  (func $init (global.set $g (i32.add (global.get $g) (i32.const 42))))
  (start $init))"));
    EXPECT_EQ(le32(run(*s).post_state, 0), 42u);
    EXPECT_EQ(le32(run(*s).post_state, 0), 42u);
}

TEST_P(EngineConformance, BlockDataSizeResultReachesTheScript)
{
    auto s = load(R"((module
  (import "eth2" "blockDataSize" (func $size (result i32)))
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (i32.store (i32.const 0) (call $size))
    (call $save (i32.const 0))))
)");
    EXPECT_EQ(le32(run(*s, Bytes(300, 1)).post_state, 0), 300u);
    EXPECT_EQ(le32(run(*s, Bytes{}).post_state, 0), 0u);
}

TEST_P(EngineConformance, BlockDataCopyWithOffsetThroughTheEngine)
{
    auto s = load(R"((module
  (import "eth2" "blockDataCopy" (func $copy (param i32 i32 i32)))
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (call $copy (i32.const 0) (i32.const 3) (i32.const 4))
    (call $save (i32.const 0))))
)");
    const auto ctx = run(*s, Bytes{10, 11, 12, 13, 14, 15, 16, 17});
    Bytes32 expected{};
    expected[0] = 13;
    expected[1] = 14;
    expected[2] = 15;
    expected[3] = 16;
    EXPECT_EQ(ctx.post_state, expected);
}

TEST_P(EngineConformance, I64ArgumentReachesHostFunction)
{
    auto s = load(R"((module
  (import "debug" "print64" (func $p64 (param i64)))
  (import "env" "debug_print32" (func $p32 (param i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (call $p64 (i64.const -2))
    (call $p32 (i32.const -1))))
)");
    const auto ctx = run(*s);
    ASSERT_EQ(ctx.debug_output.size(), 2u);
    EXPECT_EQ(ctx.debug_output[0], "print64: 18446744073709551614 (i64 -2)");
    EXPECT_EQ(ctx.debug_output[1], "print32: 4294967295 (i32 -1)");
}

TEST_P(EngineConformance, CallIndirectWithWrongSignatureTraps)
{
    auto s = load(script("(call_indirect (type $void) (i32.const 0))",
                         R"((type $void (func))
  (table 2 funcref)
  (elem (i32.const 0) $takes_i32)
  (func $takes_i32 (param i32)))"));
    const auto t = trap_of(*s);
    EXPECT_EQ(t.kind(), TrapKind::wasm);
    EXPECT_TRUE(contains(t.what(), "signature")) << t.what();
}

TEST_P(EngineConformance, CallIndirectOutOfTableTraps)
{
    auto s = load(script("(call_indirect (type $void) (i32.const 2))",
                         R"((type $void (func))
  (table 2 funcref)
  (elem (i32.const 0) $f)
  (func $f))"));
    EXPECT_EQ(trap_of(*s).kind(), TrapKind::wasm);
}

TEST_P(EngineConformance, NotWasmBytes)
{
    const std::string text = "this is not wasm";
    const auto msg = load_error_of(Bytes(text.begin(), text.end()));
    EXPECT_TRUE(contains(msg, "invalid wasm binary")) << msg;
}

TEST_P(EngineConformance, EmptyBytes)
{
    const auto msg = load_error_of(Bytes{});
    EXPECT_TRUE(contains(msg, "invalid wasm binary")) << msg;
}

TEST_P(EngineConformance, TruncatedModule)
{
    auto wasm = wat(copy_eth2_style);
    ASSERT_GT(wasm.size(), 20u);
    wasm.resize(wasm.size() - 5);
    const auto msg = load_error_of(wasm);
    EXPECT_TRUE(contains(msg, "invalid wasm binary")) << msg;
}

TEST_P(EngineConformance, UnsupportedBinaryVersion)
{
    const auto msg = load_error_of(Bytes{0x00, 'a', 's', 'm', 0x02, 0x00, 0x00, 0x00});
    EXPECT_TRUE(contains(msg, "invalid wasm binary")) << msg;
}

TEST_P(EngineConformance, UnknownImport)
{
    const auto msg = load_error_of(wat(R"((module
  (import "env" "getBalance" (func (param i32)))
  (memory (export "memory") 1)
  (func (export "main")))
)"));
    EXPECT_TRUE(contains(msg, "env.getBalance")) << msg;
    EXPECT_TRUE(contains(msg, "unknown")) << msg;
}

TEST_P(EngineConformance, WrongImportSignature)
{
    const auto msg = load_error_of(wat(R"((module
  (import "eth2" "blockDataSize" (func (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "main")))
)"));
    EXPECT_TRUE(contains(msg, "expected () -> (i32)")) << msg;
    EXPECT_TRUE(contains(msg, "found (i32) -> (i32)")) << msg;
}

TEST_P(EngineConformance, MissingMain)
{
    const auto msg = load_error_of(wat(R"((module
  (memory (export "memory") 1)
  (func (export "start")))
)"));
    EXPECT_TRUE(contains(msg, "'main'")) << msg;
}

TEST_P(EngineConformance, MainWithParams)
{
    const auto msg = load_error_of(wat(R"((module
  (memory (export "memory") 1)
  (func (export "main") (param i32)))
)"));
    EXPECT_TRUE(contains(msg, "(i32) -> ()")) << msg;
}

TEST_P(EngineConformance, MissingMemoryExport)
{
    const auto msg = load_error_of(wat(R"((module
  (memory 1)
  (func (export "main")))
)"));
    EXPECT_TRUE(contains(msg, "'memory'")) << msg;
}

TEST_P(EngineConformance, ImportedMemory)
{
    const auto msg = load_error_of(wat(R"((module
  (import "env" "memory" (memory 1))
  (export "memory" (memory 0))
  (func (export "main")))
)"));
    EXPECT_TRUE(contains(msg, "env.memory")) << msg;
    EXPECT_TRUE(contains(msg, "not supported")) << msg;
}
