#include "eei.hpp"
#include "errors.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

using namespace scout;

using scout_test::contains;

namespace {

const HostFunction& host(const char* module, const char* name)
{
    const HostFunction* f = find_host_function(module, name);
    if (f == nullptr)
        throw std::runtime_error(std::string("no host function ") + module + "." + name);
    return *f;
}

/// One block's context and a linear memory, as an engine would set them up.
class Eei : public ::testing::Test
{
protected:
    Eei()
      : memory(256, 0)
      , view(memory.data(), memory.size())
    {
        for (size_t i = 0; i < ctx.pre_state.size(); ++i)
            ctx.pre_state[i] = static_cast<uint8_t>(0xa0 + i);
        ctx.block_data = &data;
    }

    Value call(const char* module, const char* name, std::vector<Value> args = {})
    {
        const HostFunction& f = host(module, name);
        EXPECT_EQ(args.size(), f.type.params.size()) << module << "." << name;
        return f.fn(ctx, view, args.data());
    }

    static Value i32(uint32_t v) { return Value::from_i32(v); }
    static Value i64(uint64_t v) { return Value::from_i64(v); }

    /// Runs `f`, expecting a Trap of `kind`; returns its message.
    static std::string trap_of(const std::function<void()>& f, TrapKind kind = TrapKind::host)
    {
        try
        {
            f();
        }
        catch (const Trap& t)
        {
            EXPECT_EQ(t.kind(), kind) << t.what();
            return t.what();
        }
        ADD_FAILURE() << "no trap";
        return {};
    }

    void set_memory(uint32_t at, const std::vector<uint8_t>& bytes)
    {
        std::copy(bytes.begin(), bytes.end(), memory.begin() + at);
    }

    std::vector<uint8_t> memory;
    MemoryView view;
    Bytes data;
    BlockContext ctx;
};

/// A deposit with the amount's bytes written big-endian (ewasm/scout) or
/// little-endian (SSZ) by hand.
Bytes deposit_bytes(uint64_t amount, bool little_endian = false)
{
    Bytes b;
    for (int i = 0; i < 48; ++i)
        b.push_back(static_cast<uint8_t>(i + 1));
    for (int i = 0; i < 32; ++i)
        b.push_back(static_cast<uint8_t>(0x80 + i));
    for (int i = 0; i < 8; ++i)
        b.push_back(static_cast<uint8_t>(amount >> (8 * (little_endian ? i : 7 - i))));
    for (int i = 0; i < 96; ++i)
        b.push_back(static_cast<uint8_t>(0xff - i));
    return b;
}

}  // namespace

// ------------------------------------------------------------ name resolution

TEST(FindHostFunction, PrefixedEnvStyle)
{
    const auto* f = find_host_function("env", "eth2_loadPreStateRoot");
    ASSERT_NE(f, nullptr);
    EXPECT_STREQ(f->module, "eth2");
    EXPECT_STREQ(f->name, "loadPreStateRoot");
}

TEST(FindHostFunction, OwnModuleStyle)
{
    const auto* f = find_host_function("eth2", "loadPreStateRoot");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f, find_host_function("env", "eth2_loadPreStateRoot"));
}

TEST(FindHostFunction, DebugBothStyles)
{
    const auto* a = find_host_function("env", "debug_print32");
    const auto* b = find_host_function("debug", "print32");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a, b);
    EXPECT_STREQ(a->module, "debug");
    EXPECT_STREQ(a->name, "print32");
}

TEST(FindHostFunction, RejectsUnprefixedNameInEnv)
{
    EXPECT_EQ(find_host_function("env", "loadPreStateRoot"), nullptr);
}

TEST(FindHostFunction, RejectsPrefixedNameInOwnModule)
{
    EXPECT_EQ(find_host_function("eth2", "eth2_loadPreStateRoot"), nullptr);
}

TEST(FindHostFunction, RejectsBarePrefix)
{
    EXPECT_EQ(find_host_function("env", "eth2_"), nullptr);
    EXPECT_EQ(find_host_function("env", "eth2"), nullptr);
}

TEST(FindHostFunction, RejectsWrongSeparator)
{
    EXPECT_EQ(find_host_function("env", "eth2.loadPreStateRoot"), nullptr);
    EXPECT_EQ(find_host_function("env", "eth2XloadPreStateRoot"), nullptr);
}

TEST(FindHostFunction, RejectsUnknownModule)
{
    EXPECT_EQ(find_host_function("ethereum", "loadPreStateRoot"), nullptr);
    EXPECT_EQ(find_host_function("", "loadPreStateRoot"), nullptr);
}

