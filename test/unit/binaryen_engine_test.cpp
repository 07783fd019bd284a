#include "binaryen_engine.hpp"
#include "engine.hpp"
#include "errors.hpp"
#include "trap.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace scout;
using scout_test::wat;
using scout_test::contains;
using scout_test::script;
using scout_test::copy_eth2_style;
using scout_test::copy_env_style;

namespace {

class BinaryenEngine : public ::testing::Test
{
protected:
    std::unique_ptr<LoadedScript> load(const std::string& wat_text, EngineLimits limits = {})
    {
        auto engine = make_binaryen_engine(limits);
        return engine->load(wat(wat_text));
    }

    /// Runs once with a fresh context (empty block data unless given).
    BlockContext run(LoadedScript& s, const Bytes& data = {})
    {
        data_ = data;
        BlockContext ctx;
        ctx.block_data = &data_;
        s.run(ctx);
        return ctx;
    }

    /// The trap one run raises; a test failure when it raises none.
    Trap trap_of(LoadedScript& s, BlockContext* ctx_out = nullptr)
    {
        BlockContext ctx;
        ctx.block_data = &data_;
        try
        {
            s.run(ctx);
        }
        catch (const Trap& t)
        {
            if (ctx_out)
                *ctx_out = ctx;
            return t;
        }
        ADD_FAILURE() << "no trap";
        return Trap(TrapKind::wasm, "");
    }

    /// The LoadError loading `wasm` raises; a test failure when none.
    std::string load_error_of(const Bytes& wasm, EngineLimits limits = {})
    {
        auto engine = make_binaryen_engine(limits);
        try
        {
            engine->load(wasm);
        }
        catch (const LoadError& e)
        {
            return e.what();
        }
        ADD_FAILURE() << "no LoadError";
        return {};
    }

    Bytes data_;
};

Bytes32 sample_root()
{
    return scout_test::sha256("binaryen engine test");
}

uint32_t le32(const Bytes32& root, size_t at)
{
    return uint32_t{root[at]} | uint32_t{root[at + 1]} << 8 | uint32_t{root[at + 2]} << 16 |
           uint32_t{root[at + 3]} << 24;
}

}  // namespace

// ------------------------------------------------------------ engines by name

TEST(MakeEngine, BinaryenByName)
{
    auto engine = make_engine("binaryen", {});
    ASSERT_NE(engine, nullptr);
    EXPECT_EQ(engine->name(), "binaryen");
    ASSERT_FALSE(engine_names().empty());
    EXPECT_EQ(engine_names().front(), "binaryen");
}

TEST(MakeEngine, UnknownNameIsNull)
{
    EXPECT_EQ(make_engine("wabt-nonexistent", {}), nullptr);
}

// ------------------------------------------------------------ running

TEST_F(BinaryenEngine, CopiesPreStateToPostStateEth2Style)
{
    auto s = load(copy_eth2_style);
    BlockContext ctx;
    ctx.block_data = &data_;
    ctx.pre_state = sample_root();
    s->run(ctx);
    EXPECT_TRUE(ctx.post_state_saved);
    EXPECT_EQ(ctx.post_state, sample_root());
}

TEST_F(BinaryenEngine, CopiesPreStateToPostStateEnvStyle)
{
    auto s = load(copy_env_style);
    BlockContext ctx;
    ctx.block_data = &data_;
    ctx.pre_state = sample_root();
    s->run(ctx);
    EXPECT_TRUE(ctx.post_state_saved);
    EXPECT_EQ(ctx.post_state, sample_root());
}

