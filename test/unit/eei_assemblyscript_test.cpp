// Tests of AssemblyScript's host imports (src/eei/eei_assemblyscript.cpp):
// env.abort, whose strings are in AssemblyScript's layout (UTF-16LE code units
// at ptr, their byte length as a u32 at ptr - 4), decoded into the trap
// message; env.trace, the same strings and up to five f64 values as debug
// output; env.seed, refused at load.

#include "binaryen_engine.hpp"
#include "eei.hpp"
#include "eei_groups.hpp"
#include "engine.hpp"
#include "errors.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <string>
#include <vector>

using namespace scout;

namespace {

class AbortEei : public ::testing::Test
{
protected:
    AbortEei()
      : memory(64 * 1024, 0)
      , view(memory.data(), memory.size())
    {}

    /// Writes an AssemblyScript string: rtSize (bytes) at ptr - 4, then the
    /// UTF-16LE code units at ptr.
    void put_string(uint32_t ptr, const std::u16string& text)
    {
        put_u32(ptr - 4, static_cast<uint32_t>(text.size() * 2));
        put_units(ptr, text);
    }

    void put_units(uint32_t ptr, const std::u16string& text)
    {
        for (size_t i = 0; i < text.size(); ++i)
        {
            memory[ptr + 2 * i] = static_cast<uint8_t>(text[i] & 0xff);
            memory[ptr + 2 * i + 1] = static_cast<uint8_t>(text[i] >> 8);
        }
    }

    void put_u32(uint32_t at, uint32_t v)
    {
        for (int i = 0; i < 4; ++i)
            memory[at + i] = static_cast<uint8_t>(v >> (8 * i));
    }

    /// Calls env.abort and returns the trap message (a test failure if it
    /// returns or throws anything but a host trap).
    std::string abort_message(uint32_t msg, uint32_t file, uint32_t line, uint32_t column)
    {
        const HostFunction* f = find_host_function("env", "abort");
        if (f == nullptr)
        {
            ADD_FAILURE() << "env.abort does not resolve";
            return {};
        }
        const Value args[] = {Value::from_i32(msg), Value::from_i32(file), Value::from_i32(line),
                              Value::from_i32(column)};
        try
        {
            f->fn(ctx, view, args);
        }
        catch (const Trap& t)
        {
            EXPECT_EQ(t.kind(), TrapKind::host) << t.what();
            return t.what();
        }
        ADD_FAILURE() << "env.abort returned";
        return {};
    }

    std::vector<uint8_t> memory;
    MemoryView view;
    BlockContext ctx;
};

constexpr uint32_t msg_at = 1024;
constexpr uint32_t file_at = 4096;

}  // namespace

// ------------------------------------------------------------ registration

TEST(AbortFunction, ResolvesAsEnvAbortOnly)
{
    const auto* f = find_host_function("env", "abort");
    ASSERT_NE(f, nullptr);
    EXPECT_STREQ(f->module, "env");
    EXPECT_STREQ(f->name, "abort");
    EXPECT_EQ(f->type, (FuncType{{ValType::i32, ValType::i32, ValType::i32, ValType::i32}, {}}));
    EXPECT_EQ(find_host_function("env", "env_abort"), nullptr);
    EXPECT_EQ(find_host_function("assemblyscript", "abort"), nullptr);
    EXPECT_EQ(find_host_function("env", "assemblyscript_abort"), nullptr);
    EXPECT_EQ(find_host_function("abort", "env"), nullptr);
    EXPECT_EQ(find_host_function("env", "Abort"), nullptr);
}

TEST(AbortFunction, WrongSignatureIsALoadErrorNotAMatch)
{
    ModuleInterface m;
    m.imports = {{"env", "abort", ExternKind::function, FuncType{{ValType::i32}, {}}}};
    try
    {
        bind_imports(m);
        ADD_FAILURE() << "bound";
    }
    catch (const std::exception& e)
    {
        EXPECT_NE(
            std::string(e.what()).find("wrong signature: expected (i32, i32, i32, i32) -> ()"),
            std::string::npos)
            << e.what();
    }
}

// ---------------------------------------------------------------- messages

TEST_F(AbortEei, TheIssuesExample)
{
    put_string(msg_at, u"assertion failed");
    put_string(file_at, u"assembly/index.ts");
    EXPECT_EQ(abort_message(msg_at, file_at, 12, 3),
              "abort: assertion failed at assembly/index.ts:12:3");
}

