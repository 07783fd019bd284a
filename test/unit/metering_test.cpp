#include "metering.hpp"

#include "engine.hpp"
#include "engine_registry.hpp"
#include "errors.hpp"
#include "trap.hpp"

#include "engine_test_support.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <string>

using namespace scout;
using scout_test::contains;
using scout_test::TempDir;
using scout_test::wat;

// Every expected gas below is counted by hand with the rules of docs/metering.md
// ("What is charged where": a region is charged on entry for the instructions it
// holds directly; a body, loop body or if arm of more than one instruction is a
// block in Binaryen IR, a single one is not wrapped) and the default costs.

namespace {

const std::string imports = R"(
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (import "eth2" "blockDataSize" (func $size (result i32)))
  (memory (export "memory") 1)
)";

/// main is one call: call 10 + const 1 = 11.
const std::string one_call = "(module" + imports + R"(
  (func (export "main") (call $save (i32.const 0))))
)";

/// The arm taken depends on the block data: a block that is not empty takes
/// `then`, an empty one `else`.
///   body (an if, not wrapped):       if 2 + call 10 (the condition)       = 12
///   then arm (one call):             call 10 + const 1                    = 11
///   else arm (two instructions):     block 1,
///     and the block's region:        drop 1 + const 1 + call 10 + const 1 = 13
/// then: 12 + 11 = 23; else: 12 + 1 + 13 = 26.
const std::string two_arms = "(module" + imports + R"(
  (func (export "main")
    (if (call $size)
      (then (call $save (i32.const 0)))
      (else (drop (i32.const 7)) (call $save (i32.const 0))))))
)";

/// A loop run max(1, block data size) times.
///   body: a block of 2 (loop, call)                                 block 1 =  1
///   that block's region: loop 2 + call 10 + const 1                        = 13
///   each iteration: the loop body is a block of 2                   block 1 =  1
///     local.set 1 + i32.add 1 + local.get 1 + const 1                     =  4
///     br_if 2 + i32.lt_u 1 + local.get 1 + call 10                        = 14
///                                                          per iteration  = 19
/// 3 iterations: 1 + 13 + 3 * 19 = 71; 5 iterations: 109.
const std::string counted_loop = "(module" + imports + R"(
  (func (export "main")
    (local $i i32)
    (loop $again
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (call $size))))
    (call $save (i32.const 0))))
)";

class Metering : public ::testing::Test, protected scout_test::BlockRunner
{
protected:
    /// The gas one block of the metered `wasm` uses on `engine_name`.
    uint64_t gas_of(const Bytes& wasm, const GasTable& table = GasTable::defaults(),
                    size_t data_size = 0, const std::string& engine_name = "binaryen")
    {
        auto engine = make_engine(engine_name, EngineLimits{});
        auto script = engine->load(meter_module(wasm, table));
        data_ = Bytes(data_size, 0xab);
        BlockContext ctx;
        ctx.block_data = &data_;
        ctx.gas_limit = 1'000'000;
        script->run(ctx);
        EXPECT_TRUE(ctx.post_state_saved);
        return ctx.gas_used;
    }

    /// A gas table read from YAML text.
    static GasTable table(const std::string& yaml)
    {
        TempDir dir;
        scout_test::write_file(dir / "table.gas", yaml);
        return GasTable::load(dir / "table.gas");
    }

    /// The InputError GasTable::load throws for `yaml`.
    static InputError load_error(const std::string& yaml)
    {
        try
        {
            table(yaml);
        }
        catch (const InputError& e)
        {
            return e;
        }
        ADD_FAILURE() << "no InputError for: " << yaml;
        return InputError("", 0, "");
    }
};

}  // namespace

// ------------------------------------------------------------ the pass

TEST_F(Metering, ASingleInstructionBodyIsOneRegion)
{
    EXPECT_EQ(gas_of(wat(one_call)), 11u);
}

