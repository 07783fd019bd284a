#include "wasm2c_engine.hpp"

#include "aot_cache.hpp"
#include "binaryen_engine.hpp"
#include "engine.hpp"
#include "engine_registry.hpp"
#include "errors.hpp"
#include "trap.hpp"

#include "engine_test_support.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <thread>

using namespace scout;
using scout_test::contains;
using scout_test::copy_env_style;
using scout_test::copy_eth2_style;
using scout_test::script;
using scout_test::wat;

namespace {

namespace fs = std::filesystem;

/// The compiled-object cache lives in a temp folder for the whole test
/// process (SCOUT_CACHE_DIR), never in the user's cache.
class Wasm2cEngine : public ::testing::Test, protected scout_test::BlockRunner
{
protected:
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

    std::unique_ptr<LoadedScript> load(const std::string& wat_text, EngineLimits limits = {},
                                       const std::vector<LibraryCode>& libraries = {})
    {
        return make_wasm2c_engine(limits)->load(wat(wat_text), libraries);
    }

    std::string load_error_of(Engine& engine, const Bytes& wasm,
                              const std::vector<LibraryCode>& libraries = {})
    {
        try
        {
            engine.load(wasm, libraries);
        }
        catch (const LoadError& e)
        {
            return e.what();
        }
        ADD_FAILURE() << "no LoadError";
        return {};
    }

    /// The LoadError of both engines, checked to be the same words.
    std::string same_load_error(const Bytes& wasm, EngineLimits limits = {},
                                const std::vector<LibraryCode>& libraries = {})
    {
        const auto reference = load_error_of(*make_binaryen_engine(limits), wasm, libraries);
        const auto ours = load_error_of(*make_wasm2c_engine(limits), wasm, libraries);
        EXPECT_EQ(ours, reference);
        return ours;
    }

    static std::set<std::string> cached_objects()
    {
        std::set<std::string> names;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(wasm2c_cache_dir(), ec))
            if (e.path().extension() == ".so")
                names.insert(e.path().filename().string());
        return names;
    }

    static scout_test::TempDir* cache_root_;
};

scout_test::TempDir* Wasm2cEngine::cache_root_ = nullptr;

Bytes32 sample_root()
{
    return scout_test::sha256("wasm2c engine test");
}

uint32_t le32(const Bytes32& root, size_t at)
{
    return uint32_t{root[at]} | uint32_t{root[at + 1]} << 8 | uint32_t{root[at + 2]} << 16 |
           uint32_t{root[at + 3]} << 24;
}

/// A script recursing `depth` levels below main, then saving.
std::string recursion(uint32_t depth)
{
    return script(R"(
    (call $r (i32.const )" +
                      std::to_string(depth) + R"())
    (call $save (i32.const 0)))",
                  R"((func $r (param $n i32)
    (if (i32.gt_u (local.get $n) (i32.const 1))
      (then (call $r (i32.sub (local.get $n) (i32.const 1)))))))");
}

}  // namespace

// ------------------------------------------------------------ by name

TEST(MakeEngine, Wasm2cByName)
{
    auto engine = make_engine("wasm2c", {});
    ASSERT_NE(engine, nullptr);
    EXPECT_EQ(engine->name(), "wasm2c");
    const auto names = engine_names();
    EXPECT_NE(std::find(names.begin(), names.end(), "wasm2c"), names.end());
    EXPECT_EQ(names.front(), "binaryen");  // the reference stays first
}

// ------------------------------------------------------------ running

TEST_F(Wasm2cEngine, ToolchainIsDescribedAndRemembered)
{
    const auto d = wasm2c_toolchain_description();
    EXPECT_TRUE(contains(d, "1.0.")) << d;
    // `wasm2c --version` and `cc --version` answers are kept in the cache
    // folder, so that the next process does not run them again.
    size_t memos = 0;
    for (const auto& e : fs::directory_iterator(wasm2c_cache_dir() / "tools"))
        memos += e.path().extension() == ".txt";
    EXPECT_EQ(memos, 2u);
}

TEST_F(Wasm2cEngine, InterfaceDescribesImportsAndExports)
{
    auto s = load(copy_env_style);
    const auto& iface = s->interface();
    ASSERT_EQ(iface.imports.size(), 2u);
    EXPECT_EQ(iface.imports[0].module, "env");
    EXPECT_EQ(iface.imports[0].field, "eth2_loadPreStateRoot");
    ASSERT_NE(iface.find_export("main"), nullptr);
    ASSERT_NE(iface.find_export("memory"), nullptr);
}

