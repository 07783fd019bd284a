#include "binaryen_engine.hpp"
#include "engine.hpp"
#include "engine_registry.hpp"
#include "errors.hpp"
#include "module_facts.hpp"
#include "trap.hpp"
#include "wabt_engine.hpp"

#include "engine_test_support.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <pthread.h>

#include <algorithm>
#include <string>

using namespace scout;
using scout_test::contains;
using scout_test::copy_env_style;
using scout_test::copy_eth2_style;
using scout_test::script;
using scout_test::wat;

namespace {

/// A library "lib": one page of memory (exported), a start function storing
/// 0x5a at byte 100, a per-instance call counter, and an export that calls the
/// EEI (savePostStateRoot, which reads the library's memory).
const std::string library_wat = R"((module
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (memory (export "memory") 1)
  (global $calls (mut i32) (i32.const 0))
  (data (i32.const 200) "\07")
  (func $init (i32.store8 (i32.const 100) (i32.const 0x5a)))
  (start $init)
  (func (export "count") (result i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (global.get $calls))
  (func (export "save") (param i32) (call $save (local.get 0)))
  (func (export "boom") unreachable))
)";

uint32_t le32(const Bytes32& root, size_t at)
{
    return uint32_t{root[at]} | uint32_t{root[at + 1]} << 8 | uint32_t{root[at + 2]} << 16 |
           uint32_t{root[at + 3]} << 24;
}

class WabtEngine : public ::testing::Test, protected scout_test::BlockRunner
{
protected:
    std::unique_ptr<LoadedScript> load(const std::string& wat_text, EngineLimits limits = {},
                                       const std::vector<LibraryCode>& libraries = {})
    {
        auto engine = make_wabt_engine(limits);
        return engine->load(wat(wat_text), libraries);
    }

    std::unique_ptr<LoadedScript> load_with_library(const std::string& wat_text,
                                                    EngineLimits limits = {},
                                                    const std::string& lib = library_wat)
    {
        return load(wat_text, limits, {LibraryCode{"lib", wat(lib)}});
    }

    /// The LoadError loading `wasm` raises; a test failure when none.
    std::string load_error_of(const Bytes& wasm, EngineLimits limits = {},
                              const std::vector<LibraryCode>& libraries = {})
    {
        auto engine = make_wabt_engine(limits);
        try
        {
            engine->load(wasm, libraries);
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

TEST(MakeEngine, WabtByName)
{
    auto engine = make_engine("wabt", {});
    ASSERT_NE(engine, nullptr);
    EXPECT_EQ(engine->name(), "wabt");
    const auto names = engine_names();
    EXPECT_NE(std::find(names.begin(), names.end(), "wabt"), names.end());
    EXPECT_EQ(names.front(), "binaryen");  // the reference stays first
}

TEST(MakeEngine, WabtVersion)
{
    EXPECT_EQ(std::string(wabt_version()), "1.0.32");
}

// ------------------------------------------------------------ running

TEST_F(WabtEngine, InterfaceDescribesImportsAndExports)
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
    EXPECT_EQ(iface.find_export("main")->type, FuncType{});
    ASSERT_NE(iface.find_export("memory"), nullptr);
    EXPECT_EQ(iface.find_export("memory")->kind, ExternKind::memory);
}

TEST_F(WabtEngine, InterfaceMatchesTheBinaryenEngines)
{
    // Same imports in the same order (functions first, as Binaryen lists
    // them), same exports, on a module mixing kinds and types.
    const std::string text = R"((module
  (import "lib" "memory" (memory 1))
  (import "eth2" "blockDataSize" (func (result i32)))
  (import "debug" "print64" (func (param i64)))
  (export "memory" (memory 0))
  (global (export "g") i32 (i32.const 1))
  (table (export "t") 1 funcref)
  (func (export "f") (param f32 f64) (result i64) (i64.const 0))
  (func (export "main")))
)";
    const auto wasm = wat(text);
    const auto a = inspect_module(wasm).interface;
    const auto lib = LibraryCode{"lib", wat(R"((module (memory (export "memory") 1)))")};
    const auto s = make_wabt_engine({})->load(wasm, {lib});
    const auto& b = s->interface();
    ASSERT_EQ(a.imports.size(), b.imports.size());
    for (size_t i = 0; i < a.imports.size(); ++i)
    {
        EXPECT_EQ(a.imports[i].module, b.imports[i].module) << i;
        EXPECT_EQ(a.imports[i].field, b.imports[i].field) << i;
        EXPECT_EQ(a.imports[i].kind, b.imports[i].kind) << i;
        EXPECT_EQ(a.imports[i].type, b.imports[i].type) << i;
    }
    ASSERT_EQ(a.exports.size(), b.exports.size());
    for (size_t i = 0; i < a.exports.size(); ++i)
    {
        EXPECT_EQ(a.exports[i].name, b.exports[i].name) << i;
        EXPECT_EQ(a.exports[i].kind, b.exports[i].kind) << i;
        EXPECT_EQ(a.exports[i].type, b.exports[i].type) << i;
    }
}