TEST_F(BinaryenEngine, InterfaceDescribesImportsAndExports)
{
    auto s = load(copy_env_style);
    const auto& iface = s->interface();
    ASSERT_EQ(iface.imports.size(), 2u);
    EXPECT_EQ(iface.imports[0].module, "env");
    EXPECT_EQ(iface.imports[0].field, "eth2_loadPreStateRoot");
    EXPECT_EQ(iface.imports[0].kind, ExternKind::function);
    EXPECT_EQ(iface.imports[0].type, (FuncType{{ValType::i32}, {}}));
    EXPECT_EQ(iface.imports[1].field, "eth2_savePostStateRoot");
    ASSERT_NE(iface.find_export("main"), nullptr);
    EXPECT_EQ(iface.find_export("main")->kind, ExternKind::function);
    ASSERT_NE(iface.find_export("memory"), nullptr);
    EXPECT_EQ(iface.find_export("memory")->kind, ExternKind::memory);
}

TEST_F(BinaryenEngine, SameScriptRunsOnDifferentContexts)
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

TEST_F(BinaryenEngine, NoSaveLeavesZeroRoot)
{
    auto s = load(script("(nop)"));
    const auto ctx = run(*s);
    EXPECT_FALSE(ctx.post_state_saved);
    EXPECT_EQ(ctx.post_state, Bytes32{});
}

TEST_F(BinaryenEngine, GlobalsAreFreshForEveryRun)
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

TEST_F(BinaryenEngine, MemoryIsFreshForEveryRun)
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

TEST_F(BinaryenEngine, MemoryGrowthIsFreshForEveryRun)
{
    auto s = load(script(R"(
    (i32.store (i32.const 0) (memory.grow (i32.const 1)))
    (call $save (i32.const 0)))"));
    EXPECT_EQ(le32(run(*s).post_state, 0), 1u);  // old size: 1 page
    EXPECT_EQ(le32(run(*s).post_state, 0), 1u);  // not 2
}

TEST_F(BinaryenEngine, StartFunctionRunsBeforeMain)
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

TEST_F(BinaryenEngine, BlockDataSizeResultReachesTheScript)
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

TEST_F(BinaryenEngine, BlockDataCopyWithOffsetThroughTheEngine)
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

TEST_F(BinaryenEngine, I64ArgumentReachesHostFunction)
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

TEST_F(BinaryenEngine, DepositPushedThroughTheEngine)
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
    EXPECT_EQ(ctx.deposits[0].amount, 0x0201u);
}

// ------------------------------------------------------------ traps

TEST_F(BinaryenEngine, UnreachableTrapsKindWasm)
{
    auto s = load(script("(unreachable)"));
    const auto t = trap_of(*s);
    EXPECT_EQ(t.kind(), TrapKind::wasm);
    EXPECT_TRUE(contains(t.what(), "unreachable")) << t.what();
}

TEST_F(BinaryenEngine, OutputsBeforeATrapAreKept)
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

TEST_F(BinaryenEngine, DivisionByZeroTraps)
{
    auto s = load(script("(drop (i32.div_u (i32.const 1) (i32.const 0)))"));
    const auto t = trap_of(*s);
    EXPECT_EQ(t.kind(), TrapKind::wasm);
    EXPECT_TRUE(contains(t.what(), "div")) << t.what();
}

TEST_F(BinaryenEngine, OutOfBoundsLoadTraps)
{
    auto s = load(script("(drop (i32.load (i32.const 65534)))"));
    const auto t = trap_of(*s);
    EXPECT_EQ(t.kind(), TrapKind::wasm);
    EXPECT_STRNE(t.what(), "");
}

TEST_F(BinaryenEngine, LoadAtTheLastWordIsFine)
{
    auto s = load(script("(drop (i32.load (i32.const 65532)))"));
    EXPECT_NO_THROW(run(*s));
}

TEST_F(BinaryenEngine, CallIndirectWithWrongSignatureTraps)
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