TEST_F(Wasm2cEngine, GlobalsMemoryAndGrowthAreFreshForEveryBlock)
{
    auto s = load(script(R"(
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (i32.store8 (i32.const 100) (i32.add (i32.load8_u (i32.const 100)) (i32.const 1)))
    (i32.store (i32.const 0) (global.get $g))
    (i32.store (i32.const 4) (memory.grow (i32.const 1)))
    (i32.store (i32.const 8) (i32.load8_u (i32.const 100)))
    (call $save (i32.const 0)))",
                         R"((global $g (mut i32) (i32.const 0))
  (data (i32.const 100) "\05"))"));
    for (int i = 0; i < 3; ++i)
    {
        const auto root = run(*s).post_state;
        EXPECT_EQ(le32(root, 0), 1u);  // the global starts at 0 again
        EXPECT_EQ(le32(root, 4), 1u);  // the memory is 1 page again
        EXPECT_EQ(le32(root, 8), 6u);  // the data segment is fresh
    }
}

TEST_F(Wasm2cEngine, StartFunctionRunsBeforeMainEveryBlock)
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

TEST_F(Wasm2cEngine, StartFunctionMayCallTheEei)
{
    auto s = load(R"((module
  (import "eth2" "loadPreStateRoot" (func $load (param i32)))
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (memory (export "memory") 1)
  (func $init (call $load (i32.const 32)))
  (start $init)
  (func (export "main") (call $save (i32.const 32))))
)");
    BlockContext ctx;
    ctx.block_data = &data_;
    ctx.pre_state = sample_root();
    s->run(ctx);
    EXPECT_EQ(ctx.post_state, sample_root());
}

TEST_F(Wasm2cEngine, HostResultsAndI64Arguments)
{
    auto s = load(R"((module
  (import "eth2" "blockDataSize" (func $size (result i32)))
  (import "eth2" "blockDataCopy" (func $copy (param i32 i32 i32)))
  (import "debug" "print64" (func $p64 (param i64)))
  (import "env" "debug_print32" (func $p32 (param i32)))
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (call $copy (i32.const 4) (i32.const 3) (i32.const 4))
    (i32.store (i32.const 0) (call $size))
    (call $p64 (i64.const -2))
    (call $p32 (i32.const -1))
    (call $save (i32.const 0))))
)");
    const auto ctx = run(*s, Bytes{10, 11, 12, 13, 14, 15, 16, 17});
    EXPECT_EQ(le32(ctx.post_state, 0), 8u);
    EXPECT_EQ(ctx.post_state[4], 13);
    EXPECT_EQ(ctx.post_state[7], 16);
    ASSERT_EQ(ctx.debug_output.size(), 2u);
    EXPECT_EQ(ctx.debug_output[0], "print64: 18446744073709551614 (i64 -2)");
    EXPECT_EQ(ctx.debug_output[1], "print32: 4294967295 (i32 -1)");
}

TEST_F(Wasm2cEngine, HostFunctionsSeeGrownMemory)
{
    auto s = load(script(R"(
    (drop (memory.grow (i32.const 1)))
    (i32.store8 (i32.const 70000) (i32.const 7))
    (call $save (i32.const 70000)))"));
    EXPECT_EQ(run(*s).post_state[0], 7);
}

TEST_F(Wasm2cEngine, HostImportInATableIsCalledWithItsContext)
{
    // wasm2c 1.0.32 hands an imported function reached through a table a
    // pointer to the instance's field, not the import instance: the shim
    // copes.
    auto s = load(R"((module
  (import "eth2" "loadPreStateRoot" (func $load (param i32)))
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (type $t (func (param i32)))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 0) $load $save)
  (func (export "main")
    (call_indirect (type $t) (i32.const 0) (i32.const 0))
    (call_indirect (type $t) (i32.const 0) (i32.const 1))))
)");
    BlockContext ctx;
    ctx.block_data = &data_;
    ctx.pre_state = sample_root();
    s->run(ctx);
    EXPECT_EQ(ctx.post_state, sample_root());
}

// ------------------------------------------------------------ traps