TEST_F(WabtEngine, TablesAreFreshForEveryRun)
{
    // A trap in one block leaves nothing behind for the next.
    auto s = load(script(R"(
    (if (i32.load8_u (i32.const 0)) (then unreachable))
    (call_indirect (type $void) (i32.const 0))
    (call $save (i32.const 0)))",
                         R"((type $void (func))
  (table 1 funcref)
  (elem (i32.const 0) $set)
  (func $set (i32.store8 (i32.const 1) (i32.const 9))))"));
    EXPECT_EQ(run(*s).post_state[1], 9);
    EXPECT_EQ(run(*s).post_state[1], 9);
}

TEST_F(WabtEngine, StartFunctionMayCallTheEEI)
{
    // The start function runs once the instance's memory is known to the
    // host functions.
    auto s = load(script("(nop)", R"((data (i32.const 0) "\2a")
  (func $init (call $save (i32.const 0)))
  (start $init))"));
    const auto ctx = run(*s);
    EXPECT_TRUE(ctx.post_state_saved);
    EXPECT_EQ(ctx.post_state[0], 42);
}

TEST_F(WabtEngine, TrapInTheStartFunctionIsATrapOfTheBlock)
{
    auto s = load(script("(call $save (i32.const 0))", "(func $init unreachable) (start $init)"));
    BlockContext ctx;
    const auto t = trap_of(*s, &ctx);
    EXPECT_EQ(t.kind(), TrapKind::wasm);
    EXPECT_TRUE(contains(t.what(), "unreachable")) << t.what();
    EXPECT_FALSE(ctx.post_state_saved);
}

TEST_F(WabtEngine, InstantiateTimeIsSet)
{
    auto s = load(copy_eth2_style);
    const auto ctx = run(*s);
    EXPECT_GT(ctx.instantiate_seconds, 0.0);
    EXPECT_LT(ctx.instantiate_seconds, 10.0);
}

TEST_F(WabtEngine, HostFunctionsSeeGrownMemory)
{
    // memory.grow may move the memory: host functions see the current one.
    auto s = load(script(R"(
    (drop (memory.grow (i32.const 3)))
    (i32.store8 (i32.const 200000) (i32.const 0x77))
    (call $save (i32.const 200000)))"));
    EXPECT_EQ(run(*s).post_state[0], 0x77);
}

TEST_F(WabtEngine, TraceRecordsHostCalls)
{
    auto s = load(copy_eth2_style);
    BlockContext ctx;
    ctx.block_data = &data_;
    ctx.trace_host_calls = true;
    s->run(ctx);
    ASSERT_EQ(ctx.host_calls.size(), 2u);
    EXPECT_EQ(ctx.host_calls[0].function, "eth2.loadPreStateRoot");
    EXPECT_EQ(ctx.host_calls[1].function, "eth2.savePostStateRoot");
    ASSERT_EQ(ctx.host_calls[1].accesses.size(), 1u);
    EXPECT_EQ(ctx.host_calls[1].accesses[0].length, 32u);
}

TEST_F(WabtEngine, WasmFeaturesOfTheBinaryenEngineRun)
{
    // Sign extension, saturating truncation, bulk memory, multi-value, SIMD.
    auto s = load(script(R"(
    (i32.store (i32.const 0) (i32.extend8_s (i32.const 0x80)))
    (i32.store (i32.const 4) (i32.trunc_sat_f32_s (f32.const 1e10)))
    (memory.fill (i32.const 8) (i32.const 0xab) (i32.const 4))
    (i32.store (call $pair))
    (v128.store (i32.const 32) (i32x4.add (v128.const i32x4 1 2 3 4) (v128.const i32x4 10 20 30 40)))
    (i32.store (i32.const 20) (i32x4.extract_lane 3 (v128.load (i32.const 32))))
    (call $save (i32.const 0)))",
                         R"((func $pair (result i32 i32) (i32.const 12) (i32.const 99)))"));
    const auto root = run(*s).post_state;
    EXPECT_EQ(le32(root, 0), 0xFFFFFF80u);
    EXPECT_EQ(le32(root, 4), 0x7FFFFFFFu);
    EXPECT_EQ(le32(root, 8), 0xABABABABu);
    EXPECT_EQ(le32(root, 12), 99u);  // address and value from one call
    EXPECT_EQ(le32(root, 20), 44u);
}

// ------------------------------------------------------------ traps

TEST_F(WabtEngine, DivisionByZeroTraps)
{
    auto s = load(script("(drop (i32.div_u (i32.const 1) (i32.const 0)))"));
    const auto t = trap_of(*s);
    EXPECT_EQ(t.kind(), TrapKind::wasm);
    EXPECT_EQ(std::string(t.what()), "integer divide by zero");
}

TEST_F(WabtEngine, SignedDivisionOverflowTraps)
{
    auto s = load(script("(drop (i32.div_s (i32.const 0x80000000) (i32.const -1)))"));
    const auto t = trap_of(*s);
    EXPECT_EQ(t.kind(), TrapKind::wasm);
    EXPECT_TRUE(contains(t.what(), "overflow")) << t.what();
}

TEST_F(WabtEngine, InvalidFloatConversionTraps)
{
    auto s = load(script("(drop (i32.trunc_f32_s (f32.const nan)))"));
    const auto t = trap_of(*s);
    EXPECT_EQ(t.kind(), TrapKind::wasm);
    EXPECT_TRUE(contains(t.what(), "conversion")) << t.what();
}

TEST_F(WabtEngine, OutOfBoundsLoadTraps)
{
    auto s = load(script("(drop (i32.load (i32.const 65534)))"));
    const auto t = trap_of(*s);
    EXPECT_EQ(t.kind(), TrapKind::wasm);
    EXPECT_TRUE(contains(t.what(), "out of bounds memory access")) << t.what();
}

TEST_F(WabtEngine, OutOfBoundsBulkMemoryTraps)
{
    auto s = load(script("(memory.fill (i32.const 65000) (i32.const 0) (i32.const 1000))"));
    EXPECT_EQ(trap_of(*s).kind(), TrapKind::wasm);
}

TEST_F(WabtEngine, CallIndirectUninitializedElementTraps)
{
    auto s = load(script("(call_indirect (type $void) (i32.const 1))",
                         R"((type $void (func))
  (table 2 funcref)
  (elem (i32.const 0) $f)
  (func $f))"));
    const auto t = trap_of(*s);
    EXPECT_EQ(t.kind(), TrapKind::wasm);
    EXPECT_TRUE(contains(t.what(), "uninitialized")) << t.what();
}

TEST_F(WabtEngine, DeepRecursionIsAResourceTrap)
{
    auto s = load(script("(call $r)", "(func $r (call $r))"));
    const auto t = trap_of(*s);
    EXPECT_EQ(t.kind(), TrapKind::resource);
    EXPECT_EQ(std::string(t.what()),
              "call stack exhausted: more than 10000 nested calls (--max-call-depth)");
}

namespace {

/// main calls $r(k); $r recurses k more times, so main nests k + 1 calls; with
/// `host`, the innermost also calls the EEI (one more).
std::string recursion(int k, bool host)
{
    return script("(call $r (i32.const " + std::to_string(k) + "))",
                  std::string("(func $r (param i32) (if (i32.eqz (local.get 0)) (then ") +
                      (host ? "(call $save (i32.const 0))" : "") +
                      ") (else (call $r (i32.sub (local.get 0) (i32.const 1))))))");
}

}  // namespace

TEST_F(WabtEngine, CallDepthLimitIsExactlyTheBinaryenEngines)
{
    // --max-call-depth N: main may nest N calls, host calls included; N + 1 is
    // a resource trap. Checked against the Binaryen engine at each boundary.
    for (const uint32_t limit : {1u, 2u, 10u, 250u, 10'000u})
    {
        EngineLimits limits;
        limits.max_call_depth = limit;
        for (int nested = static_cast<int>(limit) - 1; nested <= static_cast<int>(limit) + 1;
             ++nested)
            for (const bool host : {false, true})
            {
                if (nested < (host ? 2 : 1))
                    continue;
                const auto text = host ? recursion(nested - 2, true) : recursion(nested - 1, false);
                const bool should_trap = nested > static_cast<int>(limit);
                for (auto* make : {&make_wabt_engine, &make_binaryen_engine})
                {
                    auto s = make(limits)->load(wat(text), {});
                    BlockContext ctx;
                    ctx.block_data = &data_;
                    bool trapped = false;
                    try
                    {
                        s->run(ctx);
                    }
                    catch (const Trap& t)
                    {
                        trapped = true;
                        EXPECT_EQ(t.kind(), TrapKind::resource) << t.what();
                        EXPECT_TRUE(contains(t.what(), "more than " + std::to_string(limit) +
                                                           " nested calls (--max-call-depth)"))
                            << t.what();
                    }
                    EXPECT_EQ(trapped, should_trap)
                        << (make == &make_wabt_engine ? "wabt" : "binaryen") << ": limit " << limit
                        << ", " << nested << " nested calls" << (host ? " (last a host call)" : "");
                }
            }
    }
}

TEST_F(WabtEngine, StartFunctionCallDepthIsLimitedToo)
{
    EngineLimits limits;
    limits.max_call_depth = 5;
    auto s = load(script("(nop)", R"((func $r (call $r)) (start $r))"), limits);
    const auto t = trap_of(*s);
    EXPECT_EQ(t.kind(), TrapKind::resource);
    EXPECT_TRUE(contains(t.what(), "more than 5 nested calls")) << t.what();
}

TEST_F(WabtEngine, DeclaredMaximumBelowTheLimitStillApplies)
{
    auto s = load(R"((module
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (memory (export "memory") 1 2)
  (func (export "main")
    (i32.store (i32.const 0) (memory.grow (i32.const 1)))
    (i32.store (i32.const 4) (memory.grow (i32.const 1)))
    (call $save (i32.const 0))))
)");
    const auto root = run(*s).post_state;
    EXPECT_EQ(le32(root, 0), 1u);
    EXPECT_EQ(le32(root, 4), 0xFFFFFFFFu);
}

TEST_F(WabtEngine, InitialMemoryAboveTheLimitIsALoadError)
{
    EngineLimits limits;
    limits.max_memory_pages = 2;
    const auto wasm = wat(R"((module (memory (export "memory") 3) (func (export "main"))))");
    const auto msg = load_error_of(wasm, limits);
    EXPECT_EQ(msg, "memory declares 3 initial pages, more than the limit of 2");
}

TEST_F(WabtEngine, InitialMemoryAtTheLimitLoads)
{
    EngineLimits limits;
    limits.max_memory_pages = 2;
    auto engine = make_wabt_engine(limits);
    EXPECT_NO_THROW(
        engine->load(wat(R"((module (memory (export "memory") 2) (func (export "main"))))")));
}

TEST_F(WabtEngine, DataSegmentBeyondInitialMemoryIsRejectedAtLoad)
{
    // As the Binaryen engine (its validator); wabt alone would trap at
    // instantiation.
    const auto msg = load_error_of(wat(script("(nop)", R"((data (i32.const 65535) "ab"))")));
    EXPECT_TRUE(contains(msg, "validation")) << msg;
    EXPECT_TRUE(contains(msg, "memory segment offset should be reasonable")) << msg;
}

TEST_F(WabtEngine, DataSegmentAtTheEndOfMemoryLoads)
{
    auto s = load(script("(call $save (i32.const 65504))", R"((data (i32.const 65535) "\01"))"));
    EXPECT_EQ(run(*s).post_state[31], 1);
}

TEST_F(WabtEngine, ElementSegmentBeyondInitialTableIsRejectedAtLoad)
{
    const auto msg = load_error_of(
        wat(script("(nop)", "(table 2 funcref) (elem (i32.const 1) $f $f) (func $f)")));
    EXPECT_TRUE(contains(msg, "table segment offset should be reasonable")) << msg;
}

TEST_F(WabtEngine, HostTrapInsideTheEngineIsKindHost)
{
    auto s = load(script("(call $save (i32.const 65535))"));
    const auto t = trap_of(*s);
    EXPECT_EQ(t.kind(), TrapKind::host);
    // The host function's own Trap, message and all.
    EXPECT_EQ(std::string(t.what()),
              "eth2.savePostStateRoot: memory range [65535, 65567) is out of bounds (memory "
              "size 65536)");
}

TEST_F(WabtEngine, HostTrapMessagesAreTheBinaryenEngines)
{
    const auto wasm = wat(script("(call $save (i32.const 65535))"));
    std::string messages[2];
    int i = 0;
    for (auto* make : {&make_wabt_engine, &make_binaryen_engine})
    {
        auto s = make({})->load(wasm, {});
        const auto t = trap_of(*s);
        EXPECT_EQ(t.kind(), TrapKind::host);
        messages[i++] = t.what();
    }
    EXPECT_EQ(messages[0], messages[1]);
}

TEST_F(WabtEngine, HostTrapIsRecordedByTrace)
{
    auto s = load(script("(call $save (i32.const 65535))"));
    BlockContext ctx;
    ctx.block_data = &data_;
    ctx.trace_host_calls = true;
    EXPECT_THROW(s->run(ctx), Trap);
    ASSERT_EQ(ctx.host_calls.size(), 1u);
    EXPECT_TRUE(contains(ctx.host_calls[0].trap, "out of bounds")) << ctx.host_calls[0].trap;
}

TEST_F(WabtEngine, HostTrapDeepInsideWasmCalls)
{
    // A host trap several wasm frames down comes out as the same Trap.
    auto s = load(
        script("(call $a)", R"((func $a (call $b)) (func $b (call $save (i32.const 70000))))"));
    const auto t = trap_of(*s);
    EXPECT_EQ(t.kind(), TrapKind::host);
    EXPECT_TRUE(contains(t.what(), "eth2.savePostStateRoot")) << t.what();
}

TEST_F(WabtEngine, OutOfTicksInsideTheEngine)
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
        EXPECT_TRUE(contains(t.what(), "eth2.useTicks")) << t.what();
    }
    ctx = BlockContext{};
    ctx.block_data = &data_;
    ctx.tick_budget = 11;
    EXPECT_NO_THROW(s->run(ctx));
    EXPECT_EQ(ctx.ticks_used, 11u);
}

TEST_F(WabtEngine, RunsAgainAfterAHostTrap)
{
    // The host trap of one block does not leak into the next: main saves from
    // 65535 (out of bounds) without block data, from 0 with some.
    auto s = load(R"((module
  (import "eth2" "blockDataSize" (func $size (result i32)))
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (call $save (select (i32.const 65535) (i32.const 0) (i32.eqz (call $size))))))
)");
    data_.clear();
    EXPECT_EQ(trap_of(*s).kind(), TrapKind::host);
    EXPECT_TRUE(run(*s, Bytes{1}).post_state_saved);
    data_.clear();
    EXPECT_EQ(trap_of(*s).kind(), TrapKind::host);
}