TEST(FindHostFunction, RejectsFunctionOfAnotherModule)
{
    EXPECT_EQ(find_host_function("debug", "loadPreStateRoot"), nullptr);
    EXPECT_EQ(find_host_function("env", "debug_loadPreStateRoot"), nullptr);
}

TEST(FindHostFunction, NamesAreCaseSensitive)
{
    EXPECT_EQ(find_host_function("eth2", "loadprestateroot"), nullptr);
    EXPECT_EQ(find_host_function("ETH2", "loadPreStateRoot"), nullptr);
}

TEST(HostFunctions, EveryEntryResolvesInBothStyles)
{
    ASSERT_FALSE(host_functions().empty());
    for (const auto& f : host_functions())
    {
        EXPECT_EQ(find_host_function(f.module, f.name), &f) << f.name;
        if (std::string_view(f.module) != "env")  // env's own functions have no prefixed form
        {
            EXPECT_EQ(find_host_function("env", std::string(f.module) + "_" + f.name), &f)
                << f.name;
        }
    }
}

TEST(HostFunctions, Signatures)
{
    using V = ValType;
    const FuncType none_to_none{};
    EXPECT_EQ(host("eth2", "loadPreStateRoot").type, (FuncType{{V::i32}, {}}));
    EXPECT_EQ(host("eth2", "blockDataSize").type, (FuncType{{}, {V::i32}}));
    EXPECT_EQ(host("eth2", "blockDataCopy").type, (FuncType{{V::i32, V::i32, V::i32}, {}}));
    EXPECT_EQ(host("eth2", "savePostStateRoot").type, (FuncType{{V::i32}, {}}));
    EXPECT_EQ(host("eth2", "pushNewDeposit").type, (FuncType{{V::i32, V::i32}, {}}));
    EXPECT_EQ(host("eth2", "useTicks").type, (FuncType{{V::i32}, {}}));
    EXPECT_EQ(host("debug", "print32").type, (FuncType{{V::i32}, {}}));
    EXPECT_EQ(host("debug", "print64").type, (FuncType{{V::i64}, {}}));
    EXPECT_EQ(host("debug", "printMem").type, (FuncType{{V::i32, V::i32}, {}}));
    EXPECT_EQ(host("debug", "printMemHex").type, (FuncType{{V::i32, V::i32}, {}}));
    EXPECT_NE(host("debug", "printMemHex").type, none_to_none);
}

// ------------------------------------------------------------ loadPreStateRoot

TEST_F(Eei, LoadPreStateRootWritesThe32BytesAtPtr)
{
    call("eth2", "loadPreStateRoot", {i32(10)});
    for (size_t i = 0; i < 32; ++i)
        EXPECT_EQ(memory[10 + i], 0xa0 + i) << i;
    EXPECT_EQ(memory[9], 0);
    EXPECT_EQ(memory[42], 0);
}

TEST_F(Eei, LoadPreStateRootAtTheVeryEndOfMemory)
{
    call("eth2", "loadPreStateRoot", {i32(256 - 32)});
    EXPECT_EQ(memory[224], 0xa0);
    EXPECT_EQ(memory[255], 0xa0 + 31);
}

TEST_F(Eei, LoadPreStateRootOneBytePastTheEndTraps)
{
    const auto msg = trap_of([&] { call("eth2", "loadPreStateRoot", {i32(256 - 31)}); });
    EXPECT_TRUE(contains(msg, "loadPreStateRoot")) << msg;
    EXPECT_TRUE(contains(msg, "out of bounds")) << msg;
    for (uint8_t b : memory)
        ASSERT_EQ(b, 0) << "nothing may be written on a trap";
}

TEST_F(Eei, LoadPreStateRootAtMaxPointerTraps)
{
    trap_of([&] { call("eth2", "loadPreStateRoot", {i32(0xFFFFFFFF)}); });
}

// ------------------------------------------------------------ blockData

TEST_F(Eei, BlockDataSize)
{
    data = Bytes(77, 1);
    EXPECT_EQ(call("eth2", "blockDataSize").i32(), 77u);
    data.clear();
    EXPECT_EQ(call("eth2", "blockDataSize").i32(), 0u);
}

TEST_F(Eei, BlockDataCopyFromOffsetZero)
{
    data = {1, 2, 3, 4, 5};
    call("eth2", "blockDataCopy", {i32(100), i32(0), i32(3)});
    EXPECT_EQ(memory[100], 1);
    EXPECT_EQ(memory[101], 2);
    EXPECT_EQ(memory[102], 3);
    EXPECT_EQ(memory[103], 0);
}