TEST_F(Wasm2cEngine, DivisionByZeroTraps)
{
    auto s = load(script("(drop (i32.div_u (i32.const 1) (i32.const 0)))"));
    const auto t = trap_of(*s);
    EXPECT_EQ(t.kind(), TrapKind::wasm);
    EXPECT_TRUE(contains(t.what(), "divide by zero")) << t.what();
}

TEST_F(Wasm2cEngine, IntegerOverflowTraps)
{
    auto s = load(script("(drop (i32.div_s (i32.const 0x80000000) (i32.const -1)))"));
    const auto t = trap_of(*s);
    EXPECT_EQ(t.kind(), TrapKind::wasm);
    EXPECT_TRUE(contains(t.what(), "overflow")) << t.what();
}

TEST_F(Wasm2cEngine, InvalidConversionTraps)
{
    auto s = load(script("(drop (i32.trunc_f32_s (f32.div (f32.const 0) (f32.const 0))))"));
    const auto t = trap_of(*s);
    EXPECT_EQ(t.kind(), TrapKind::wasm);
    EXPECT_TRUE(contains(t.what(), "conversion")) << t.what();
}

TEST_F(Wasm2cEngine, OutOfBoundsLoadTraps)
{
    auto s = load(script("(drop (i32.load (i32.const 65534)))"));
    const auto t = trap_of(*s);
    EXPECT_EQ(t.kind(), TrapKind::wasm);
    EXPECT_TRUE(contains(t.what(), "out of bounds")) << t.what();
}

TEST_F(Wasm2cEngine, OutOfBoundsAtAHugeAddressTraps)
{
    // The offset and the address add up beyond 4 GiB: still a trap, not a
    // segfault (explicit bounds checks in 64-bit arithmetic).
    auto s = load(script("(i32.store offset=0xfffffff0 (i32.const 0xfffffff0) (i32.const 1))"));
    EXPECT_EQ(trap_of(*s).kind(), TrapKind::wasm);
}

TEST_F(Wasm2cEngine, OutOfBoundsMemoryFillTraps)
{
    auto s = load(script("(memory.fill (i32.const 65000) (i32.const 0) (i32.const 1000))"));
    EXPECT_EQ(trap_of(*s).kind(), TrapKind::wasm);
}

TEST_F(Wasm2cEngine, CallIndirectTraps)
{
    const std::string table = R"((type $void (func))
  (table 2 funcref)
  (elem (i32.const 0) $takes_i32)
  (func $takes_i32 (param i32)))";
    for (const char* index : {"0", "1", "2"})  // signature mismatch, null, out of the table
    {
        auto s = load(
            script(std::string("(call_indirect (type $void) (i32.const ") + index + "))", table));
        const auto t = trap_of(*s);
        EXPECT_EQ(t.kind(), TrapKind::wasm) << index;
        EXPECT_TRUE(contains(t.what(), "call_indirect")) << t.what();
    }
}

TEST_F(Wasm2cEngine, DeepRecursionIsAResourceTrapNamingTheOption)
{
    auto s = load(script("(call $r)", "(func $r (call $r))"));
    const auto t = trap_of(*s);
    EXPECT_EQ(t.kind(), TrapKind::resource);
    EXPECT_TRUE(contains(t.what(), "call stack exhausted")) << t.what();
    EXPECT_TRUE(contains(t.what(), "--max-call-depth")) << t.what();
}

TEST_F(Wasm2cEngine, CallDepthLimitIsTheReferenceEnginesLimit)
{
    // main calls $r, which recurses: `depth` nested calls below main. Both
    // engines allow exactly max_call_depth of them, host calls counted.
    EngineLimits limits;
    limits.max_call_depth = 20;
    for (uint32_t depth : {1u, 20u, 21u, 40u})
    {
        const auto wasm = wat(recursion(depth));
        auto outcome = [&](Engine& engine) {
            auto s = engine.load(wasm);
            BlockContext ctx;
            ctx.block_data = &data_;
            try
            {
                s->run(ctx);
                return std::string("ok");
            }
            catch (const Trap& t)
            {
                return std::string(to_string(t.kind()));
            }
        };
        auto reference = make_binaryen_engine(limits);
        auto ours = make_wasm2c_engine(limits);
        EXPECT_EQ(outcome(*ours), outcome(*reference)) << depth;
        EXPECT_EQ(outcome(*ours), depth <= 20 ? "ok" : to_string(TrapKind::resource)) << depth;
    }
}