TEST_F(Metering, OnlyTheArmTakenIsCharged)
{
    EXPECT_EQ(gas_of(wat(two_arms), GasTable::defaults(), 1), 23u);
    EXPECT_EQ(gas_of(wat(two_arms), GasTable::defaults(), 0), 26u);
}

TEST_F(Metering, ALoopBodyIsChargedOnEveryIteration)
{
    EXPECT_EQ(gas_of(wat(counted_loop), GasTable::defaults(), 3), 71u);
    EXPECT_EQ(gas_of(wat(counted_loop), GasTable::defaults(), 5), 109u);
}

TEST_F(Metering, EveryEngineCountsTheSameGas)
{
    // The module is metered before any engine sees it.
    EXPECT_EQ(gas_of(wat(counted_loop), GasTable::defaults(), 3, "wabt"), 71u);
}

TEST_F(Metering, AStartFunctionIsMeteredToo)
{
    // $init: global.set 2 + const 1 = 3; main: 11.
    const auto wasm = wat("(module" + imports + R"(
  (global $g (mut i32) (i32.const 0))
  (func $init (global.set $g (i32.const 1)))
  (start $init)
  (func (export "main") (call $save (i32.const 0))))
)");
    EXPECT_EQ(gas_of(wasm), 14u);
}

TEST_F(Metering, AFunctionNamedLikeTheChargeImportKeepsItsMeaning)
{
    // The pass names its import scout$metering$useGas unless that is taken;
    // here it is, by a function of the module (kept by --debug-names).
    // main: call 10; the callee: call 10 + const 1 = 11.
    const auto wasm = wat("(module" + imports + R"(
  (func $scout$metering$useGas (call $save (i32.const 0)))
  (func (export "main") (call $scout$metering$useGas)))
)",
                          "--debug-names");
    EXPECT_EQ(gas_of(wasm), 21u);
}

TEST_F(Metering, TheMeteredModuleImportsUseGas)
{
    auto engine = make_engine("binaryen", EngineLimits{});
    auto script = engine->load(meter_module(wat(one_call), GasTable::defaults()));
    const auto& imports_of = script->interface().imports;
    const auto it = std::find_if(imports_of.begin(), imports_of.end(), [](const ImportDesc& i) {
        return i.module == "metering" && i.field == "useGas";
    });
    ASSERT_NE(it, imports_of.end());
    EXPECT_EQ(it->kind, ExternKind::function);
    EXPECT_EQ(it->type, (FuncType{{ValType::i64}, {}}));
}

TEST_F(Metering, ARegionIsChargedBeforeItRuns)
{
    // A gas limit of 0 (trap_of's context) against main's 11: out of gas on
    // entry, before the call that would save the root.
    auto engine = make_engine("binaryen", EngineLimits{});
    auto script = engine->load(meter_module(wat(one_call), GasTable::defaults()));
    BlockContext ctx;
    const Trap t = trap_of(*script, &ctx);
    EXPECT_EQ(t.kind(), TrapKind::out_of_gas);
    EXPECT_TRUE(contains(t.what(), "gas limit of 0 exceeded (11 charged)")) << t.what();
    EXPECT_FALSE(ctx.post_state_saved);
}

TEST_F(Metering, ATableChangesTheCostOfItsClassesOnly)
{
    EXPECT_EQ(gas_of(wat(one_call), table("call: 100\n")), 101u);
    // One const per iteration (i32.const 1) and one in the body's block
    // (i32.const 0): 3 iterations charge 4 consts, each 99 more.
    EXPECT_EQ(gas_of(wat(counted_loop), table("const: 100\n"), 3), 71u + 4 * 99);
}

TEST_F(Metering, ARegionOfCostZeroIsNotCharged)
{
    EXPECT_EQ(gas_of(wat(one_call), table("call: 0\nconst: 0\n")), 0u);
}