TEST_F(Eei, BlockDataCopyFromNonZeroOffsetCopiesOffsetToOffsetPlusLength)
{
    // ewasm/scout sliced data[offset, length): with offset 2, length 3 it
    // would copy only 1 byte ({3}). The EEI copies data[2, 5).
    data = {1, 2, 3, 4, 5, 6, 7};
    call("eth2", "blockDataCopy", {i32(0), i32(2), i32(3)});
    EXPECT_EQ(memory[0], 3);
    EXPECT_EQ(memory[1], 4);
    EXPECT_EQ(memory[2], 5);
    EXPECT_EQ(memory[3], 0);
}

TEST_F(Eei, BlockDataCopyOffsetLargerThanLength)
{
    // [offset, length) would be empty or reversed here; [offset, offset+length) is {6, 7}.
    data = {1, 2, 3, 4, 5, 6, 7};
    call("eth2", "blockDataCopy", {i32(50), i32(5), i32(2)});
    EXPECT_EQ(memory[50], 6);
    EXPECT_EQ(memory[51], 7);
}

TEST_F(Eei, BlockDataCopyLengthZeroWritesNothing)
{
    data = {9, 9};
    call("eth2", "blockDataCopy", {i32(0), i32(1), i32(0)});
    for (uint8_t b : memory)
        ASSERT_EQ(b, 0);
}

TEST_F(Eei, BlockDataCopyOffsetAtEndWithLengthZeroIsFine)
{
    data = {9, 9};
    EXPECT_NO_THROW(call("eth2", "blockDataCopy", {i32(0), i32(2), i32(0)}));
}

TEST_F(Eei, BlockDataCopyPastTheEndOfDataTraps)
{
    data = {1, 2, 3};
    const auto msg = trap_of([&] { call("eth2", "blockDataCopy", {i32(0), i32(2), i32(2)}); });
    EXPECT_TRUE(contains(msg, "blockDataCopy")) << msg;
    EXPECT_TRUE(contains(msg, "block data")) << msg;
    EXPECT_EQ(memory[0], 0);
}

TEST_F(Eei, BlockDataCopyOffsetBeyondDataTraps)
{
    data = {1, 2, 3};
    trap_of([&] { call("eth2", "blockDataCopy", {i32(0), i32(4), i32(0)}); });
}

TEST_F(Eei, BlockDataCopyDoesNotWrapAround32Bits)
{
    // 0xFFFFFFFF + 2 wraps to 1 in 32-bit arithmetic, which is <= size 3.
    data = {1, 2, 3};
    trap_of([&] { call("eth2", "blockDataCopy", {i32(0), i32(0xFFFFFFFF), i32(2)}); });
}

TEST_F(Eei, BlockDataCopyDestinationOutOfMemoryTraps)
{
    data = Bytes(8, 7);
    const auto msg = trap_of([&] { call("eth2", "blockDataCopy", {i32(250), i32(0), i32(8)}); });
    EXPECT_TRUE(contains(msg, "memory")) << msg;
}

TEST_F(Eei, BlockDataCopyDestinationAtMaxPointerTraps)
{
    data = Bytes(8, 7);
    trap_of([&] { call("eth2", "blockDataCopy", {i32(0xFFFFFFFF), i32(0), i32(1)}); });
}

// ------------------------------------------------------------ savePostStateRoot

TEST_F(Eei, SavePostStateRootReads32BytesAtPtr)
{
    for (int i = 0; i < 32; ++i)
        memory[40 + i] = static_cast<uint8_t>(200 - i);
    EXPECT_FALSE(ctx.post_state_saved);
    call("eth2", "savePostStateRoot", {i32(40)});
    EXPECT_TRUE(ctx.post_state_saved);
    for (int i = 0; i < 32; ++i)
        EXPECT_EQ(ctx.post_state[i], 200 - i) << i;
}

TEST_F(Eei, SavePostStateRootLastCallWins)
{
    memory[0] = 1;
    memory[100] = 2;
    call("eth2", "savePostStateRoot", {i32(0)});
    call("eth2", "savePostStateRoot", {i32(100)});
    EXPECT_EQ(ctx.post_state[0], 2);
}

TEST_F(Eei, SavePostStateRootAtEndOfMemory)
{
    memory[255] = 0x5a;
    call("eth2", "savePostStateRoot", {i32(224)});
    EXPECT_EQ(ctx.post_state[31], 0x5a);
}

TEST_F(Eei, SavePostStateRootOutOfRangeTraps)
{
    const auto msg = trap_of([&] { call("eth2", "savePostStateRoot", {i32(225)}); });
    EXPECT_TRUE(contains(msg, "savePostStateRoot")) << msg;
    EXPECT_FALSE(ctx.post_state_saved);
    trap_of([&] { call("eth2", "savePostStateRoot", {i32(0xFFFFFFF0)}); });
}

// ------------------------------------------------------------ pushNewDeposit