// ------------------------------------------------------------ libraries

TEST_F(WabtEngine, ScriptSharesTheLibrarysMemory)
{
    // The script imports the library's memory and re-exports it: its stores,
    // the library's data segment and start function, and the EEI all see the
    // one memory.
    auto s = load_with_library(R"((module
  (import "lib" "memory" (memory 1))
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (export "memory" (memory 0))
  (func (export "main")
    (i32.store8 (i32.const 0) (i32.load8_u (i32.const 100)))
    (i32.store8 (i32.const 1) (i32.load8_u (i32.const 200)))
    (call $save (i32.const 0))))
)");
    const auto root = run(*s).post_state;
    EXPECT_EQ(root[0], 0x5a);  // the library's start function ran
    EXPECT_EQ(root[1], 7);     // the library's data segment
}

TEST_F(WabtEngine, LibraryHostFunctionsSeeTheLibrarysMemory)
{
    // The script has its own memory; lib.save(100) reads the library's.
    auto s = load_with_library(R"((module
  (import "lib" "save" (func $save (param i32)))
  (memory (export "memory") 1)
  (func (export "main") (call $save (i32.const 100))))
)");
    const auto root = run(*s).post_state;
    EXPECT_EQ(root[0], 0x5a);
}

TEST_F(WabtEngine, LibraryIsFreshForEveryBlock)
{
    auto s = load_with_library(R"((module
  (import "lib" "count" (func $count (result i32)))
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (drop (call $count))
    (i32.store (i32.const 0) (call $count))
    (call $save (i32.const 0))))
)");
    EXPECT_EQ(le32(run(*s).post_state, 0), 2u);
    EXPECT_EQ(le32(run(*s).post_state, 0), 2u);
}