TEST_F(AbortEei, NullMessage)
{
    put_string(file_at, u"assembly/index.ts");
    EXPECT_EQ(abort_message(0, file_at, 12, 3), "abort at assembly/index.ts:12:3");
}

TEST_F(AbortEei, NullFile)
{
    put_string(msg_at, u"boom");
    EXPECT_EQ(abort_message(msg_at, 0, 0, 0), "abort: boom");
    EXPECT_EQ(abort_message(msg_at, 0, 5, 6), "abort: boom at <unknown file>:5:6");
}

TEST_F(AbortEei, NothingAtAll)
{
    EXPECT_EQ(abort_message(0, 0, 0, 0), "abort");
    EXPECT_EQ(abort_message(0, 0, 7, 0), "abort at <unknown file>:7:0");
}

TEST_F(AbortEei, EmptyStringsAreLeftOut)
{
    put_string(msg_at, u"");
    put_string(file_at, u"");
    EXPECT_EQ(abort_message(msg_at, file_at, 0, 0), "abort");
    EXPECT_EQ(abort_message(msg_at, file_at, 1, 2), "abort at <unknown file>:1:2");
}

TEST_F(AbortEei, LineAndColumnAreUnsigned)
{
    put_string(msg_at, u"x");
    put_string(file_at, u"f.ts");
    EXPECT_EQ(abort_message(msg_at, file_at, 0xffffffffu, 0x80000000u),
              "abort: x at f.ts:4294967295:2147483648");
}

TEST_F(AbortEei, NonAsciiBecomesUtf8)
{
    put_string(msg_at, u"h\u00e9llo \u20ac \u4e2d");  // é (2 bytes), € and 中 (3 bytes)
    put_string(file_at, u"assembly/\u00fc.ts");
    EXPECT_EQ(abort_message(msg_at, file_at, 1, 1),
              "abort: h\xc3\xa9llo \xe2\x82\xac \xe4\xb8\xad at assembly/\xc3\xbc.ts:1:1");
}

TEST_F(AbortEei, SurrogatePairsBecomeOneCodePoint)
{
    // U+1F600 = D83D DE00, U+10000 = D800 DC00, U+10FFFF = DBFF DFFF
    put_string(msg_at, u"a\U0001F600b\U00010000\U0010FFFF");
    EXPECT_EQ(abort_message(msg_at, 0, 0, 0), "abort: a\xf0\x9f\x98\x80"
                                              "b\xf0\x90\x80\x80\xf4\x8f\xbf\xbf");
}

TEST_F(AbortEei, LoneSurrogatesBecomeReplacementCharacters)
{
    const std::string fffd = "\xef\xbf\xbd";
    put_string(msg_at, std::u16string{u'a', 0xd83d, u'b'});  // high, then no low
    EXPECT_EQ(abort_message(msg_at, 0, 0, 0), "abort: a" + fffd + "b");
    put_string(msg_at, std::u16string{u'a', 0xde00, u'b'});  // low without high
    EXPECT_EQ(abort_message(msg_at, 0, 0, 0), "abort: a" + fffd + "b");
    put_string(msg_at, std::u16string{0xde00, 0xd83d});  // reversed pair
    EXPECT_EQ(abort_message(msg_at, 0, 0, 0), "abort: " + fffd + fffd);
    put_string(msg_at, std::u16string{u'z', 0xd83d});  // high as the last unit
    EXPECT_EQ(abort_message(msg_at, 0, 0, 0), "abort: z" + fffd);
    put_string(msg_at, std::u16string{0xd83d, 0xd83d, 0xde00});  // lone high, then a pair
    EXPECT_EQ(abort_message(msg_at, 0, 0, 0), "abort: " + fffd + "\xf0\x9f\x98\x80");
}

TEST_F(AbortEei, ControlCharactersAreEscaped)
{
    put_string(msg_at, std::u16string{u'a', u'\n', u'b', 0, 0x7f, u'\t'});
    EXPECT_EQ(abort_message(msg_at, 0, 0, 0), "abort: a\\x0ab\\x00\\x7f\\x09");
}

TEST_F(AbortEei, OddByteLengthDropsTheHalfUnit)
{
    put_units(msg_at, u"abc");
    put_u32(msg_at - 4, 5);
    EXPECT_EQ(abort_message(msg_at, 0, 0, 0), "abort: ab");
}

TEST_F(AbortEei, StringAtTheVeryEndOfMemory)
{
    const auto end = static_cast<uint32_t>(memory.size());
    put_string(end - 4, u"ok");
    EXPECT_EQ(abort_message(end - 4, 0, 0, 0), "abort: ok");
    put_u32(end - 4, 0);
    EXPECT_EQ(abort_message(end, 0, 0, 0), "abort");  // empty string right at the end
}