TEST_F(BinaryenEngine, CallIndirectWithRightSignatureCalls)
{
    auto s = load(script("(call_indirect (type $void) (i32.const 0)) (call $save (i32.const 0))",
                         R"((type $void (func))
  (table 2 funcref)
  (elem (i32.const 0) $set)
  (func $set (i32.store8 (i32.const 0) (i32.const 77))))"));
    EXPECT_EQ(run(*s).post_state[0], 77);
}

TEST_F(BinaryenEngine, CallIndirectUninitializedElementTraps)
{
    auto s = load(script("(call_indirect (type $void) (i32.const 1))",
                         R"((type $void (func))
  (table 2 funcref)
  (elem (i32.const 0) $f)
  (func $f))"));
    EXPECT_EQ(trap_of(*s).kind(), TrapKind::wasm);
}

TEST_F(BinaryenEngine, CallIndirectOutOfTableTraps)
{
    auto s = load(script("(call_indirect (type $void) (i32.const 2))",
                         R"((type $void (func))
  (table 2 funcref)
  (elem (i32.const 0) $f)
  (func $f))"));
    EXPECT_EQ(trap_of(*s).kind(), TrapKind::wasm);
}

TEST_F(BinaryenEngine, DeepRecursionIsAResourceTrap)
{
    auto s = load(script("(call $r)", "(func $r (call $r))"));
    const auto t = trap_of(*s);
    EXPECT_EQ(t.kind(), TrapKind::resource);
    EXPECT_TRUE(contains(t.what(), "call stack")) << t.what();
}

TEST_F(BinaryenEngine, MemoryGrowBeyondTheLimitReturnsMinusOne)
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

TEST_F(BinaryenEngine, MemoryGrowBeyondTheDefaultLimit)
{
    auto s = load(script(R"(
    (i32.store (i32.const 0) (memory.grow (i32.const 1024)))
    (i32.store (i32.const 4) (memory.grow (i32.const 1023)))
    (call $save (i32.const 0)))"));
    const auto root = run(*s).post_state;
    EXPECT_EQ(le32(root, 0), 0xFFFFFFFFu);  // 1 + 1024 > 1024 pages
    EXPECT_EQ(le32(root, 4), 1u);           // 1 + 1023 == 1024 pages
}

TEST_F(BinaryenEngine, InitialMemoryAboveTheLimitIsALoadError)
{
    EngineLimits limits;
    limits.max_memory_pages = 2;
    const auto wasm = wat(R"((module (memory (export "memory") 3) (func (export "main"))))");
    const auto msg = load_error_of(wasm, limits);
    EXPECT_TRUE(contains(msg, "3")) << msg;
    EXPECT_TRUE(contains(msg, "2")) << msg;
}

TEST_F(BinaryenEngine, InitialMemoryAtTheLimitLoads)
{
    EngineLimits limits;
    limits.max_memory_pages = 2;
    auto engine = make_binaryen_engine(limits);
    EXPECT_NO_THROW(engine->load(wat(R"((module (memory (export "memory") 2) (func (export "main"))))")));
}

TEST_F(BinaryenEngine, DataSegmentBeyondInitialMemoryIsRejectedAtLoad)
{
    // The wasm spec would trap at instantiation; Binaryen's validator already
    // rejects a constant offset past the initial memory, so the block never runs.
    const auto msg = load_error_of(wat(script("(nop)", R"((data (i32.const 65535) "ab"))")));
    EXPECT_TRUE(contains(msg, "validation")) << msg;
}

TEST_F(BinaryenEngine, HostTrapInsideTheEngineIsKindHost)
{
    auto s = load(script("(call $save (i32.const 65535))"));
    const auto t = trap_of(*s);
    EXPECT_EQ(t.kind(), TrapKind::host);
    EXPECT_TRUE(contains(t.what(), "savePostStateRoot")) << t.what();
}

TEST_F(BinaryenEngine, OutOfTicksInsideTheEngine)
{
    auto s = load(R"((module
  (import "eth2" "useTicks" (func $ticks (param i32)))
  (memory (export "memory") 1)
  (func (export "main") (call $ticks (i32.const 11))))
)");
    BlockContext ctx;
    ctx.block_data = &data_;
    ctx.tick_budget = 10;
    try
    {
        s->run(ctx);
        FAIL() << "no trap";
    }
    catch (const Trap& t)
    {
        EXPECT_EQ(t.kind(), TrapKind::out_of_ticks);
    }
    ctx = BlockContext{};
    ctx.block_data = &data_;
    ctx.tick_budget = 11;
    EXPECT_NO_THROW(s->run(ctx));
    EXPECT_EQ(ctx.ticks_used, 11u);
}

// ------------------------------------------------------------ load errors

TEST_F(BinaryenEngine, NotWasmBytes)
{
    const std::string text = "this is not wasm";
    const auto msg = load_error_of(Bytes(text.begin(), text.end()));
    EXPECT_TRUE(contains(msg, "invalid wasm binary")) << msg;
}

TEST_F(BinaryenEngine, EmptyBytes)
{
    const auto msg = load_error_of(Bytes{});
    EXPECT_TRUE(contains(msg, "invalid wasm binary")) << msg;
}

TEST_F(BinaryenEngine, TruncatedModule)
{
    auto wasm = wat(copy_eth2_style);
    ASSERT_GT(wasm.size(), 20u);
    wasm.resize(wasm.size() - 5);
    const auto msg = load_error_of(wasm);
    EXPECT_TRUE(contains(msg, "invalid wasm binary")) << msg;
}

TEST_F(BinaryenEngine, EveryTruncationIsALoadError)
{
    const auto wasm = wat(copy_eth2_style);
    for (size_t n = 0; n < wasm.size(); ++n)
    {
        auto engine = make_binaryen_engine({});
        EXPECT_THROW(engine->load(Bytes(wasm.begin(), wasm.begin() + n)), LoadError) << n;
    }
}

TEST_F(BinaryenEngine, UnsupportedBinaryVersion)
{
    const auto msg = load_error_of(Bytes{0x00, 'a', 's', 'm', 0x02, 0x00, 0x00, 0x00});
    EXPECT_TRUE(contains(msg, "invalid wasm binary")) << msg;
}

TEST_F(BinaryenEngine, HeaderOnlyModuleHasNoMain)
{
    const Bytes header{0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00};
    const auto msg = load_error_of(header);
    EXPECT_TRUE(contains(msg, "main")) << msg;
}

TEST_F(BinaryenEngine, InvalidModuleFailsValidation)
{
    const auto wasm = wat(script("(drop (i32.add (i32.const 1) (i64.const 2)))"), "--no-check");
    const auto msg = load_error_of(wasm);
    EXPECT_TRUE(contains(msg, "validation")) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
}

TEST_F(BinaryenEngine, UnknownImport)
{
    const auto msg = load_error_of(wat(R"((module
  (import "env" "getBalance" (func (param i32)))
  (memory (export "memory") 1)
  (func (export "main")))
)"));
    EXPECT_TRUE(contains(msg, "env.getBalance")) << msg;
    EXPECT_TRUE(contains(msg, "unknown")) << msg;
}

TEST_F(BinaryenEngine, WrongImportSignature)
{
    const auto msg = load_error_of(wat(R"((module
  (import "eth2" "blockDataSize" (func (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "main")))
)"));
    EXPECT_TRUE(contains(msg, "expected () -> (i32)")) << msg;
    EXPECT_TRUE(contains(msg, "found (i32) -> (i32)")) << msg;
}

TEST_F(BinaryenEngine, MissingMain)
{
    const auto msg = load_error_of(wat(R"((module
  (memory (export "memory") 1)
  (func (export "start")))
)"));
    EXPECT_TRUE(contains(msg, "'main'")) << msg;
}

TEST_F(BinaryenEngine, MainWithParams)
{
    const auto msg = load_error_of(wat(R"((module
  (memory (export "memory") 1)
  (func (export "main") (param i32)))
)"));
    EXPECT_TRUE(contains(msg, "(i32) -> ()")) << msg;
}

TEST_F(BinaryenEngine, MissingMemoryExport)
{
    const auto msg = load_error_of(wat(R"((module
  (memory 1)
  (func (export "main")))
)"));
    EXPECT_TRUE(contains(msg, "'memory'")) << msg;
}

TEST_F(BinaryenEngine, ImportedMemory)
{
    const auto msg = load_error_of(wat(R"((module
  (import "env" "memory" (memory 1))
  (export "memory" (memory 0))
  (func (export "main")))
)"));
    EXPECT_TRUE(contains(msg, "env.memory")) << msg;
    EXPECT_TRUE(contains(msg, "not supported")) << msg;
}

// ------------------------------------------------------------ robustness

namespace {

Bytes leb128(uint64_t n)
{
    Bytes out;
    do
    {
        uint8_t b = n & 0x7f;
        n >>= 7;
        out.push_back(n ? (b | 0x80) : b);
    } while (n);
    return out;
}

Bytes section(uint8_t id, const Bytes& payload)
{
    Bytes out{id};
    const auto size = leb128(payload.size());
    out.insert(out.end(), size.begin(), size.end());
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

/// A valid module whose main evaluates ((0 + 1) + 1) + ... nested `depth`
/// deep: i32.const 0, then depth times (i32.const 1, i32.add). Built by hand:
/// wat2wasm itself overflows its stack on such text.
Bytes deeply_nested_module(size_t depth)
{
    Bytes body{0x00, 0x41, 0x00};  // no locals; i32.const 0
    for (size_t i = 0; i < depth; ++i)
        body.insert(body.end(), {0x41, 0x01, 0x6a});  // i32.const 1; i32.add
    body.insert(body.end(), {0x1a, 0x0b});            // drop; end
    Bytes code = leb128(1);
    const auto body_size = leb128(body.size());
    code.insert(code.end(), body_size.begin(), body_size.end());
    code.insert(code.end(), body.begin(), body.end());

    Bytes m{0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00};
    auto add = [&](const Bytes& s) { m.insert(m.end(), s.begin(), s.end()); };
    add(section(1, {0x01, 0x60, 0x00, 0x00}));  // type 0: () -> ()
    add(section(3, {0x01, 0x00}));              // func 0: type 0
    add(section(5, {0x01, 0x00, 0x01}));        // memory: min 1
    add(section(7, {0x02, 0x04, 'm', 'a', 'i', 'n', 0x00, 0x00,                 // main: func 0
                    0x06, 'm', 'e', 'm', 'o', 'r', 'y', 0x02, 0x00}));           // memory: mem 0
    add(section(10, code));
    return m;
}

}  // namespace

TEST_F(BinaryenEngine, ShallowHandBuiltModuleRuns)
{
    // Checks the hand-built module of the next test at a harmless depth.
    auto engine = make_binaryen_engine({});
    auto s = engine->load(deeply_nested_module(100));
    EXPECT_NO_THROW(run(*s));
}

TEST_F(BinaryenEngine, DeeplyNestedExpressionDoesNotCrashTheHarness)
{
    // A trap is a test result, never a crash (trap.hpp): a script nesting
    // expressions 300000 deep must end as a LoadError or a Trap (resource),
    // not overflow the harness's C stack inside Binaryen's recursive
    // interpreter. Run in a child process so a crash fails only this test.
    const Bytes wasm = deeply_nested_module(300000);
    // "threadsafe": Binaryen's validator uses a thread pool, and a plain
    // fork() of a process with threads can deadlock in the child.
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(
        {
            try
            {
                auto engine = make_binaryen_engine({});
                auto s = engine->load(wasm);
                Bytes data;
                BlockContext ctx;
                ctx.block_data = &data;
                s->run(ctx);
            }
            catch (const LoadError&)
            {
            }
            catch (const Trap&)
            {
            }
            std::exit(0);
        },
        ::testing::ExitedWithCode(0), "");
}