TEST_F(WabtEngine, TrapInsideALibraryIsATrapOfTheBlock)
{
    auto s = load_with_library(R"((module
  (import "lib" "boom" (func $boom))
  (memory (export "memory") 1)
  (func (export "main") (call $boom)))
)");
    const auto t = trap_of(*s);
    EXPECT_EQ(t.kind(), TrapKind::wasm);
    EXPECT_TRUE(contains(t.what(), "unreachable")) << t.what();
}

TEST_F(WabtEngine, HostTrapInsideALibraryPropagates)
{
    auto s = load_with_library(R"((module
  (import "lib" "save" (func $save (param i32)))
  (memory (export "memory") 1)
  (func (export "main") (call $save (i32.const 65535))))
)");
    const auto t = trap_of(*s);
    EXPECT_EQ(t.kind(), TrapKind::host);
    EXPECT_TRUE(contains(t.what(), "memory range [65535, 65567)")) << t.what();
}

TEST_F(WabtEngine, ImportedMemoryGrowsUpToTheLimit)
{
    EngineLimits limits;
    limits.max_memory_pages = 3;
    auto s = load_with_library(R"((module
  (import "lib" "memory" (memory 1))
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (export "memory" (memory 0))
  (func (export "main")
    (i32.store (i32.const 0) (memory.grow (i32.const 2)))
    (i32.store (i32.const 4) (memory.grow (i32.const 1)))
    (i32.store (i32.const 8) (memory.size))
    (call $save (i32.const 0))))
)",
                               limits);
    const auto root = run(*s).post_state;
    EXPECT_EQ(le32(root, 0), 1u);
    EXPECT_EQ(le32(root, 4), 0xFFFFFFFFu);
    EXPECT_EQ(le32(root, 8), 3u);
}

