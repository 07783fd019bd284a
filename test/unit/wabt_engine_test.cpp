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
using scout_test::copy_eth2_style;
using scout_test::le32;
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

TEST_F(WabtEngine, InstantiateTimeIsSet)
{
    auto s = load(copy_eth2_style);
    const auto ctx = run(*s);
    EXPECT_GT(ctx.instantiate_seconds, 0.0);
    EXPECT_LT(ctx.instantiate_seconds, 10.0);
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

TEST_F(WabtEngine, ReferenceTypesAreNotAccepted)
{
    // Binaryen's feature set has no reference types; wabt's default has them.
    const auto wasm = wat(script("(drop (ref.is_null (ref.null func)))"));
    const auto msg = load_error_of(wasm);
    EXPECT_FALSE(msg.empty());
    EXPECT_THROW(make_binaryen_engine({})->load(wasm), LoadError);
}

// ------------------------------------------------------------ robustness

TEST_F(WabtEngine, DeeplyNestedCodeDoesNotCrashTheHarness)
{
    // wabt's interpreter and validator do not recurse natively: deep nesting
    // runs (Binaryen's engine stops deep expressions at 100,000 with a
    // resource trap instead). In a child process so a crash fails only this.
    const Bytes expressions = scout_test::deeply_nested_module(300000);
    const Bytes blocks = scout_test::deeply_nested_blocks(300000);
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
