// Engine conformance: behaviour every engine (engine_names(): binaryen, wasm2c,
// wabt) must show alike, each test run once per engine (EngineConformance/<engine>).
// Load errors and host, resource and tick traps read alike on every engine; a wasm
// trap's words are each engine's runtime's, listed per engine (expect_wasm_trap).
// What only one engine has (its own limits, its cache, its features, its version)
// stays in <engine>_engine_test.cpp.

#include "engine.hpp"
#include "engine_registry.hpp"
#include "errors.hpp"
#include "trap.hpp"

#include "engine_test_support.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

using namespace scout;
using scout_test::contains;
using scout_test::copy_env_style;
using scout_test::copy_eth2_style;
using scout_test::le32;
using scout_test::script;
using scout_test::wat;

namespace {

class EngineConformance
  : public scout_test::WithPrivateCache<::testing::TestWithParam<std::string>>,
    protected scout_test::BlockRunner
{
protected:
    std::unique_ptr<Engine> engine(EngineLimits limits = {})
    {
        return make_engine(GetParam(), limits);
    }

    std::unique_ptr<LoadedScript> load(const std::string& wat_text, EngineLimits limits = {},
                                       const std::vector<LibraryCode>& libraries = {})
    {
        return engine(limits)->load(wat(wat_text), libraries);
    }

    /// The LoadError loading `wasm` raises; a test failure when none.
    std::string load_error_of(const Bytes& wasm, EngineLimits limits = {},
                              const std::vector<LibraryCode>& libraries = {})
    {
        try
        {
            engine(limits)->load(wasm, libraries);
        }
        catch (const LoadError& e)
        {
            return e.what();
        }
        ADD_FAILURE() << "no LoadError";
        return {};
    }

    /// Checks the trap one run of `s` raises: kind wasm, a message containing
    /// `common`, and exactly this engine's `words` (by engine name). Host,
    /// resource and tick traps and load errors read alike on every engine; a
    /// wasm trap is worded by each engine's runtime (Binaryen's interpreter
    /// names the instruction it ran, wabt's and wasm2c's use wabt's phrases,
    /// and wasm2c's runtime has one trap code for every call_indirect failure
    /// and one for every out of bounds access), so only its kind is compared
    /// between engines (differential.hpp).
    void expect_wasm_trap(LoadedScript& s, const std::string& common,
                          const std::map<std::string, std::string>& words)
    {
        const auto t = trap_of(s);
        EXPECT_EQ(t.kind(), TrapKind::wasm);
        EXPECT_TRUE(contains(t.what(), common)) << t.what();
        const auto own = words.find(GetParam());
        if (own == words.end())
            ADD_FAILURE() << "no words of " << GetParam() << " for this trap: " << t.what();
        else
            EXPECT_EQ(t.what(), own->second);
    }
};

/// wasm2c's one message for every failed call_indirect.
const std::string call_indirect_words =
    "call_indirect: index out of the table, uninitialized element or function signature mismatch";

Bytes32 sample_root()
{
    return scout_test::sha256("engine conformance test");
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(AllEngines, EngineConformance, ::testing::ValuesIn(engine_names()),
                         [](const auto& info) { return info.param; });

TEST_P(EngineConformance, CopiesPreStateToPostStateEth2Style)
{
    auto s = load(copy_eth2_style);
    const auto ctx = run_from(*s, sample_root());
    EXPECT_TRUE(ctx.post_state_saved);
    EXPECT_EQ(ctx.post_state, sample_root());
}

TEST_P(EngineConformance, CopiesPreStateToPostStateEnvStyle)
{
    auto s = load(copy_env_style);
    const auto ctx = run_from(*s, sample_root());
    EXPECT_TRUE(ctx.post_state_saved);
    EXPECT_EQ(ctx.post_state, sample_root());
}

TEST_P(EngineConformance, SameScriptRunsOnDifferentContexts)
{
    auto s = load(copy_eth2_style);
    EXPECT_EQ(run_from(*s, scout_test::sha256("a")).post_state, scout_test::sha256("a"));
    EXPECT_EQ(run_from(*s, scout_test::sha256("b")).post_state, scout_test::sha256("b"));
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
    expect_wasm_trap(
        *s, "unreachable",
        {{"binaryen", "unreachable"}, {"wabt", "unreachable executed"}, {"wasm2c", "unreachable"}});
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
    expect_wasm_trap(*s, "signature",
                     {{"binaryen", "call_indirect: function signature mismatch"},
                      {"wabt", "indirect call signature mismatch"},
                      {"wasm2c", call_indirect_words}});
}

TEST_P(EngineConformance, CallIndirectOutOfTableTraps)
{
    auto s = load(script("(call_indirect (type $void) (i32.const 2))",
                         R"((type $void (func))
  (table 2 funcref)
  (elem (i32.const 0) $f)
  (func $f))"));
    expect_wasm_trap(*s, "table",
                     {{"binaryen", "call_indirect: table index out of bounds"},
                      {"wabt", "undefined table index"},
                      {"wasm2c", call_indirect_words}});
}

TEST_P(EngineConformance, NotWasmBytes)
{
    const std::string text = "this is not wasm";
    const auto msg = load_error_of(Bytes(text.begin(), text.end()));
    EXPECT_EQ(msg, "invalid wasm binary: bad magic value (at byte 4)");
}

TEST_P(EngineConformance, EmptyBytes)
{
    const auto msg = load_error_of(Bytes{});
    EXPECT_EQ(msg, "invalid wasm binary: unable to read uint32_t: magic (at byte 0)");
}

TEST_P(EngineConformance, TruncatedModule)
{
    auto wasm = wat(copy_eth2_style);
    ASSERT_GT(wasm.size(), 20u);
    wasm.resize(wasm.size() - 5);
    const auto msg = load_error_of(wasm);
    EXPECT_EQ(msg, "invalid wasm binary: invalid section size: extends past end (at byte 100)");
}

TEST_P(EngineConformance, UnsupportedBinaryVersion)
{
    const auto msg = load_error_of(Bytes{0x00, 'a', 's', 'm', 0x02, 0x00, 0x00, 0x00});
    EXPECT_EQ(msg, "invalid wasm binary: bad wasm file version: 0x2 (expected 0x1) (at byte 8)");
}

TEST_P(EngineConformance, UnknownImport)
{
    const auto msg = load_error_of(wat(R"((module
  (import "env" "getBalance" (func (param i32)))
  (memory (export "memory") 1)
  (func (export "main")))
)"));
    EXPECT_EQ(msg,
              "import env.getBalance (i32) -> (): unknown host function (see docs/eei.md for the "
              "EEI)");
}

TEST_P(EngineConformance, WrongImportSignature)
{
    const auto msg = load_error_of(wat(R"((module
  (import "eth2" "blockDataSize" (func (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "main")))
)"));
    EXPECT_EQ(msg, "import eth2.blockDataSize: wrong signature: expected () -> (i32), found (i32) "
                   "-> (i32)");
}

TEST_P(EngineConformance, MissingMain)
{
    const auto msg = load_error_of(wat(R"((module
  (memory (export "memory") 1)
  (func (export "start")))
)"));
    EXPECT_EQ(msg, "no exported function 'main'");
}

TEST_P(EngineConformance, MainWithParams)
{
    const auto msg = load_error_of(wat(R"((module
  (memory (export "memory") 1)
  (func (export "main") (param i32)))
)"));
    EXPECT_EQ(msg, "export 'main' has signature (i32) -> (), expected no parameters or C's (i32, "
                   "i32) (argc, argv); any results");
}

TEST_P(EngineConformance, MissingMemoryExport)
{
    const auto msg = load_error_of(wat(R"((module
  (memory 1)
  (func (export "main")))
)"));
    EXPECT_EQ(msg, "no exported memory 'memory'");
}

TEST_P(EngineConformance, ImportedMemory)
{
    const auto msg = load_error_of(wat(R"((module
  (import "env" "memory" (memory 1))
  (export "memory" (memory 0))
  (func (export "main")))
)"));
    EXPECT_EQ(msg, "import env.memory: importing a memory is not supported (the EEI provides "
                   "functions only; a script defines and exports its own memory)");
}

TEST_P(EngineConformance, InterfaceDescribesImportsAndExports)
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

TEST_P(EngineConformance, HostFunctionsSeeGrownMemory)
{
    // memory.grow may move the memory: host functions see the current one.
    auto s = load(script(R"(
    (drop (memory.grow (i32.const 3)))
    (i32.store8 (i32.const 200000) (i32.const 0x77))
    (call $save (i32.const 200000)))"));
    EXPECT_EQ(run(*s).post_state[0], 0x77);
}

TEST_P(EngineConformance, DeclaredMaximumBelowTheLimitStillApplies)
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

TEST_P(EngineConformance, StartFunctionMayCallTheEEI)
{
    // The start function runs once the instance's memory is known to the host
    // functions: what it saves counts, what it loads main sees.
    auto saves = load(script("(nop)", R"((data (i32.const 0) "\2a")
  (func $init (call $save (i32.const 0)))
  (start $init))"));
    const auto ctx = run(*saves);
    EXPECT_TRUE(ctx.post_state_saved);
    EXPECT_EQ(ctx.post_state[0], 42);

    auto loads = load(R"((module
  (import "eth2" "loadPreStateRoot" (func $load (param i32)))
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (memory (export "memory") 1)
  (func $init (call $load (i32.const 32)))
  (start $init)
  (func (export "main") (call $save (i32.const 32))))
)");
    EXPECT_EQ(run_from(*loads, sample_root()).post_state, sample_root());
}

TEST_P(EngineConformance, HostCallsAreTraced)
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
    EXPECT_EQ(ctx.host_calls[0].accesses[0].length, 32u);
    EXPECT_EQ(ctx.host_calls[1].function, "eth2.savePostStateRoot");
    ASSERT_EQ(ctx.host_calls[1].accesses.size(), 1u);
    EXPECT_FALSE(ctx.host_calls[1].accesses[0].write);
    EXPECT_EQ(ctx.host_calls[1].accesses[0].length, 32u);
}

TEST_P(EngineConformance, ShallowHandBuiltModuleRuns)
{
    // Checks the hand-built modules of the per-engine deep nesting tests at a
    // harmless depth.
    EXPECT_NO_THROW(run(*engine()->load(scout_test::deeply_nested_module(100))));
    EXPECT_NO_THROW(run(*engine()->load(scout_test::deeply_nested_blocks(100))));
}

// ------------------------------------------------------------ traps

TEST_P(EngineConformance, DivisionByZeroTraps)
{
    auto s = load(script("(drop (i32.div_u (i32.const 1) (i32.const 0)))"));
    expect_wasm_trap(*s, "div",
                     {{"binaryen", "i32.div_u by 0"},
                      {"wabt", "integer divide by zero"},
                      {"wasm2c", "integer divide by zero"}});
}

TEST_P(EngineConformance, SignedDivisionOverflowTraps)
{
    auto s = load(script("(drop (i32.div_s (i32.const 0x80000000) (i32.const -1)))"));
    expect_wasm_trap(*s, "overflow",
                     {{"binaryen", "i32.div_s overflow"},
                      {"wabt", "integer overflow"},
                      {"wasm2c", "integer overflow"}});
}

TEST_P(EngineConformance, InvalidFloatConversionTraps)
{
    // A NaN as a constant and as computed (which no compiler folds away).
    for (const char* nan : {"(f32.const nan)", "(f32.div (f32.const 0) (f32.const 0))"})
    {
        SCOPED_TRACE(nan);
        auto s = load(script(std::string("(drop (i32.trunc_f32_s ") + nan + "))"));
        expect_wasm_trap(*s, "",
                         {{"binaryen", "truncSFloat of nan"},
                          {"wabt", "invalid conversion to integer"},
                          {"wasm2c", "invalid conversion to integer"}});
    }
}

TEST_P(EngineConformance, OutOfBoundsLoadTraps)
{
    auto s = load(script("(drop (i32.load (i32.const 65534)))"));
    expect_wasm_trap(*s, "",
                     {{"binaryen", "highest > memory: 65534 > 65532"},
                      {"wabt", "out of bounds memory access: access at 65534+4 >= max value 65536"},
                      {"wasm2c", "out of bounds memory or table access"}});
}

TEST_P(EngineConformance, OutOfBoundsMemoryFillTraps)
{
    auto s = load(script("(memory.fill (i32.const 65000) (i32.const 0) (i32.const 1000))"));
    expect_wasm_trap(*s, "out of bounds memory",
                     {{"binaryen", "out of bounds memory access in memory.fill"},
                      {"wabt", "out of bounds memory access: memory.fill out of bounds"},
                      {"wasm2c", "out of bounds memory or table access"}});
}

TEST_P(EngineConformance, CallIndirectUninitializedElementTraps)
{
    auto s = load(script("(call_indirect (type $void) (i32.const 1))",
                         R"((type $void (func))
  (table 2 funcref)
  (elem (i32.const 0) $f)
  (func $f))"));
    expect_wasm_trap(*s, "uninitialized",
                     {{"binaryen", "call_indirect: uninitialized table element"},
                      {"wabt", "uninitialized table element"},
                      {"wasm2c", call_indirect_words}});
}

TEST_P(EngineConformance, DeepRecursionIsAResourceTrap)
{
    auto s = load(script("(call $r)", "(func $r (call $r))"));
    const auto t = trap_of(*s);
    EXPECT_EQ(t.kind(), TrapKind::resource);
    EXPECT_EQ(std::string(t.what()),
              "call stack exhausted: more than 10000 nested calls (--max-call-depth)");
}

TEST_P(EngineConformance, TrapInTheStartFunctionIsATrapOfTheBlock)
{
    auto s = load(script("(call $save (i32.const 0))", "(func $init unreachable) (start $init)"));
    for (int i = 0; i < 2; ++i)
    {
        BlockContext ctx;
        const auto t = trap_of(*s, &ctx);
        EXPECT_EQ(t.kind(), TrapKind::wasm);
        EXPECT_TRUE(contains(t.what(), "unreachable")) << t.what();
        EXPECT_FALSE(ctx.post_state_saved);
    }
}

TEST_P(EngineConformance, HostTrapInsideTheEngineIsKindHost)
{
    auto s = load(script("(call $save (i32.const 65535))"));
    const auto t = trap_of(*s);
    EXPECT_EQ(t.kind(), TrapKind::host);
    // The host function's own Trap, message and all.
    EXPECT_EQ(std::string(t.what()),
              "eth2.savePostStateRoot: memory range [65535, 65567) is out of bounds (memory "
              "size 65536)");
}

TEST_P(EngineConformance, OutOfTicksInsideTheEngine)
{
    // 6 + 5 ticks: the second call goes past a budget of 10, inside the engine.
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
        EXPECT_TRUE(contains(t.what(), "eth2.useTicks")) << t.what();
    }
    ctx = BlockContext{};
    ctx.block_data = &data_;
    ctx.tick_budget = 11;
    EXPECT_NO_THROW(s->run(ctx));
    EXPECT_EQ(ctx.ticks_used, 11u);
}

// ------------------------------------------------------------ load limits

TEST_P(EngineConformance, InitialMemoryAboveTheLimitIsALoadError)
{
    EngineLimits limits;
    limits.max_memory_pages = 2;
    const auto wasm = wat(R"((module (memory (export "memory") 3) (func (export "main"))))");
    EXPECT_EQ(load_error_of(wasm, limits),
              "memory declares 3 initial pages, more than the limit of 2");
}

TEST_P(EngineConformance, InitialMemoryAtTheLimitLoads)
{
    EngineLimits limits;
    limits.max_memory_pages = 2;
    EXPECT_NO_THROW(engine(limits)->load(
        wat(R"((module (memory (export "memory") 2) (func (export "main"))))")));
}

TEST_P(EngineConformance, DataSegmentBeyondInitialMemoryIsRejectedAtLoad)
{
    // The wasm spec would trap at instantiation; scout rejects a constant
    // offset past the initial memory at load, as Binaryen's validator does, so
    // the block never runs.
    const auto msg = load_error_of(wat(script("(nop)", R"((data (i32.const 65535) "ab"))")));
    EXPECT_TRUE(contains(msg, "wasm validation failed")) << msg;
    EXPECT_TRUE(contains(msg, "memory segment offset should be reasonable")) << msg;
}

// ------------------------------------------------------------ load errors

TEST_P(EngineConformance, EveryTruncationIsALoadError)
{
    const auto wasm = wat(copy_eth2_style);
    for (size_t n = 0; n < wasm.size(); ++n)
        EXPECT_THROW(engine()->load(Bytes(wasm.begin(), wasm.begin() + n)), LoadError) << n;
}

TEST_P(EngineConformance, HeaderOnlyModuleHasNoMain)
{
    const Bytes header{0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00};
    EXPECT_EQ(load_error_of(header), "no exported function 'main'");
}

TEST_P(EngineConformance, InvalidModuleFailsValidation)
{
    const auto wasm = wat(script("(drop (i32.add (i32.const 1) (i64.const 2)))"), "--no-check");
    const auto msg = load_error_of(wasm);
    EXPECT_TRUE(contains(msg, "wasm validation failed")) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
}

// ------------------------------------------------------------ libraries

namespace {

/// A library "lib": one page of memory (exported), a data segment, a start
/// function storing 0x5a at byte 2049, a per-instance call counter, exports
/// that call the EEI (print32 and blockDataSize; savePostStateRoot, which
/// reads the library's memory), trap and recurse without end.
const std::string library_wat = R"((module
  (import "debug" "print32" (func $print32 (param i32)))
  (import "eth2" "blockDataSize" (func $size (result i32)))
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
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
  (func (export "save") (param i32) (call $save (local.get 0)))
  (func (export "boom") (unreachable))
  (func (export "deep") (call $deep_r))
  (func $deep_r (call $deep_r)))
)";

/// A script importing the library's memory and bump: bumps byte 0 twice, then
/// saves the bumps' sum, the call count, the library's data and start byte.
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

/// A script with its own memory whose main calls lib.`name` (param i32) with `arg`.
std::string calling_library(const std::string& name, const std::string& arg)
{
    return R"((module
  (import "lib" ")" +
           name + R"(" (func $f)" + (arg.empty() ? "" : " (param i32)") + R"())
  (memory (export "memory") 1)
  (func (export "main") (call $f)" +
           (arg.empty() ? "" : " (i32.const " + arg + ")") + ")))";
}

}  // namespace

TEST_P(EngineConformance, LibraryFunctionsAndMemoryAreFreshEveryBlock)
{
    // The script shares the library's memory: its stores, the library's data
    // segment and start function, and the EEI all see the one memory.
    const std::vector<LibraryCode> libs = {{"lib", wat(library_wat)}};
    auto s = load(library_user_wat, {}, libs);
    for (int i = 0; i < 2; ++i)
    {
        const auto ctx = run(*s, Bytes(5, 0));
        EXPECT_EQ(ctx.post_state[0], 10);    // two bumps of blockDataSize on fresh memory
        EXPECT_EQ(ctx.post_state[1], 2);     // the library's call count, fresh
        EXPECT_EQ(ctx.post_state[2], 'K');   // the library's data segment
        EXPECT_EQ(ctx.post_state[3], 0x5a);  // the library's start function ran
        EXPECT_EQ(ctx.debug_output,
                  (std::vector<std::string>{"print32: 1 (i32 1)", "print32: 2 (i32 2)"}));
    }
}

TEST_P(EngineConformance, LibraryHostFunctionsSeeTheLibrarysMemory)
{
    // The script has its own memory; lib.save(2049) reads the library's.
    auto s = load(calling_library("save", "2049"), {}, {{"lib", wat(library_wat)}});
    EXPECT_EQ(run(*s).post_state[0], 0x5a);
}

TEST_P(EngineConformance, LibraryReexportingAHostFunction)
{
    // The library exports its import of eth2.loadPreStateRoot: the host
    // function runs for the library, on the library's memory, which the
    // script imports.
    const std::vector<LibraryCode> libs = {{"lib", wat(R"((module
  (import "eth2" "loadPreStateRoot" (func $load (param i32)))
  (memory (export "mem") 1)
  (export "load" (func $load))))")}};
    auto s = load(R"((module
  (import "lib" "mem" (memory 1))
  (import "lib" "load" (func $load (param i32)))
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (export "memory" (memory 0))
  (func (export "main") (call $load (i32.const 8)) (call $save (i32.const 8)))))",
                  {}, libs);
    EXPECT_EQ(run_from(*s, sample_root()).post_state, sample_root());
}

TEST_P(EngineConformance, TrapsInsideALibraryAreTrapsOfTheBlock)
{
    const std::vector<LibraryCode> libs = {{"lib", wat(library_wat)}};
    auto boom = load(calling_library("boom", ""), {}, libs);
    const auto wasm_trap = trap_of(*boom);
    EXPECT_EQ(wasm_trap.kind(), TrapKind::wasm);
    EXPECT_TRUE(contains(wasm_trap.what(), "unreachable")) << wasm_trap.what();

    auto deep = load(calling_library("deep", ""), {}, libs);
    EXPECT_EQ(trap_of(*deep).kind(), TrapKind::resource);

    auto save = load(calling_library("save", "65535"), {}, libs);
    const auto host_trap = trap_of(*save);
    EXPECT_EQ(host_trap.kind(), TrapKind::host);
    EXPECT_EQ(std::string(host_trap.what()),
              "eth2.savePostStateRoot: memory range [65535, 65567) is out of bounds (memory "
              "size 65536)");

    // And the library still works afterwards.
    auto s = load(library_user_wat, {}, libs);
    EXPECT_EQ(run(*s, Bytes(5, 0)).post_state[0], 10);
}

TEST_P(EngineConformance, LibraryStartFunctionTrapIsATrap)
{
    const auto lib = R"((module (memory (export "memory") 1) (func $s unreachable) (start $s)))";
    auto s = load(copy_eth2_style, {}, {LibraryCode{"lib", wat(lib)}});
    const auto t = trap_of(*s);
    EXPECT_EQ(t.kind(), TrapKind::wasm);
    EXPECT_TRUE(contains(t.what(), "unreachable")) << t.what();
}

TEST_P(EngineConformance, LibraryMissingExport)
{
    const auto msg =
        load_error_of(wat(calling_library("nope", "")), {}, {LibraryCode{"lib", wat(library_wat)}});
    EXPECT_EQ(msg, "import lib.nope: library 'lib' has no export 'nope'");
}

TEST_P(EngineConformance, LibraryLoadErrorsNameTheLibrary)
{
    EXPECT_EQ(
        load_error_of(wat(copy_eth2_style), {},
                      {LibraryCode{"mathlib", Bytes{0x00, 'a', 's', 'm'}}}),
        "library 'mathlib': invalid wasm binary: unable to read uint32_t: version (at byte 4)");
    EXPECT_EQ(load_error_of(wat(copy_eth2_style), {},
                            {LibraryCode{"lib", wat(R"((module (import "eth2" "nope" (func))))")}}),
              "library 'lib': import eth2.nope () -> (): unknown host function (see docs/eei.md "
              "for the EEI)");
}

TEST_P(EngineConformance, LibraryMemoryAboveTheLimitIsALoadErrorNamingIt)
{
    EngineLimits limits;
    limits.max_memory_pages = 2;
    const auto msg =
        load_error_of(wat(copy_eth2_style), limits,
                      {LibraryCode{"big", wat(R"((module (memory (export "memory") 3)))")}});
    EXPECT_EQ(msg, "library 'big': memory declares 3 initial pages, more than the limit of 2");
}

TEST_P(EngineConformance, FirstBadImportIsAFunction)
{
    // The memory import comes first in the file, the unknown function second:
    // every engine names the function (functions are bound first).
    const auto msg = load_error_of(wat(R"((module
  (import "env" "memory" (memory 1))
  (import "env" "nope" (func))
  (export "memory" (memory 0))
  (func (export "main")))
)"));
    EXPECT_EQ(msg, "import env.nope () -> (): unknown host function (see docs/eei.md for the EEI)");
}