TEST_F(Wasm2cEngine, TheProcessSurvivesEveryTrapAndRunsTheNextBlock)
{
    auto good = load(copy_eth2_style);
    const std::vector<std::string> trapping = {
        script("(unreachable)"),
        script("(drop (i32.div_s (i32.const 1) (i32.const 0)))"),
        script("(drop (i64.load (i32.const 70000)))"),
        script("(call $r)", "(func $r (call $r))"),
        script("(call $save (i32.const 65535))"),
    };
    for (const auto& text : trapping)
    {
        auto bad = load(text);
        for (int i = 0; i < 2; ++i)
        {
            trap_of(*bad);
            BlockContext ctx;
            ctx.block_data = &data_;
            ctx.pre_state = scout_test::sha256(text + std::to_string(i));
            good->run(ctx);
            EXPECT_EQ(ctx.post_state, scout_test::sha256(text + std::to_string(i)));
        }
    }
}

TEST_F(Wasm2cEngine, TrapInTheStartFunction)
{
    auto s = load(script("(call $save (i32.const 0))", "(func $init (unreachable)) (start $init)"));
    EXPECT_EQ(trap_of(*s).kind(), TrapKind::wasm);
    EXPECT_EQ(trap_of(*s).kind(), TrapKind::wasm);
}

TEST_F(Wasm2cEngine, HostTrapComesOutAsTheSameTrap)
{
    auto s = load(script("(call $save (i32.const 65535))"));
    const auto t = trap_of(*s);
    EXPECT_EQ(t.kind(), TrapKind::host);
    EXPECT_TRUE(contains(t.what(), "savePostStateRoot")) << t.what();
    EXPECT_TRUE(contains(t.what(), "out of bounds")) << t.what();
}

