// check_binary (src/engines/module_check.hpp): the structural pre-check every engine
// relies on. Modules are built byte by byte here so that each limit is tested
// exactly at its edge; the fuzzers' inputs that once crashed or exhausted
// Binaryen (docs/fuzzing.md, F4 to F7) are replayed through every engine.

#include "engine.hpp"
#include "engine_registry.hpp"
#include "errors.hpp"
#include "module_check.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace {

using scout::Bytes;

void leb(Bytes& out, uint64_t v)
{
    do
    {
        uint8_t b = v & 0x7f;
        v >>= 7;
        out.push_back(static_cast<uint8_t>(b | (v ? 0x80 : 0)));
    } while (v);
}

void section(Bytes& module, uint8_t id, const Bytes& body)
{
    module.push_back(id);
    leb(module, body.size());
    module.insert(module.end(), body.begin(), body.end());
}

Bytes header()
{
    return {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
}

/// `functions` functions of type () -> (), each declaring `locals` i32 locals
/// in groups of at most `group` and an empty body.
Bytes module_with_locals(uint64_t locals, uint32_t functions = 1, uint64_t group = 1000)
{
    Bytes m = header();
    section(m, 1, {0x01, 0x60, 0x00, 0x00});
    Bytes funcs;
    leb(funcs, functions);
    for (uint32_t i = 0; i < functions; ++i)
        funcs.push_back(0);
    section(m, 3, funcs);
    Bytes code;
    leb(code, functions);
    for (uint32_t i = 0; i < functions; ++i)
    {
        Bytes body;
        leb(body, (locals + group - 1) / group);
        for (uint64_t left = locals; left > 0; left -= std::min(left, group))
        {
            leb(body, std::min(left, group));
            body.push_back(0x7f);  // i32
        }
        body.push_back(0x0b);  // end
        leb(code, body.size());
        code.insert(code.end(), body.begin(), body.end());
    }
    section(m, 10, code);
    return m;
}

Bytes module_with_table(uint64_t initial)
{
    Bytes m = header();
    Bytes table = {0x01, 0x70, 0x00};  // one funcref table, no maximum
    leb(table, initial);
    section(m, 4, table);
    return m;
}

Bytes module_with_types(uint64_t count)
{
    Bytes m = header();
    Bytes types;
    leb(types, count);
    for (uint64_t i = 0; i < count; ++i)
        types.insert(types.end(), {0x60, 0x00, 0x00});
    section(m, 1, types);
    return m;
}

std::string error_of(const Bytes& wasm)
{
    try
    {
        scout::check_binary(wasm);
    }
    catch (const scout::LoadError& e)
    {
        return e.what();
    }
    return "";
}

TEST(ModuleCheck, LocalsUpToTheLimitPass)
{
    EXPECT_EQ(error_of(module_with_locals(scout::max_function_locals)), "");
}

TEST(ModuleCheck, OneLocalMoreIsRefused)
{
    EXPECT_EQ(error_of(module_with_locals(scout::max_function_locals + 1)),
              "function 0 declares more than 50000 locals, the limit");
}

TEST(ModuleCheck, LocalsOfAllFunctionsAddUp)
{
    // 21 functions of 50,000 locals: each within its limit, 1,050,000 in all.
    EXPECT_EQ(error_of(module_with_locals(50'000, 20)), "");
    EXPECT_EQ(error_of(module_with_locals(50'000, 21)),
              "the functions declare more than 1000000 locals in all, the limit");
}

TEST(ModuleCheck, TableUpToTheLimitPasses)
{
    EXPECT_EQ(error_of(module_with_table(scout::max_table_entries)), "");
    EXPECT_EQ(error_of(module_with_table(scout::max_table_entries + 1)),
              "table 0 declares 1048577 initial entries, more than the limit of 1048576");
}

TEST(ModuleCheck, TypesUpToTheLimitPass)
{
    EXPECT_EQ(error_of(module_with_types(scout::max_types)), "");
    EXPECT_EQ(error_of(module_with_types(scout::max_types + 1)),
              "the module declares 100001 types, more than the limit of 100000");
}

TEST(ModuleCheck, CountsBeyondTheirSectionAreMalformed)
{
    Bytes m = header();
    Bytes types;
    leb(types, 0xffffffffu);  // 2^32 - 1 types in a 5-byte section
    section(m, 1, types);
    const auto error = error_of(m);
    EXPECT_EQ(error.rfind("invalid wasm binary: ", 0), 0u) << error;
}

TEST(ModuleCheck, OpcodesOfDisabledProposalsAreMalformed)
{
    // (func (try (do) (catch_all)) ...): exception handling is not a script feature.
    Bytes m = header();
    section(m, 1, {0x01, 0x60, 0x00, 0x00});
    section(m, 3, {0x01, 0x00});
    section(m, 10, {0x01, 0x06, 0x00, 0x06, 0x40, 0x19, 0x0b, 0x0b});
    const auto error = error_of(m);
    EXPECT_EQ(error.rfind("invalid wasm binary: unexpected opcode", 0), 0u) << error;
}

/// The fuzzers' inputs: every engine refuses each with a LoadError, quickly and
/// without ending the process.
TEST(ModuleCheck, FuzzFindingsAreLoadErrorsOnEveryEngine)
{
    const std::filesystem::path dir =
        std::filesystem::path(SCOUT_SOURCE_DIR) / "test/fuzz/regressions/fuzz_run_module";
    size_t seen = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir))
    {
        const std::string name = entry.path().filename().string();
        if (name.rfind("f4-", 0) != 0 && name.rfind("f5-", 0) != 0 && name.rfind("f6-", 0) != 0 &&
            name.rfind("f7-", 0) != 0)
            continue;
        std::ifstream in(entry.path(), std::ios::binary);
        const Bytes wasm((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        for (const auto& engine_name : scout::engine_names())
        {
            auto engine = scout::make_engine(engine_name, {});
            EXPECT_THROW(engine->load(wasm, {}), scout::LoadError) << name << " on " << engine_name;
        }
        ++seen;
    }
    EXPECT_EQ(seen, 12u);
}

}  // namespace

// ------------------------------------------------------------ feature_use

TEST(FeatureUse, FindsTheFirstSimdUse)
{
    EXPECT_EQ(scout::feature_use(scout_test::wat(R"((module
  (func (param i32))
  (func (drop (i32x4.splat (i32.const 1))))))"))
                  .simd,
              "function 1: i32x4.splat");
    EXPECT_EQ(scout::feature_use(scout_test::wat(R"((module
  (import "m" "f" (func))
  (func (local i32 v128))))"))
                  .simd,
              "function 1: v128 local");
    EXPECT_EQ(scout::feature_use(scout_test::wat("(module (func (param v128)))")).simd,
              "type 0: v128 parameter");
    EXPECT_EQ(
        scout::feature_use(scout_test::wat("(module (global v128 (v128.const i64x2 0 0)))")).simd,
        "global 0: v128");
}

TEST(FeatureUse, NoneInMvpOrMalformedModules)
{
    EXPECT_EQ(scout::feature_use(scout_test::wat(R"((module
  (memory 1)
  (func (result i64) (i64.extend_i32_s (i32.load (i32.const 0))))))"))
                  .simd,
              "");
    EXPECT_EQ(scout::feature_use(Bytes{0x00, 0x61, 0x73}).simd, "");
    Bytes truncated = header();
    truncated.push_back(0x0a);
    EXPECT_EQ(scout::feature_use(truncated).simd, "");
}