TEST_F(WabtEngine, ImportedMemoryLimitsAreTheLibrarysAsInBinaryen)
{
    // The import declares 2 pages, the library has 1: Binaryen does not match
    // import limits and the script sees the library's memory; so does wabt.
    const std::string text = R"((module
  (import "lib" "memory" (memory 2))
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (export "memory" (memory 0))
  (func (export "main")
    (i32.store (i32.const 0) (memory.size))
    (call $save (i32.const 0))))
)";
    const LibraryCode lib{"lib", wat(library_wat)};
    Bytes32 roots[2];
    int i = 0;
    for (auto* make : {&make_wabt_engine, &make_binaryen_engine})
    {
        auto s = make({})->load(wat(text), {lib});
        roots[i++] = run(*s).post_state;
    }
    EXPECT_EQ(le32(roots[0], 0), 1u);
    EXPECT_EQ(roots[0], roots[1]);
}

TEST_F(WabtEngine, LibraryMemoryAboveTheLimitIsALoadErrorNamingIt)
{
    EngineLimits limits;
    limits.max_memory_pages = 2;
    const auto msg =
        load_error_of(wat(copy_eth2_style), limits,
                      {LibraryCode{"big", wat(R"((module (memory (export "memory") 3)))")}});
    EXPECT_EQ(msg, "library 'big': memory declares 3 initial pages, more than the limit of 2");
}