// ------------------------------------------------------------ bad pointers

TEST_F(AbortEei, PointerOutsideMemoryIsUnreadable)
{
    put_string(file_at, u"assembly/index.ts");
    EXPECT_EQ(abort_message(0x10001, file_at, 12, 3),
              "abort: <unreadable message at 0x10001> at assembly/index.ts:12:3");
    EXPECT_EQ(abort_message(0xffffffffu, file_at, 12, 3),
              "abort: <unreadable message at 0xffffffff> at assembly/index.ts:12:3");
    put_string(msg_at, u"m");
    EXPECT_EQ(abort_message(msg_at, 0xfffffff0u, 1, 2),
              "abort: m at <unreadable file name at 0xfffffff0>:1:2");
}

TEST_F(AbortEei, PointerBelowFourHasNoHeader)
{
    for (uint32_t p : {1u, 2u, 3u})
        EXPECT_EQ(abort_message(p, 0, 0, 0),
                  "abort: <unreadable message at 0x" + std::to_string(p) + ">");
}

TEST_F(AbortEei, AbsurdLengthIsCutAt1024CodeUnits)
{
    put_units(msg_at, std::u16string(2000, u'x'));
    put_u32(msg_at - 4, 0xffffffffu);
    const auto msg = abort_message(msg_at, 0, 0, 0);
    // rtSize 0xffffffff: 2147483647 code units claimed; the first 1024 (all
    // 'x') are shown.
    EXPECT_EQ(msg, "abort: " + std::string(1024, 'x') + "...<1024 of 2147483647 code units shown>");
}

TEST_F(AbortEei, LongButValidStringIsCut)
{
    put_string(msg_at, std::u16string(1500, u'y'));
    EXPECT_EQ(abort_message(msg_at, 0, 0, 0),
              "abort: " + std::string(1024, 'y') + "...<1024 of 1500 code units shown>");
    put_string(msg_at, std::u16string(1024, u'y'));
    EXPECT_EQ(abort_message(msg_at, 0, 0, 0), "abort: " + std::string(1024, 'y'));
}

TEST_F(AbortEei, LengthPastTheEndOfMemoryDecodesWhatIsThere)
{
    const auto end = static_cast<uint32_t>(memory.size());
    put_units(end - 6, u"abc");
    put_u32(end - 10, 40);  // claims 20 code units, 3 are in memory
    put_string(file_at, u"f.ts");
    EXPECT_EQ(abort_message(end - 6, file_at, 1, 2),
              "abort: abc...<3 of 20 code units, the rest is past the end of memory> at f.ts:1:2");
    put_u32(end - 4, 2);  // a header in the last 4 bytes, its one unit past the end
    EXPECT_EQ(abort_message(end, 0, 0, 0),
              "abort: ...<0 of 1 code units, the rest is past the end of memory>");
}

TEST_F(AbortEei, EmptyMemory)
{
    MemoryView empty;
    const HostFunction* f = find_host_function("env", "abort");
    ASSERT_NE(f, nullptr);
    const Value args[] = {Value::from_i32(8), Value::from_i32(16), Value::from_i32(1),
                          Value::from_i32(2)};
    try
    {
        f->fn(ctx, empty, args);
        ADD_FAILURE() << "returned";
    }
    catch (const Trap& t)
    {
        EXPECT_STREQ(t.what(),
                     "abort: <unreadable message at 0x8> at <unreadable file name at 0x10>:1:2");
    }
}

// --------------------------------------------------------- through an engine

TEST(AbortInScript, AnAssemblyScriptStyleModuleTrapsWithTheMessage)
{
    // Static strings as AssemblyScript lays them out with ~lib/rt/stub (the
    // scout.ts and biturbo builds): a 16-byte header (mmInfo, gcInfo, rtId,
    // rtSize) and the UTF-16LE characters; the pointer is to the characters.
    const std::string text = R"((module
  (import "env" "abort" (func $abort (param i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "\20\00\00\00\01\00\00\00\01\00\00\00\20\00\00\00a\00s\00s\00e\00r\00t\00i\00o\00n\00 \00f\00a\00i\00l\00e\00d\00")
  (data (i32.const 64) "\30\00\00\00\01\00\00\00\01\00\00\00\22\00\00\00a\00s\00s\00e\00m\00b\00l\00y\00/\00i\00n\00d\00e\00x\00.\00t\00s\00")
  (func (export "main")
    (call $abort (i32.const 32) (i32.const 80) (i32.const 12) (i32.const 3))
    unreachable))
)";
    auto script = make_binaryen_engine({})->load(scout_test::wat(text));
    Bytes data;
    BlockContext ctx;
    ctx.block_data = &data;
    try
    {
        script->run(ctx);
        ADD_FAILURE() << "no trap";
    }
    catch (const Trap& t)
    {
        EXPECT_EQ(t.kind(), TrapKind::host);
        EXPECT_STREQ(t.what(), "abort: assertion failed at assembly/index.ts:12:3");
    }
}