TEST_F(Eei, PushNewDepositEwasmLayoutOf32Eth)
{
    // 32 ETH in Gwei as ewasm/scout's vectors write it: 00 00 00 07 73 59 40 00.
    Bytes bytes = deposit_bytes(0);
    const uint8_t amount[] = {0x00, 0x00, 0x00, 0x07, 0x73, 0x59, 0x40, 0x00};
    std::copy(std::begin(amount), std::end(amount), bytes.begin() + 80);
    set_memory(0, bytes);
    call("eth2", "pushNewDeposit", {i32(0), i32(184)});
    ASSERT_EQ(ctx.deposits.size(), 1u);
    EXPECT_EQ(ctx.deposits[0].amount, 32000000000u);
    // The same bytes read little-endian: what scout read before the default changed.
    ctx.deposit_layout = DepositLayout::ssz;
    call("eth2", "pushNewDeposit", {i32(0), i32(184)});
    ASSERT_EQ(ctx.deposits.size(), 2u);
    EXPECT_EQ(ctx.deposits[1].amount, 18112749083033600u);
}

TEST_F(Eei, PushNewDepositSszLayoutIsLittleEndian)
{
    ctx.deposit_layout = DepositLayout::ssz;
    const uint64_t amount = 0x0102030405060708ull;
    set_memory(16, deposit_bytes(amount, true));
    EXPECT_EQ(memory[16 + 80], 0x08);
    call("eth2", "pushNewDeposit", {i32(16), i32(184)});
    ASSERT_EQ(ctx.deposits.size(), 1u);
    EXPECT_EQ(ctx.deposits[0].amount, amount);
    EXPECT_EQ(ctx.deposits[0].encode(DepositLayout::ssz), deposit_bytes(amount, true));
    EXPECT_EQ(ctx.deposits[0].encode(DepositLayout::ewasm), deposit_bytes(amount));
}

TEST_F(Eei, PushNewDepositDecodesTheLayout)
{
    // The default: ewasm/scout's layout, amount big-endian (u64::from_be_bytes).
    const uint64_t amount = 0x0102030405060708ull;
    set_memory(16, deposit_bytes(amount));
    EXPECT_EQ(memory[16 + 80], 0x01);
    call("eth2", "pushNewDeposit", {i32(16), i32(184)});
    ASSERT_EQ(ctx.deposits.size(), 1u);
    const Deposit& d = ctx.deposits[0];
    EXPECT_EQ(d.amount, amount);
    EXPECT_EQ(d.pubkey[0], 1);
    EXPECT_EQ(d.pubkey[47], 48);
    EXPECT_EQ(d.withdrawal_credentials[0], 0x80);
    EXPECT_EQ(d.withdrawal_credentials[31], 0x80 + 31);
    EXPECT_EQ(d.signature[0], 0xff);
    EXPECT_EQ(d.signature[95], 0xff - 95);
}

TEST_F(Eei, PushNewDepositAccumulatesInOrder)
{
    set_memory(0, deposit_bytes(1));
    call("eth2", "pushNewDeposit", {i32(0), i32(184)});
    set_memory(0, deposit_bytes(2));
    call("eth2", "pushNewDeposit", {i32(0), i32(184)});
    ASSERT_EQ(ctx.deposits.size(), 2u);
    EXPECT_EQ(ctx.deposits[0].amount, 1u);
    EXPECT_EQ(ctx.deposits[1].amount, 2u);
}

TEST_F(Eei, PushNewDepositLength183Traps)
{
    const auto msg = trap_of([&] { call("eth2", "pushNewDeposit", {i32(0), i32(183)}); });
    EXPECT_TRUE(contains(msg, "184")) << msg;
    EXPECT_TRUE(contains(msg, "183")) << msg;
    EXPECT_TRUE(ctx.deposits.empty());
}

TEST_F(Eei, PushNewDepositLength185Traps)
{
    trap_of([&] { call("eth2", "pushNewDeposit", {i32(0), i32(185)}); });
    EXPECT_TRUE(ctx.deposits.empty());
}

TEST_F(Eei, PushNewDepositOutOfMemoryTraps)
{
    const auto msg = trap_of([&] { call("eth2", "pushNewDeposit", {i32(100), i32(184)}); });
    EXPECT_TRUE(contains(msg, "memory")) << msg;
    trap_of([&] { call("eth2", "pushNewDeposit", {i32(0xFFFFFFFF), i32(184)}); });
    EXPECT_TRUE(ctx.deposits.empty());
}

// ------------------------------------------------------------ useTicks

TEST_F(Eei, UseTicksAccumulates)
{
    ctx.tick_budget = 1000;
    call("eth2", "useTicks", {i32(10)});
    call("eth2", "useTicks", {i32(32)});
    EXPECT_EQ(ctx.ticks_used, 42u);
}