TEST_F(Wasm2cEngine, OutOfTicksInsideTheEngine)
{
    auto s = load(R"((module
  (import "eth2" "useTicks" (func $ticks (param i32)))
  (memory (export "memory") 1)
  (func (export "main") (call $ticks (i32.const 6)) (call $ticks (i32.const 5))))
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

TEST_F(Wasm2cEngine, HostCallsAreTraced)
{
    auto s = load(copy_eth2_style);
    BlockContext ctx;
    ctx.block_data = &data_;
    ctx.trace_host_calls = true;
    s->run(ctx);
    ASSERT_EQ(ctx.host_calls.size(), 2u);
    EXPECT_EQ(ctx.host_calls[0].function, "eth2.loadPreStateRoot");
    ASSERT_EQ(ctx.host_calls[0].accesses.size(), 1u);
    EXPECT_TRUE(ctx.host_calls[0].accesses[0].write);
}

// ------------------------------------------------------------ limits

TEST_F(Wasm2cEngine, MemoryGrowByAHugeDeltaReturnsMinusOne)
{
    // 1 + 0xffffffff pages wraps in 32 bits: refused all the same.
    auto s = load(script(R"(
    (i32.store (i32.const 0) (memory.grow (i32.const -1)))
    (i32.store (i32.const 4) (memory.grow (i32.const 0x10000)))
    (i32.store (i32.const 8) (memory.size))
    (call $save (i32.const 0)))"));
    const auto root = run(*s).post_state;
    EXPECT_EQ(le32(root, 0), 0xFFFFFFFFu);
    EXPECT_EQ(le32(root, 4), 0xFFFFFFFFu);
    EXPECT_EQ(le32(root, 8), 1u);
}

TEST_F(Wasm2cEngine, DeclaredMaximumBelowTheLimitStillHolds)
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

TEST_F(Wasm2cEngine, InitialMemoryAboveTheLimitIsTheReferenceLoadError)
{
    EngineLimits limits;
    limits.max_memory_pages = 2;
    const auto msg = same_load_error(
        wat(R"((module (memory (export "memory") 3) (func (export "main"))))"), limits);
    EXPECT_TRUE(contains(msg, "3 initial pages")) << msg;
    EXPECT_TRUE(contains(msg, "limit of 2")) << msg;
}

// ------------------------------------------------------------ load errors

TEST_F(Wasm2cEngine, LoadErrorsReadAsTheReferenceEngines)
{
    const std::string text = "this is not wasm";
    EXPECT_TRUE(contains(same_load_error(Bytes(text.begin(), text.end())), "invalid wasm binary"));
    EXPECT_TRUE(contains(same_load_error(Bytes{}), "invalid wasm binary"));
    EXPECT_TRUE(contains(same_load_error(wat(R"((module
  (import "env" "getBalance" (func (param i32)))
  (memory (export "memory") 1)
  (func (export "main"))))")),
                         "env.getBalance"));
    EXPECT_TRUE(contains(same_load_error(wat(R"((module
  (import "eth2" "blockDataSize" (func (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "main"))))")),
                         "wrong signature"));
    EXPECT_TRUE(
        contains(same_load_error(wat(R"((module (memory (export "memory") 1)))")), "'main'"));
    EXPECT_TRUE(contains(same_load_error(wat(R"((module (memory 1) (func (export "main"))))")),
                         "'memory'"));
    EXPECT_TRUE(contains(
        same_load_error(wat(script("(drop (i32.add (i32.const 1) (i64.const 2)))"), "--no-check")),
        "validation"));
}

// ------------------------------------------------------------ the cache

TEST_F(Wasm2cEngine, CacheMissThenHitThenInvalidation)
{
    const auto before = cached_objects();
    const auto stats0 = wasm2c_stats();
    const std::string text =
        script("(i32.store8 (i32.const 0) (i32.const 11)) (call $save (i32.const 0))",
               "(global $cache_test i32 (i32.const 1))");

    // Miss: translated, compiled, one object more in the cache folder.
    auto first = load(text);
    const auto stats1 = wasm2c_stats();
    EXPECT_EQ(stats1.compiled, stats0.compiled + 1);
    auto after_first = cached_objects();
    EXPECT_EQ(after_first.size(), before.size() + 1);
    EXPECT_EQ(run(*first).post_state[0], 11);

    // Hit: the same module again compiles nothing.
    auto second = load(text);
    const auto stats2 = wasm2c_stats();
    EXPECT_EQ(stats2.compiled, stats1.compiled);
    EXPECT_EQ(stats2.cache_hits, stats1.cache_hits + 1);
    EXPECT_EQ(cached_objects(), after_first);
    EXPECT_EQ(run(*second).post_state[0], 11);

    // A changed module is a new key: compiled again, the old object stays.
    auto changed =
        load(script("(i32.store8 (i32.const 0) (i32.const 12)) (call $save (i32.const 0))",
                    "(global $cache_test i32 (i32.const 1))"));
    EXPECT_EQ(wasm2c_stats().compiled, stats2.compiled + 1);
    EXPECT_EQ(cached_objects().size(), after_first.size() + 1);
    EXPECT_EQ(run(*changed).post_state[0], 12);

    // Objects are named by their SHA-256 key; no temporary files are left.
    for (const auto& name : cached_objects())
        EXPECT_EQ(name.size(), 64u + 3u) << name;
    for (const auto& e : fs::directory_iterator(wasm2c_cache_dir()))
    {
        if (!e.is_directory() || e.path().filename() != "tools")
        {
            EXPECT_EQ(e.path().extension(), ".so") << e.path();
        }
    }
}

TEST_F(Wasm2cEngine, CacheFolderFollowsScoutCacheDir)
{
    EXPECT_EQ(wasm2c_cache_dir(), cache_root_->path() / "wasm2c");
}

TEST_F(Wasm2cEngine, DamagedCacheEntryIsRebuilt)
{
    const std::string text =
        script("(i32.store8 (i32.const 0) (i32.const 21)) (call $save (i32.const 0))",
               "(global $damaged_test i32 (i32.const 2))");
    const auto before = cached_objects();
    {
        auto s = load(text);
    }
    const auto after = cached_objects();
    std::string added;
    for (const auto& n : after)
        if (!before.count(n))
            added = n;
    ASSERT_FALSE(added.empty());
    scout_test::write_file(wasm2c_cache_dir() / added, std::string("not an ELF object"));
    const auto compiled = wasm2c_stats().compiled;
    auto s = load(text);
    EXPECT_EQ(wasm2c_stats().compiled, compiled + 1);
    EXPECT_EQ(run(*s).post_state[0], 21);
}

namespace {

std::string read_bytes(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

// Every object is sealed (aot::seal_object) with a SHA-256 of its key and bytes, checked
// before dlopen: an entry that changed, was cut short or is another module's object is
// rebuilt, never loaded (a truncated object would kill the process with SIGBUS).
TEST_F(Wasm2cEngine, DamagedObjectsAreRebuiltNotLoaded)
{
    const std::string text =
        script("(i32.store8 (i32.const 0) (i32.const 31)) (call $save (i32.const 0))",
               "(global $sealed_test i32 (i32.const 3))");
    const auto before = cached_objects();
    {
        auto s = load(text);
        EXPECT_EQ(run(*s).post_state[0], 31);
    }
    std::string added;
    for (const auto& n : cached_objects())
        if (!before.count(n))
            added = n;
    ASSERT_FALSE(added.empty());
    const fs::path object = wasm2c_cache_dir() / added;
    const std::string key = object.stem().string();
    EXPECT_EQ(aot::check_sealed_object(object, key), "");
    EXPECT_NE(aot::check_sealed_object(object, std::string(64, '0')), "");  // another key
    const std::string good = read_bytes(object);

    const std::vector<std::pair<std::string, std::string>> damages = {
        {"a byte changed", good.substr(0, good.size() / 2) +
                               static_cast<char>(good[good.size() / 2] ^ 0x5a) +
                               good.substr(good.size() / 2 + 1)},
        {"truncated", good.substr(0, good.size() / 2)},
        {"seal removed", good.substr(0, good.size() - 79)},
        {"empty", std::string()},
    };
    for (const auto& [what, bytes] : damages)
    {
        SCOPED_TRACE(what);
        scout_test::write_file(object, bytes);
        EXPECT_NE(aot::check_sealed_object(object, key), "");
        const auto compiled = wasm2c_stats().compiled;
        auto s = load(text);
        EXPECT_EQ(wasm2c_stats().compiled, compiled + 1);
        EXPECT_TRUE(contains(s->load_notes().front(), "cache entry rebuilt: "))
            << s->load_notes().front();
        EXPECT_EQ(run(*s).post_state[0], 31);
        EXPECT_EQ(aot::check_sealed_object(object, key), "");
    }
}

TEST_F(Wasm2cEngine, AnotherModulesObjectUnderAKeyIsRebuilt)
{
    auto text = [](int byte) {
        return script("(i32.store8 (i32.const 0) (i32.const " + std::to_string(byte) +
                          ")) (call $save (i32.const 0))",
                      "(global $swap_test i32 (i32.const 4))");
    };
    auto object_of = [&](int byte) {
        const auto before = cached_objects();
        {
            auto s = load(text(byte));
        }
        for (const auto& n : cached_objects())
            if (!before.count(n))
                return wasm2c_cache_dir() / n;
        return fs::path();
    };
    const fs::path a = object_of(41), b = object_of(42);
    ASSERT_FALSE(a.empty());
    ASSERT_FALSE(b.empty());
    // Trusted, b's key would run a's code: 41.
    fs::copy_file(a, b, fs::copy_options::overwrite_existing);
    const auto compiled = wasm2c_stats().compiled;
    auto s = load(text(42));
    EXPECT_EQ(wasm2c_stats().compiled, compiled + 1);
    EXPECT_EQ(run(*s).post_state[0], 42);
    EXPECT_EQ(aot::check_sealed_object(b, b.stem().string()), "");
}

// A memory of 65,536 pages (4 GiB) with --max-memory-pages 65536, as on the other
// engines; its last byte is usable, and the host functions see all of it.
TEST_F(Wasm2cEngine, MemoryGrowsTo65536Pages)
{
    EngineLimits limits;
    limits.max_memory_pages = 65536;
    auto s = load(script(R"(
    (i32.store (i32.const 0) (memory.grow (i32.const 65535)))
    (i32.store (i32.const 4) (memory.size))
    (i32.store8 (i32.const -1) (i32.const 0xab))
    (i32.store8 (i32.const 8) (i32.load8_u (i32.const -1)))
    (i32.store (i32.const 12) (memory.grow (i32.const 1)))
    (call $save (i32.const 0)))"),
                  limits);
    const auto root = run(*s).post_state;
    EXPECT_EQ(le32(root, 0), 1u);
    EXPECT_EQ(le32(root, 4), 65536u);
    EXPECT_EQ(root[8], 0xab);
    EXPECT_EQ(le32(root, 12), 0xffffffffu);  // past 65,536 pages: refused
}

// ------------------------------------------------------------ libraries

namespace {

const std::string library_wat = R"((module
  (import "debug" "print32" (func $print32 (param i32)))
  (import "eth2" "blockDataSize" (func $size (result i32)))
  (memory (export "memory") 1)
  (global $calls (mut i32) (i32.const 0))
  (data (i32.const 1024) "K")
  (func $init (i32.store8 (i32.const 2049) (i32.const 0x5a)))
  (start $init)
  (func (export "bump") (param $at i32) (result i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (call $print32 (global.get $calls))
    (i32.store8 (local.get $at) (i32.add (i32.load8_u (local.get $at)) (call $size)))
    (global.get $calls))
  (func (export "boom") (unreachable))
  (func (export "deep") (call $deep_r))
  (func $deep_r (call $deep_r)))
)";

const std::string library_user_wat = R"((module
  (import "lib" "memory" (memory 1))
  (import "lib" "bump" (func $bump (param i32) (result i32)))
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (export "memory" (memory 0))
  (func (export "main")
    (i32.store8 (i32.const 1) (call $bump (i32.const 0)))
    (i32.store8 (i32.const 1) (call $bump (i32.const 0)))
    (i32.store8 (i32.const 2) (i32.load8_u (i32.const 1024)))
    (i32.store8 (i32.const 3) (i32.load8_u (i32.const 2049)))
    (call $save (i32.const 0))))
)";

}  // namespace

TEST_F(Wasm2cEngine, LibraryFunctionsAndMemoryAreFreshEveryBlock)
{
    const std::vector<LibraryCode> libs = {{"lib", wat(library_wat)}};
    auto s = load(library_user_wat, {}, libs);
    for (int i = 0; i < 2; ++i)
    {
        const auto ctx = run(*s, Bytes(5, 0));
        EXPECT_EQ(ctx.post_state[0], 10);    // two bumps of blockDataSize on fresh memory
        EXPECT_EQ(ctx.post_state[1], 2);     // the library's call count, fresh
        EXPECT_EQ(ctx.post_state[2], 'K');   // the library's data segment
        EXPECT_EQ(ctx.post_state[3], 0x5a);  // the library's start function ran
        ASSERT_EQ(ctx.debug_output.size(), 2u);
        EXPECT_EQ(ctx.debug_output[1], "print32: 2 (i32 2)");
    }
}

TEST_F(Wasm2cEngine, LibraryAgreesWithTheReferenceEngine)
{
    const std::vector<LibraryCode> libs = {{"lib", wat(library_wat)}};
    const auto wasm = wat(library_user_wat);
    data_ = Bytes(7, 1);
    BlockContext a, b;
    a.block_data = b.block_data = &data_;
    make_binaryen_engine({})->load(wasm, libs)->run(a);
    make_wasm2c_engine({})->load(wasm, libs)->run(b);
    EXPECT_EQ(a.post_state, b.post_state);
    EXPECT_EQ(a.debug_output, b.debug_output);
}

TEST_F(Wasm2cEngine, LibraryReexportingAHostFunction)
{
    // The library exports its import of eth2.loadPreStateRoot: the host
    // function runs for the library, on the library's memory, which the
    // script imports.
    const std::vector<LibraryCode> libs = {{"lib", wat(R"((module
  (import "eth2" "loadPreStateRoot" (func $load (param i32)))
  (memory (export "mem") 1)
  (export "load" (func $load))))")}};
    const auto script_wasm = wat(R"((module
  (import "lib" "mem" (memory 1))
  (import "lib" "load" (func $load (param i32)))
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (export "memory" (memory 0))
  (func (export "main") (call $load (i32.const 8)) (call $save (i32.const 8)))))");
    auto s = make_wasm2c_engine({})->load(script_wasm, libs);
    BlockContext ctx;
    ctx.block_data = &data_;
    ctx.pre_state = sample_root();
    s->run(ctx);
    EXPECT_EQ(ctx.post_state, sample_root());
}

TEST_F(Wasm2cEngine, TrapsInsideALibrary)
{
    const std::vector<LibraryCode> libs = {{"lib", wat(library_wat)}};
    auto boom = load(R"((module
  (import "lib" "memory" (memory 1))
  (import "lib" "boom" (func $boom))
  (export "memory" (memory 0))
  (func (export "main") (call $boom)))
)",
                     {}, libs);
    EXPECT_EQ(trap_of(*boom).kind(), TrapKind::wasm);
    auto deep = load(R"((module
  (import "lib" "memory" (memory 1))
  (import "lib" "deep" (func $deep))
  (export "memory" (memory 0))
  (func (export "main") (call $deep)))
)",
                     {}, libs);
    EXPECT_EQ(trap_of(*deep).kind(), TrapKind::resource);
    // And the library still works afterwards.
    auto s = load(library_user_wat, {}, libs);
    EXPECT_EQ(run(*s, Bytes(5, 0)).post_state[0], 10);
}