TEST_F(Metering, AnInvalidModuleIsALoadError)
{
    const auto wasm = wat(R"((module
  (func (export "main") (drop (i32.add (i32.const 1) (i64.const 2))))))",
                          "--no-check");
    try
    {
        meter_module(wasm, GasTable::defaults());
        FAIL() << "no LoadError";
    }
    catch (const LoadError& e)
    {
        EXPECT_TRUE(contains(e.what(), "wasm validation failed")) << e.what();
    }
    EXPECT_THROW(meter_module(Bytes{'n', 'o', 't'}, GasTable::defaults()), LoadError);
}

// ------------------------------------------------------------ the gas table

TEST_F(Metering, TheDefaultsAreTheDocumentedTable)
{
    // Read from docs/metering.md, "Instruction classes and default costs": rows
    // "| `class` | cost | ... |" after that heading.
    std::ifstream doc(std::string(SCOUT_SOURCE_DIR) + "/docs/metering.md");
    ASSERT_TRUE(doc) << "cannot read docs/metering.md";
    const std::regex row(R"(^\| `([^`]+)` \| ([0-9]+) \|)");
    std::map<std::string, uint64_t> documented;
    bool in_section = false;
    for (std::string line; std::getline(doc, line);)
    {
        if (line.rfind("## ", 0) == 0)
            in_section = line == "## Instruction classes and default costs";
        std::smatch m;
        if (in_section && std::regex_search(line, m, row))
            documented[m[1]] = std::stoull(m[2]);
    }
    EXPECT_EQ(documented.size(), 25u);
    EXPECT_EQ(GasTable::defaults().costs(), documented);
    EXPECT_EQ(GasTable::defaults().cost("no such class"), 0u);
}

TEST_F(Metering, ATableKeepsTheDefaultsOfWhatItDoesNotName)
{
    const auto t = table("# comment\nconst: 100\ndiv: 40\n");
    EXPECT_EQ(t.cost("const"), 100u);
    EXPECT_EQ(t.cost("div"), 40u);
    EXPECT_EQ(t.cost("mul"), 3u);
    EXPECT_EQ(t.costs().size(), GasTable::defaults().costs().size());
}

TEST_F(Metering, CostsUpToEighteenDigits)
{
    EXPECT_EQ(table("call: 999999999999999999\n").cost("call"), 999'999'999'999'999'999u);
    const auto e = load_error("call: 1000000000000000000\n");
    EXPECT_EQ(e.line(), 1u);
    EXPECT_STREQ(e.what(), "cost of 'call' must be an unsigned integer below 10^18");
}

TEST_F(Metering, BadTablesAreErrorsWithTheirLine)
{
    auto e = load_error("const: 1\nlocal: 1\nf32.sqrt: 40\n");
    EXPECT_EQ(e.line(), 3u);
    EXPECT_STREQ(e.what(), "unknown instruction class 'f32.sqrt' (see docs/metering.md)");

    e = load_error("call: 10\ndiv: -5\n");
    EXPECT_EQ(e.line(), 2u);
    EXPECT_STREQ(e.what(), "cost of 'div' must be an unsigned integer below 10^18");

    for (const char* cost : {"1.5", "0x10", "''", "[1, 2]", "{a: 1}", "~"})
        EXPECT_TRUE(contains(load_error(std::string("div: ") + cost + "\n").what(),
                             "cost of 'div' must be an unsigned integer"))
            << cost;

    e = load_error("- const\n- 100\n");
    EXPECT_STREQ(e.what(), "a gas table is a map of instruction class to cost");
    EXPECT_STREQ(load_error("").what(), "a gas table is a map of instruction class to cost");

    e = load_error("const: 1\n  bad: [\n");
    EXPECT_TRUE(contains(e.what(), "malformed YAML")) << e.what();
}

TEST_F(Metering, AMissingTableFileIsAnError)
{
    TempDir dir;
    try
    {
        GasTable::load(dir / "absent.gas");
        FAIL() << "no InputError";
    }
    catch (const InputError& e)
    {
        EXPECT_EQ(e.file(), (dir / "absent.gas").string());
        EXPECT_EQ(e.line(), 0u);
        EXPECT_STREQ(e.what(), "cannot open gas table");
    }
}