TEST_F(Eei, UseTicksExactlyTheBudgetIsFine)
{
    ctx.tick_budget = 100;
    call("eth2", "useTicks", {i32(60)});
    EXPECT_NO_THROW(call("eth2", "useTicks", {i32(40)}));
    EXPECT_EQ(ctx.ticks_used, 100u);
}

TEST_F(Eei, UseTicksBeyondTheBudgetTrapsOutOfTicks)
{
    ctx.tick_budget = 100;
    call("eth2", "useTicks", {i32(100)});
    const auto msg = trap_of([&] { call("eth2", "useTicks", {i32(1)}); }, TrapKind::out_of_ticks);
    EXPECT_TRUE(contains(msg, "100")) << msg;
}

TEST_F(Eei, UseTicksLargeValueIsUnsigned)
{
    ctx.tick_budget = 10'000'000;
    // 0xFFFFFFFF read as a signed i32 would be -1 and lower the total.
    trap_of([&] { call("eth2", "useTicks", {i32(0xFFFFFFFF)}); }, TrapKind::out_of_ticks);
}

TEST_F(Eei, UseTicksZeroBudget)
{
    ctx.tick_budget = 0;
    EXPECT_NO_THROW(call("eth2", "useTicks", {i32(0)}));
    trap_of([&] { call("eth2", "useTicks", {i32(1)}); }, TrapKind::out_of_ticks);
}

// ------------------------------------------------------------ debug

TEST_F(Eei, Print32ShowsUnsignedAndSigned)
{
    call("debug", "print32", {i32(0xFFFFFFFF)});
    call("debug", "print32", {i32(7)});
    ASSERT_EQ(ctx.debug_output.size(), 2u);
    EXPECT_EQ(ctx.debug_output[0], "print32: 4294967295 (i32 -1)");
    EXPECT_EQ(ctx.debug_output[1], "print32: 7 (i32 7)");
}

TEST_F(Eei, Print64ShowsUnsignedAndSigned)
{
    call("debug", "print64", {i64(0xFFFFFFFFFFFFFFFEull)});
    call("debug", "print64", {i64(0x100000000ull)});
    ASSERT_EQ(ctx.debug_output.size(), 2u);
    EXPECT_EQ(ctx.debug_output[0], "print64: 18446744073709551614 (i64 -2)");
    EXPECT_EQ(ctx.debug_output[1], "print64: 4294967296 (i64 4294967296)");
}

TEST_F(Eei, PrintMemHexShowsTheBytes)
{
    set_memory(20, {0xde, 0xad, 0xbe, 0xef, 0x00, 0x01});
    call("debug", "printMemHex", {i32(20), i32(6)});
    ASSERT_EQ(ctx.debug_output.size(), 1u);
    EXPECT_EQ(ctx.debug_output[0], "printMemHex: deadbeef0001");
}

TEST_F(Eei, PrintMemShowsPrintableText)
{
    set_memory(0, {'h', 'i', ' ', '!'});
    call("debug", "printMem", {i32(0), i32(4)});
    ASSERT_EQ(ctx.debug_output.size(), 1u);
    EXPECT_EQ(ctx.debug_output[0], "printMem: \"hi !\"");
}

TEST_F(Eei, PrintMemEscapesNonPrintables)
{
    set_memory(0, {'a', 0x00, 0x0a, 0x7f, 0xff, 'b'});
    call("debug", "printMem", {i32(0), i32(6)});
    ASSERT_EQ(ctx.debug_output.size(), 1u);
    EXPECT_EQ(ctx.debug_output[0], "printMem: \"a\\x00\\x0a\\x7f\\xffb\"");
}

TEST_F(Eei, PrintMemEscapesAreUnambiguous)
{
    // A real NUL byte and the four characters \x00 must not print alike.
    set_memory(0, {0x00});
    set_memory(10, {'\\', 'x', '0', '0'});
    call("debug", "printMem", {i32(0), i32(1)});
    call("debug", "printMem", {i32(10), i32(4)});
    ASSERT_EQ(ctx.debug_output.size(), 2u);
    EXPECT_NE(ctx.debug_output[0], ctx.debug_output[1]);
}

TEST_F(Eei, PrintMemLengthZero)
{
    call("debug", "printMem", {i32(256), i32(0)});
    call("debug", "printMemHex", {i32(256), i32(0)});
    ASSERT_EQ(ctx.debug_output.size(), 2u);
    EXPECT_EQ(ctx.debug_output[0], "printMem: \"\"");
    EXPECT_EQ(ctx.debug_output[1], "printMemHex: ");
}