TEST_F(Wasm2cEngine, LibraryLoadErrorsReadAsTheReferenceEngines)
{
    const std::vector<LibraryCode> libs = {{"lib", wat(library_wat)}};
    const auto msg = same_load_error(wat(R"((module
  (import "lib" "cube" (func (param i32)))
  (memory (export "memory") 1)
  (func (export "main"))))"),
                                     {}, libs);
    EXPECT_TRUE(contains(msg, "no export 'cube'")) << msg;
    const std::vector<LibraryCode> bad = {
        {"lib", wat(R"((module (import "eth2" "nope" (func))))")}};
    const auto bad_msg = same_load_error(wat(copy_eth2_style), {}, bad);
    EXPECT_TRUE(contains(bad_msg, "library 'lib'")) << bad_msg;
}

// ------------------------------------------------------------ threads

TEST_F(Wasm2cEngine, BlocksOfSeveralThreadsDoNotMix)
{
    // scout run --no-isolate -j 2: engines on several threads, one object
    // shared by two loaded scripts. Blocks run one at a time (a mutex), so
    // each thread's traps and results stay its own.
    auto good = load(copy_eth2_style);
    auto also_good = load(copy_eth2_style);
    auto bad = load(script("(call $r)", "(func $r (call $r))"));
    std::atomic<int> wrong{0};
    auto work = [&](LoadedScript& s, int seed, bool traps) {
        Bytes data;
        for (int i = 0; i < 200; ++i)
        {
            BlockContext ctx;
            ctx.block_data = &data;
            ctx.pre_state = scout_test::sha256(std::to_string(seed * 1000 + i));
            try
            {
                s.run(ctx);
                if (traps || ctx.post_state != ctx.pre_state)
                    ++wrong;
            }
            catch (const Trap& t)
            {
                if (!traps || t.kind() != TrapKind::resource)
                    ++wrong;
            }
        }
    };
    std::thread a(work, std::ref(*good), 1, false);
    std::thread b(work, std::ref(*also_good), 2, false);
    std::thread c(work, std::ref(*bad), 3, true);
    a.join();
    b.join();
    c.join();
    EXPECT_EQ(wrong.load(), 0);
}

