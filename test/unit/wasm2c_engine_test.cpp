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
using scout_test::copy_eth2_style;
using scout_test::le32;
using scout_test::script;
using scout_test::wat;

namespace {

namespace fs = std::filesystem;

/// The compiled-object cache lives in a temp folder for the suite.
class Wasm2cEngine : public scout_test::WithPrivateCache<::testing::Test>,
                     protected scout_test::BlockRunner
{
protected:
    std::unique_ptr<LoadedScript> load(const std::string& wat_text, EngineLimits limits = {},
                                       const std::vector<LibraryCode>& libraries = {})
    {
        return make_wasm2c_engine(limits)->load(wat(wat_text), libraries);
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
};

Bytes32 sample_root()
{
    return scout_test::sha256("wasm2c engine test");
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
    EXPECT_EQ(run_from(*s, sample_root()).post_state, sample_root());
}

// ------------------------------------------------------------ traps

TEST_F(Wasm2cEngine, OutOfBoundsAtAHugeAddressTraps)
{
    // The offset and the address add up beyond 4 GiB: still a trap, not a
    // segfault (explicit bounds checks in 64-bit arithmetic).
    auto s = load(script("(i32.store offset=0xfffffff0 (i32.const 0xfffffff0) (i32.const 1))"));
    EXPECT_EQ(trap_of(*s).kind(), TrapKind::wasm);
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