TEST_F(WabtEngine, LibraryStartFunctionTrapIsATrap)
{
    const auto lib = R"((module (memory (export "memory") 1) (func $s unreachable) (start $s)))";
    auto s = load(copy_eth2_style, {}, {LibraryCode{"lib", wat(lib)}});
    EXPECT_EQ(trap_of(*s).kind(), TrapKind::wasm);
}

TEST_F(WabtEngine, LibraryLoadErrorsNameTheLibrary)
{
    const auto msg = load_error_of(wat(copy_eth2_style), {},
                                   {LibraryCode{"mathlib", Bytes{0x00, 'a', 's', 'm'}}});
    EXPECT_TRUE(contains(msg, "library 'mathlib': invalid wasm binary")) << msg;
}

TEST_F(WabtEngine, LibraryMissingExport)
{
    const auto msg = load_error_of(wat(R"((module
  (import "lib" "nope" (func))
  (memory (export "memory") 1)
  (func (export "main")))
)"),
                                   {}, {LibraryCode{"lib", wat(library_wat)}});
    EXPECT_EQ(msg, "import lib.nope: library 'lib' has no export 'nope'");
}

TEST_F(WabtEngine, LibraryCallDepthIsCountedAsInTheBinaryenEngine)
{
    // The Binaryen engine runs a library in its own interpreter instance with
    // its own count: the script's call into the library counts one for the
    // script, then the library may nest max_call_depth calls of its own. Here
    // the script recurses to depth `script` and then calls lib.rec(k), which
    // nests k more calls in the library; both engines must agree at each
    // boundary.
    const uint32_t limit = 4;
    EngineLimits limits;
    limits.max_call_depth = limit;
    const LibraryCode lib{"lib", wat(R"((module (memory (export "memory") 1)
  (func $r (export "rec") (param i32)
    (if (local.get 0) (then (call $r (i32.sub (local.get 0) (i32.const 1))))))))")};
    const auto text = [](int script, int k) {
        return R"((module (import "lib" "rec" (func $rec (param i32))) (memory (export "memory") 1)
  (func $s (param i32)
    (if (local.get 0)
      (then (call $s (i32.sub (local.get 0) (i32.const 1))))
      (else (call $rec (i32.const )" +
               std::to_string(k) + R"()))))
  (func (export "main") (call $s (i32.const )" +
               std::to_string(script) + "))))";
    };
    // main -> $s nests script + 1 calls, the call to rec one more.
    struct Case
    {
        int script, k;
        bool traps;
    };
    for (const Case c : {Case{0, 4, false}, Case{0, 5, true}, Case{2, 4, false}, Case{2, 5, true},
                         Case{3, 0, true}})
        for (auto* make : {&make_wabt_engine, &make_binaryen_engine})
        {
            auto s = make(limits)->load(wat(text(c.script, c.k)), {lib});
            BlockContext ctx;
            ctx.block_data = &data_;
            bool trapped = false;
            try
            {
                s->run(ctx);
            }
            catch (const Trap& t)
            {
                trapped = true;
                EXPECT_EQ(t.kind(), TrapKind::resource) << t.what();
            }
            EXPECT_EQ(trapped, c.traps) << (make == &make_wabt_engine ? "wabt" : "binaryen")
                                        << ": script depth " << c.script << ", rec(" << c.k << ")";
        }
}

// ------------------------------------------------------------ load errors

TEST_F(WabtEngine, EveryTruncationIsALoadError)
{
    const auto wasm = wat(copy_eth2_style);
    for (size_t n = 0; n < wasm.size(); ++n)
    {
        auto engine = make_wabt_engine({});
        EXPECT_THROW(engine->load(Bytes(wasm.begin(), wasm.begin() + n)), LoadError) << n;
    }
}

TEST_F(WabtEngine, HeaderOnlyModuleHasNoMain)
{
    const Bytes header{0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00};
    const auto msg = load_error_of(header);
    EXPECT_EQ(msg, "no exported function 'main'");
}

TEST_F(WabtEngine, InvalidModuleFailsValidation)
{
    const auto wasm = wat(script("(drop (i32.add (i32.const 1) (i64.const 2)))"), "--no-check");
    const auto msg = load_error_of(wasm);
    EXPECT_TRUE(contains(msg, "wasm validation failed")) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
}

TEST_F(WabtEngine, ReferenceTypesAreNotAccepted)
{
    // Binaryen's feature set has no reference types; wabt's default has them.
    const auto wasm = wat(script("(drop (ref.is_null (ref.null func)))"));
    const auto msg = load_error_of(wasm);
    EXPECT_FALSE(msg.empty());
    EXPECT_THROW(make_binaryen_engine({})->load(wasm), LoadError);
}

TEST_F(WabtEngine, FirstBadImportIsTheBinaryenEngines)
{
    // The memory import comes first in the file, the unknown function second:
    // both engines name the function (functions are bound first).
    const auto wasm = wat(R"((module
  (import "env" "memory" (memory 1))
  (import "env" "nope" (func))
  (export "memory" (memory 0))
  (func (export "main")))
)");
    const auto msg = load_error_of(wasm);
    EXPECT_TRUE(contains(msg, "env.nope")) << msg;
    try
    {
        make_binaryen_engine({})->load(wasm);
        ADD_FAILURE() << "no LoadError";
    }
    catch (const LoadError& e)
    {
        EXPECT_EQ(msg, e.what());
    }
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

/// A module whose main has `body` (locals declaration included).
Bytes module_with_main(const Bytes& body)
{
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

/// main evaluates ((0 + 1) + 1) + ... nested `depth` deep.
Bytes deeply_nested_module(size_t depth)
{
    Bytes body{0x00, 0x41, 0x00};  // no locals; i32.const 0
    for (size_t i = 0; i < depth; ++i)
        body.insert(body.end(), {0x41, 0x01, 0x6a});  // i32.const 1; i32.add
    body.insert(body.end(), {0x1a, 0x0b});            // drop; end
    return module_with_main(body);
}

/// main nests `depth` empty blocks.
Bytes deeply_nested_blocks(size_t depth)
{
    Bytes body{0x00};
    for (size_t i = 0; i < depth; ++i)
        body.insert(body.end(), {0x02, 0x40});  // block (no result)
    body.insert(body.end(), depth + 1, 0x0b);   // end of each, and of main
    return module_with_main(body);
}

}  // namespace

TEST_F(WabtEngine, ShallowHandBuiltModuleRuns)
{
    auto engine = make_wabt_engine({});
    auto s = engine->load(deeply_nested_module(100));
    EXPECT_NO_THROW(run(*s));
}

TEST_F(WabtEngine, DeeplyNestedCodeDoesNotCrashTheHarness)
{
    // wabt's interpreter and validator do not recurse natively: deep nesting
    // runs (Binaryen's engine stops deep expressions at 100,000 with a
    // resource trap instead). In a child process so a crash fails only this.
    const Bytes expressions = deeply_nested_module(300000);
    const Bytes blocks = deeply_nested_blocks(300000);
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(
        {
            int ran = 0;
            for (const auto* wasm : {&expressions, &blocks})
            {
                try
                {
                    auto engine = make_wabt_engine({});
                    auto s = engine->load(*wasm);
                    Bytes data;
                    BlockContext ctx;
                    ctx.block_data = &data;
                    s->run(ctx);
                    ++ran;
                }
                catch (const LoadError&)
                {}
                catch (const Trap&)
                {}
            }
            std::exit(ran == 2 ? 0 : 1);
        },
        ::testing::ExitedWithCode(0), "");
}

TEST_F(WabtEngine, RecursionAtTheLargestCallDepthOnASmallStack)
{
    // The wasm call depth never becomes native stack depth: the default
    // largest depth (10,000 nested calls) with many locals runs on a thread
    // with a 256 KiB stack.
    std::string locals;
    for (int i = 0; i < 200; ++i)
        locals += " (local i64)";
    auto s = load(
        script("(call $r (i32.const 9998))",
               "(func $r (param i32)" + locals +
                   " (if (local.get 0) (then (call $r (i32.sub (local.get 0) (i32.const 1))))))"));
    bool ok = false;
    std::string error;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    struct Job
    {
        LoadedScript* s;
        bool* ok;
        std::string* error;
    } job{s.get(), &ok, &error};
    pthread_t thread;
    ASSERT_EQ(pthread_create(
                  &thread, &attr,
                  [](void* arg) -> void* {
                      auto* j = static_cast<Job*>(arg);
                      Bytes data;
                      BlockContext ctx;
                      ctx.block_data = &data;
                      try
                      {
                          j->s->run(ctx);
                          *j->ok = true;
                      }
                      catch (const std::exception& e)
                      {
                          *j->error = e.what();
                      }
                      return nullptr;
                  },
                  &job),
              0);
    pthread_attr_destroy(&attr);
    pthread_join(thread, nullptr);
    EXPECT_TRUE(ok) << error;
}
