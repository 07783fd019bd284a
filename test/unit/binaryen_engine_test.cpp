#include "binaryen_engine.hpp"
#include "engine.hpp"
#include "engine_registry.hpp"
#include "errors.hpp"
#include "trap.hpp"

#include "engine_test_support.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace scout;
using scout_test::contains;
using scout_test::copy_env_style;
using scout_test::copy_eth2_style;
using scout_test::script;
using scout_test::wat;

namespace {

class BinaryenEngine : public ::testing::Test, protected scout_test::BlockRunner
{
protected:
    std::unique_ptr<LoadedScript> load(const std::string& wat_text, EngineLimits limits = {})
    {
        auto engine = make_binaryen_engine(limits);
        return engine->load(wat(wat_text));
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
};

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

// ------------------------------------------------------------ traps

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

TEST_F(BinaryenEngine, CallIndirectUninitializedElementTraps)
{
    auto s = load(script("(call_indirect (type $void) (i32.const 1))",
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
    EXPECT_NO_THROW(
        engine->load(wat(R"((module (memory (export "memory") 2) (func (export "main"))))")));
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

TEST_F(BinaryenEngine, EveryTruncationIsALoadError)
{
    const auto wasm = wat(copy_eth2_style);
    for (size_t n = 0; n < wasm.size(); ++n)
    {
        auto engine = make_binaryen_engine({});
        EXPECT_THROW(engine->load(Bytes(wasm.begin(), wasm.begin() + n)), LoadError) << n;
    }
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
    add(section(1, {0x01, 0x60, 0x00, 0x00}));                          // type 0: () -> ()
    add(section(3, {0x01, 0x00}));                                      // func 0: type 0
    add(section(5, {0x01, 0x00, 0x01}));                                // memory: min 1
    add(section(7, {0x02, 0x04, 'm', 'a', 'i', 'n', 0x00, 0x00,         // main: func 0
                    0x06, 'm', 'e', 'm', 'o', 'r', 'y', 0x02, 0x00}));  // memory: mem 0
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
            {}
            catch (const Trap&)
            {}
            std::exit(0);
        },
        ::testing::ExitedWithCode(0), "");
}