TEST_F(Eei, PrintMemOutOfRangeTraps)
{
    const auto msg = trap_of([&] { call("debug", "printMem", {i32(250), i32(7)}); });
    EXPECT_TRUE(contains(msg, "printMem")) << msg;
    EXPECT_TRUE(ctx.debug_output.empty());
}

TEST_F(Eei, PrintMemHexOutOfRangeTraps)
{
    const auto msg = trap_of([&] { call("debug", "printMemHex", {i32(0xFFFFFFFF), i32(2)}); });
    EXPECT_TRUE(contains(msg, "printMemHex")) << msg;
    EXPECT_TRUE(ctx.debug_output.empty());
}

TEST_F(Eei, PrintMemHexLongRangeIsCut)
{
    std::vector<uint8_t> big(5000, 0xab);
    MemoryView big_view(big.data(), big.size());
    host("debug", "printMemHex").fn(ctx, big_view, std::vector<Value>{i32(0), i32(5000)}.data());
    ASSERT_EQ(ctx.debug_output.size(), 1u);
    const std::string& line = ctx.debug_output[0];
    const std::string prefix = "printMemHex: ";
    ASSERT_EQ(line.compare(0, prefix.size(), prefix), 0) << line;
    const auto hex_end = line.find(' ', prefix.size());
    EXPECT_EQ(hex_end - prefix.size(), 2u * 4096);
    EXPECT_TRUE(contains(line, "5000 bytes")) << line.substr(hex_end);
}

TEST_F(Eei, DebugOutputIsCappedAt1000LinesAndCountsTheRest)
{
    for (uint32_t i = 0; i < 1003; ++i)
        call("debug", "print32", {i32(i)});
    EXPECT_EQ(ctx.debug_output.size(), 1000u);
    EXPECT_EQ(ctx.debug_dropped, 3u);
    EXPECT_EQ(ctx.debug_output.front(), "print32: 0 (i32 0)");
    EXPECT_EQ(ctx.debug_output.back(), "print32: 999 (i32 999)");
}

// ------------------------------------------------------------ bind_imports

namespace {

ImportDesc func_import(std::string module, std::string field, FuncType type)
{
    return ImportDesc{std::move(module), std::move(field), ExternKind::function, std::move(type)};
}

std::string load_error_of(const std::function<void()>& f)
{
    try
    {
        f();
    }
    catch (const LoadError& e)
    {
        return e.what();
    }
    ADD_FAILURE() << "no LoadError";
    return {};
}

constexpr auto I32 = ValType::i32;
constexpr auto I64 = ValType::i64;

}  // namespace

TEST(BindImports, BindsInImportOrder)
{
    ModuleInterface m;
    m.imports = {func_import("env", "eth2_savePostStateRoot", {{I32}, {}}),
                 func_import("eth2", "blockDataSize", {{}, {I32}}),
                 func_import("debug", "print64", {{I64}, {}}),
                 func_import("eth2", "savePostStateRoot", {{I32}, {}})};
    const auto bound = bind_imports(m);
    ASSERT_EQ(bound.size(), 4u);
    EXPECT_STREQ(bound[0]->name, "savePostStateRoot");
    EXPECT_STREQ(bound[1]->name, "blockDataSize");
    EXPECT_STREQ(bound[2]->name, "print64");
    EXPECT_EQ(bound[3], bound[0]);
}

TEST(BindImports, NoImportsIsFine)
{
    EXPECT_TRUE(bind_imports(ModuleInterface{}).empty());
}

TEST(BindImports, UnknownImportNamesModuleAndField)
{
    ModuleInterface m;
    m.imports = {func_import("eth2", "blockDataSize", {{}, {I32}}),
                 func_import("env", "getBalance", {{I32}, {}})};
    const auto msg = load_error_of([&] { bind_imports(m); });
    EXPECT_TRUE(contains(msg, "env.getBalance")) << msg;
    EXPECT_TRUE(contains(msg, "unknown")) << msg;
}

TEST(BindImports, WrongSignatureShowsExpectedAndFound)
{
    ModuleInterface m;
    m.imports = {func_import("eth2", "blockDataSize", {{I32}, {I32}})};
    const auto msg = load_error_of([&] { bind_imports(m); });
    EXPECT_TRUE(contains(msg, "eth2.blockDataSize")) << msg;
    EXPECT_TRUE(contains(msg, "expected () -> (i32)")) << msg;
    EXPECT_TRUE(contains(msg, "found (i32) -> (i32)")) << msg;
}