// ------------------------------------------------------------ native stack

namespace {

/// A script whose recursive function keeps `locals` i64 values live across
/// its recursive call (a C frame of about 8 * locals bytes), recursing
/// blockDataSize() levels below main.
std::string big_frames(size_t locals)
{
    std::string decls, loads, sum = "(i64.const 0)";
    for (size_t i = 0; i < locals; ++i)
    {
        decls += " (local $l" + std::to_string(i) + " i64)";
        loads += "(local.set $l" + std::to_string(i) + " (i64.load (i32.const " +
                 std::to_string(8 * i) + ")))\n";
        sum = "(i64.add " + sum + " (local.get $l" + std::to_string(i) + "))";
    }
    return R"((module
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (import "eth2" "blockDataSize" (func $size (result i32)))
  (memory (export "memory") 1)
  (func (export "main") (call $r (call $size)) (call $save (i32.const 0)))
  (func $r (param $n i32))" +
           decls + "\n" + loads +
           "(if (i32.gt_u (local.get $n) (i32.const 1)) (then (call $r (i32.sub (local.get $n) "
           "(i32.const 1)))))\n(i64.store (i32.const 0) " +
           sum + ")))";
}

}  // namespace

TEST_F(Wasm2cEngine, HugeFramesNestedToTheLimitDoNotOverflowTheStack)
{
    // 1000 live i64 locals: about 8 KiB of C stack per level; 3000 levels
    // need about 24 MiB, more than a default 8 MiB thread stack. The engine
    // knows the frame size (-fstack-usage) and runs such a script on a large
    // enough stack.
    EngineLimits limits;
    limits.max_call_depth = 3000;
    auto s = load(big_frames(1000), limits);
    EXPECT_NO_THROW(run(*s, Bytes(3000, 0)));
    data_ = Bytes(100000, 0);  // deeper than the limit: a trap, not a crash
    EXPECT_EQ(trap_of(*s).kind(), TrapKind::resource);
}