TEST(AbortInScript, EnvEnvAbortIsAnUnknownImport)
{
    const std::string text = R"((module
  (import "env" "env_abort" (func $abort (param i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (func (export "main")))
)";
    try
    {
        make_binaryen_engine({})->load(scout_test::wat(text));
        ADD_FAILURE() << "loaded";
    }
    catch (const std::exception& e)
    {
        EXPECT_NE(std::string(e.what()).find("unknown host function"), std::string::npos)
            << e.what();
    }
}

// ------------------------------------------------------------------ trace

namespace {

class TraceEei : public AbortEei
{
protected:
    /// Calls env.trace and returns the debug line it added ("" and a test
    /// failure if it trapped or added none).
    std::string trace(uint32_t msg, int32_t n, std::vector<double> values = {})
    {
        const HostFunction* f = find_host_function("env", "trace");
        if (f == nullptr)
        {
            ADD_FAILURE() << "env.trace does not resolve";
            return {};
        }
        values.resize(5, 0.0);
        Value args[7] = {Value::from_i32(msg), Value::from_i32(static_cast<uint32_t>(n))};
        for (size_t i = 0; i < 5; ++i)
            std::memcpy(&args[2 + i].bits, &values[i], sizeof(double));
        ctx.debug_output.clear();
        try
        {
            f->fn(ctx, view, args);
        }
        catch (const std::exception& e)
        {
            ADD_FAILURE() << "env.trace threw: " << e.what();
            return {};
        }
        if (ctx.debug_output.size() != 1)
        {
            ADD_FAILURE() << ctx.debug_output.size() << " debug lines";
            return {};
        }
        return ctx.debug_output[0];
    }
};

}  // namespace

TEST(TraceFunction, ResolvesAsEnvTraceWithFiveF64s)
{
    const auto* f = find_host_function("env", "trace");
    ASSERT_NE(f, nullptr);
    EXPECT_STREQ(f->module, "env");
    const auto d = ValType::f64;
    EXPECT_EQ(f->type, (FuncType{{ValType::i32, ValType::i32, d, d, d, d, d}, {}}));
    EXPECT_EQ(find_host_function("env", "env_trace"), nullptr);
}

// The expected lines are what AssemblyScript's loader prints for the same call:
// `trace: ${message}${n ? " " : ""}${[a0..a4].slice(0, n).join(", ")}`, the
// numbers as JavaScript's String(v) writes them (checked with node 20).
TEST_F(TraceEei, MessageAndTheFirstNValues)
{
    put_string(msg_at, u"balance");
    EXPECT_EQ(trace(msg_at, 0, {1, 2, 3}), "trace: balance");
    EXPECT_EQ(trace(msg_at, 1, {1.5, 2, 3}), "trace: balance 1.5");
    EXPECT_EQ(trace(msg_at, 2, {1.5, 2, 3}), "trace: balance 1.5, 2");
    EXPECT_EQ(trace(msg_at, 5, {1, -2, 0.1, 100, 0.5}), "trace: balance 1, -2, 0.1, 100, 0.5");
}

TEST_F(TraceEei, NBeyondFiveShowsAllFive)
{
    put_string(msg_at, u"x");
    EXPECT_EQ(trace(msg_at, 7, {1, 2, 3, 4, 5}), "trace: x 1, 2, 3, 4, 5");
    EXPECT_EQ(trace(msg_at, 0x7fffffff, {1, 2, 3, 4, 5}), "trace: x 1, 2, 3, 4, 5");
}

TEST_F(TraceEei, NegativeNCountsFromTheEndAsSliceDoes)
{
    // [1,2,3,4,5].slice(0, -2) is [1,2,3]; slice(0, -5) and below are empty,
    // but n is non-zero, so the space after the message remains.
    put_string(msg_at, u"x");
    EXPECT_EQ(trace(msg_at, -2, {1, 2, 3, 4, 5}), "trace: x 1, 2, 3");
    EXPECT_EQ(trace(msg_at, -5, {1, 2, 3, 4, 5}), "trace: x ");
    EXPECT_EQ(trace(msg_at, -2147483647 - 1, {1, 2, 3, 4, 5}), "trace: x ");
}

TEST_F(TraceEei, NumbersAsJavaScriptWritesThem)
{
    put_string(msg_at, u"v");
    const double inf = std::numeric_limits<double>::infinity();
    EXPECT_EQ(trace(msg_at, 5, {-0.0, 1e21, 1e-7, 123456789012345680000.0, 0.000001}),
              "trace: v 0, 1e+21, 1e-7, 123456789012345680000, 0.000001");
    EXPECT_EQ(trace(msg_at, 5, {1.7976931348623157e308, 5e-324, inf, -inf, -1.25}),
              "trace: v 1.7976931348623157e+308, 5e-324, Infinity, -Infinity, -1.25");
    EXPECT_EQ(trace(msg_at, 4, {1e20, 9007199254740992.0, -123.456e-10, 1.0 / 3}),
              "trace: v 100000000000000000000, 9007199254740992, -1.23456e-8, "
              "0.3333333333333333");
    EXPECT_EQ(trace(msg_at, 1, {std::numeric_limits<double>::quiet_NaN()}), "trace: v NaN");
}

TEST_F(TraceEei, NullAndBadMessagesNeverTrap)
{
    // The loader reads a null message's length from outside memory as 0: "".
    EXPECT_EQ(trace(0, 0), "trace: ");
    EXPECT_EQ(trace(0, 1, {7}), "trace:  7");
    EXPECT_EQ(trace(0x10001, 1, {7}), "trace: <unreadable message at 0x10001> 7");
    put_string(msg_at, std::u16string{u'a', u'\n', u'\u00e9'});
    EXPECT_EQ(trace(msg_at, 0), "trace: a\\x0a\xc3\xa9");
}

TEST_F(TraceEei, GoesIntoTheBlocksDebugOutputWithItsLimit)
{
    put_string(msg_at, u"m");
    const HostFunction* f = find_host_function("env", "trace");
    ASSERT_NE(f, nullptr);
    const Value args[7] = {Value::from_i32(msg_at)};
    for (size_t i = 0; i < BlockContext::max_debug_lines + 3; ++i)
        f->fn(ctx, view, args);
    EXPECT_EQ(ctx.debug_output.size(), BlockContext::max_debug_lines);
    EXPECT_EQ(ctx.debug_dropped, 3u);
    EXPECT_EQ(ctx.debug_output.front(), "trace: m");
}

TEST(JsNumberString, FixedAndExponentBoundaries)
{
    // ECMAScript Number::toString: fixed notation for 1e-7 < |v| < 1e21.
    EXPECT_EQ(eei::js_number_string(1e-6), "0.000001");
    EXPECT_EQ(eei::js_number_string(1.5e-7), "1.5e-7");
    EXPECT_EQ(eei::js_number_string(999999999999999900000.0), "999999999999999900000");
    EXPECT_EQ(eei::js_number_string(1.5e21), "1.5e+21");
    EXPECT_EQ(eei::js_number_string(12.375), "12.375");
    EXPECT_EQ(eei::js_number_string(-5e-324), "-5e-324");
}

// ------------------------------------------------------------------- seed

TEST(SeedImport, IsALoadErrorThatSaysWhy)
{
    ModuleInterface m;
    m.imports = {{"env", "seed", ExternKind::function, FuncType{{}, {ValType::f64}}}};
    try
    {
        bind_imports(m);
        ADD_FAILURE() << "bound";
    }
    catch (const LoadError& e)
    {
        const std::string what = e.what();
        EXPECT_EQ(what.find("import env.seed () -> (f64): "), 0u) << what;
        EXPECT_NE(what.find("Math.random"), std::string::npos) << what;
        EXPECT_NE(what.find("same result on every run"), std::string::npos) << what;
        EXPECT_EQ(what.find("unknown host function"), std::string::npos) << what;
    }
    EXPECT_EQ(find_host_function("env", "seed"), nullptr);
}

TEST(SeedImport, RefusedWithAnySignature)
{
    ModuleInterface m;
    m.imports = {{"env", "seed", ExternKind::function, FuncType{{ValType::i32}, {}}}};
    EXPECT_THROW(bind_imports(m), LoadError);
}

// On every engine, through a script: EngineConformance.AssemblyScriptTraceShowsTheValues
// and EngineConformance.AssemblyScriptSeedIsRefused (engine_conformance_test.cpp).