TEST(BindImports, WrongSignatureI64ForI32)
{
    ModuleInterface m;
    m.imports = {func_import("env", "debug_print32", {{I64}, {}})};
    const auto msg = load_error_of([&] { bind_imports(m); });
    EXPECT_TRUE(contains(msg, "expected (i32) -> ()")) << msg;
    EXPECT_TRUE(contains(msg, "found (i64) -> ()")) << msg;
}

TEST(BindImports, WrongSignatureMultipleParams)
{
    ModuleInterface m;
    m.imports = {func_import("eth2", "blockDataCopy", {{I32, I32}, {}})};
    const auto msg = load_error_of([&] { bind_imports(m); });
    EXPECT_TRUE(contains(msg, "expected (i32, i32, i32) -> ()")) << msg;
    EXPECT_TRUE(contains(msg, "found (i32, i32) -> ()")) << msg;
}

TEST(BindImports, MemoryImportRejected)
{
    ModuleInterface m;
    m.imports = {ImportDesc{"env", "memory", ExternKind::memory, {}}};
    const auto msg = load_error_of([&] { bind_imports(m); });
    EXPECT_TRUE(contains(msg, "env.memory")) << msg;
    EXPECT_TRUE(contains(msg, "memory")) << msg;
    EXPECT_TRUE(contains(msg, "not supported")) << msg;
}

TEST(BindImports, GlobalImportRejectedEvenWithAHostFunctionName)
{
    ModuleInterface m;
    m.imports = {ImportDesc{"eth2", "blockDataSize", ExternKind::global, {}}};
    const auto msg = load_error_of([&] { bind_imports(m); });
    EXPECT_TRUE(contains(msg, "global")) << msg;
}

TEST(BindImports, NonPrintableNamesAreEscaped)
{
    ModuleInterface m;
    m.imports = {func_import("env", std::string("bad\nname", 8), {{}, {}})};
    const auto msg = load_error_of([&] { bind_imports(m); });
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    EXPECT_TRUE(contains(msg, "bad\\x0aname")) << msg;
}

// ------------------------------------------------------------ check_script_exports

namespace {

ExportDesc main_export(FuncType type = {})
{
    return ExportDesc{"main", ExternKind::function, std::move(type)};
}

ExportDesc memory_export()
{
    return ExportDesc{"memory", ExternKind::memory, {}};
}

}  // namespace

TEST(CheckScriptExports, MainAndMemoryAccepted)
{
    ModuleInterface m;
    m.exports = {memory_export(), ExportDesc{"other", ExternKind::function, {{I32}, {}}},
                 main_export()};
    EXPECT_NO_THROW(check_script_exports(m));
}

TEST(CheckScriptExports, MissingMain)
{
    ModuleInterface m;
    m.exports = {memory_export(), ExportDesc{"_main", ExternKind::function, {}}};
    const auto msg = load_error_of([&] { check_script_exports(m); });
    EXPECT_TRUE(contains(msg, "'main'")) << msg;
}

TEST(CheckScriptExports, PlainMainTakesNoArguments)
{
    ModuleInterface m;
    m.exports = {memory_export(), main_export()};
    const MainEntry entry = check_script_exports(m);
    EXPECT_EQ(entry.params, 0u);
    EXPECT_EQ(entry.describe(), "main () -> ()");
}

TEST(CheckScriptExports, MainWithResultAccepted)
{
    // AssemblyScript's `main(): i32`: the result is ignored, as wasmi and V8 do.
    ModuleInterface m;
    m.exports = {memory_export(), main_export({{}, {I32}})};
    const MainEntry entry = check_script_exports(m);
    EXPECT_EQ(entry.params, 0u);
    EXPECT_EQ(entry.describe(), "main () -> (i32): result ignored");
}

TEST(CheckScriptExports, MainWithSeveralResultsAccepted)
{
    ModuleInterface m;
    m.exports = {memory_export(), main_export({{}, {I32, ValType::f64}})};
    EXPECT_EQ(check_script_exports(m).describe(), "main () -> (i32, f64): results ignored");
}

TEST(CheckScriptExports, CMainCalledWithZeros)
{
    // clang's export of `int main(int argc, char** argv)`.
    ModuleInterface m;
    m.exports = {memory_export(), main_export({{I32, I32}, {I32}})};
    const MainEntry entry = check_script_exports(m);
    EXPECT_EQ(entry.params, 2u);
    EXPECT_EQ(entry.describe(),
              "main (i32, i32) -> (i32): called with argc = 0 and argv = 0, result ignored");
}

TEST(CheckScriptExports, OtherParametersRefused)
{
    for (const FuncType& type :
         {FuncType{{I32}, {}}, FuncType{{ValType::f64}, {}}, FuncType{{I32, ValType::i64}, {I32}},
          FuncType{{I32, I32, I32}, {}}, FuncType{{ValType::f32, ValType::f32}, {}}})
    {
        ModuleInterface m;
        m.exports = {memory_export(), main_export(type)};
        const auto msg = load_error_of([&] { check_script_exports(m); });
        EXPECT_TRUE(contains(msg, to_string(type))) << msg;
        EXPECT_TRUE(contains(msg, "expected no parameters or C's (i32, i32)")) << msg;
    }
}

