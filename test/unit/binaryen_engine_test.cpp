#include "binaryen_engine.hpp"
#include "engine.hpp"
#include "engine_registry.hpp"
#include "errors.hpp"
#include "trap.hpp"

#include "engine_test_support.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace scout;

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

// ------------------------------------------------------------ robustness

TEST(BinaryenEngine, DeeplyNestedExpressionDoesNotCrashTheHarness)
{
    // A trap is a test result, never a crash (trap.hpp): a script nesting
    // expressions 300000 deep must end as a LoadError or a Trap (resource),
    // not overflow the harness's C stack inside Binaryen's recursive
    // interpreter. Run in a child process so a crash fails only this test.
    const Bytes wasm = scout_test::deeply_nested_module(300000);
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