TEST(CheckScriptExports, MainNotAFunction)
{
    ModuleInterface m;
    m.exports = {memory_export(), ExportDesc{"main", ExternKind::global, {}}};
    const auto msg = load_error_of([&] { check_script_exports(m); });
    EXPECT_TRUE(contains(msg, "global")) << msg;
    EXPECT_TRUE(contains(msg, "function")) << msg;
}

TEST(CheckScriptExports, MissingMemory)
{
    ModuleInterface m;
    m.exports = {main_export()};
    const auto msg = load_error_of([&] { check_script_exports(m); });
    EXPECT_TRUE(contains(msg, "'memory'")) << msg;
}

TEST(CheckScriptExports, MemoryNotAMemory)
{
    ModuleInterface m;
    m.exports = {main_export(), ExportDesc{"memory", ExternKind::table, {}}};
    const auto msg = load_error_of([&] { check_script_exports(m); });
    EXPECT_TRUE(contains(msg, "table")) << msg;
}

TEST(CheckScriptExports, MemoryUnderAnotherName)
{
    ModuleInterface m;
    m.exports = {main_export(), ExportDesc{"mem", ExternKind::memory, {}}};
    EXPECT_TRUE(contains(load_error_of([&] { check_script_exports(m); }), "memory"));
}

// ------------------------------------------------------------ the host-call path

TEST(HostFunctionTable, NoneHasMoreParametersThanTheCallPathCarries)
{
    for (const HostFunction& f : host_functions())
        EXPECT_LE(f.type.params.size(), max_host_params) << f.module << "." << f.name;
}

namespace {

/// What the probe host function below last received.
std::vector<uint64_t> probe_args;

/// A host function that records its arguments' bits and returns a value
/// with bits set above bit 31 (for a 32-bit result, nothing above may pass).
Value probe(BlockContext&, MemoryView&, const Value* args)
{
    probe_args = {args[0].bits, args[1].bits, args[2].bits, args[3].bits};
    return Value{0xffff'ffff'0000'0001};
}

}  // namespace

TEST_F(Eei, CallPathReadsOnlyTheBitsEachParameterTypeHas)
{
    // An engine's 64-bit slot for an i32 or f32 may hold anything above bit 31
    // (Binaryen's raw values): a host function sees only the value's own bits.
    const HostFunction f{
        "test", "probe", {{ValType::i32, ValType::f32, ValType::i64, ValType::f64}, {}}, probe};
    const uint64_t raw[] = {0xdead'beef'0000'0010, 0xdead'beef'3f80'0000, 0x8000'0000'0000'0005,
                            0xbff0'0000'0000'0001};
    call_host_function(f, ctx, view, raw);
    EXPECT_EQ(probe_args, (std::vector<uint64_t>{0x10, 0x3f80'0000, 0x8000'0000'0000'0005,
                                                 0xbff0'0000'0000'0001}));
}

TEST_F(Eei, CallPathResultHasOnlyTheBitsOfItsType)
{
    const uint64_t raw[4] = {};
    const HostFunction i32_result{
        "test",
        "probe",
        {{ValType::i32, ValType::i32, ValType::i32, ValType::i32}, {ValType::i32}},
        probe};
    EXPECT_EQ(call_host_function(i32_result, ctx, view, raw), 1u);
    const HostFunction f64_result{
        "test",
        "probe",
        {{ValType::i32, ValType::i32, ValType::i32, ValType::i32}, {ValType::f64}},
        probe};
    EXPECT_EQ(call_host_function(f64_result, ctx, view, raw), 0xffff'ffff'0000'0001u);
    // --trace records what the engine got, not what the function returned.
    ctx.trace_host_calls = true;
    call_host_function(i32_result, ctx, view, raw);
    ASSERT_EQ(ctx.host_calls.size(), 1u);
    ASSERT_TRUE(ctx.host_calls[0].result.has_value());
    EXPECT_EQ(ctx.host_calls[0].result->bits, 1u);
}

TEST_F(Eei, CallPathPassesAll64BitsOfAnI64Argument)
{
    ctx.gas_limit = uint64_t{1} << 40;
    const uint64_t raw[] = {(uint64_t{1} << 33) + 5};
    call_host_function(host("metering", "useGas"), ctx, view, raw);
    EXPECT_EQ(ctx.gas_used, (uint64_t{1} << 33) + 5);
}
