#include "result_json.hpp"

#include "fake_worker.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

using namespace scout;
using nlohmann::json;
using scout_test::filled;

namespace {

std::string hex_root(uint8_t byte)
{
    return "0x" + scout_test::hex_of(filled(byte));
}

Deposit deposit(uint64_t amount, uint8_t fill)
{
    Deposit d;
    d.pubkey.fill(fill);
    d.withdrawal_credentials.fill(static_cast<uint8_t>(fill + 1));
    d.amount = amount;
    d.signature.fill(static_cast<uint8_t>(fill + 2));
    return d;
}

/// A failed file of two blocks: block 0 pushed two deposits and passed, block
/// 1 trapped in a host call after one (which never reaches the results).
FileResult two_block_result()
{
    FileResult r;
    r.file = "dir/vector.yaml";
    r.status = FileStatus::failed;
    r.load_seconds = 0.25;
    r.notes = {"a note"};
    r.uses_bignum = true;
    r.field = FieldId::secp256k1;
    r.field_source = "--field";
    r.uses_deposits = true;
    r.deposit_layout = DepositLayout::ssz;
    r.deposit_layout_declared = true;
    r.blocks_total = 3;
    r.metered = true;
    r.deposits_match = false;
    r.disagreements = {"block 0 post-state: binaryen 0x.., wabt 0x.."};
    r.engines = {{"binaryen", "failed", "a trap"}, {"wabt", "passed", ""}};

    BlockResult b0;
    b0.index = 0;
    b0.line = 9;
    b0.env = 0;
    b0.script = "a.wasm";
    b0.pre_state = filled(0x11);
    b0.post_state = filled(0x22);
    b0.post_state_saved = true;
    b0.deposits = 2;
    b0.ticks_used = 7;
    b0.gas_used = 53;
    b0.instantiate_seconds = 0.5;
    b0.execute_seconds = 1.0;
    b0.debug_output = {"print32: 1"};
    b0.debug_dropped = 4;
    HostCallRecord call;
    call.function = "eth2.savePostStateRoot";
    call.param_types = {ValType::i32, ValType::i64};
    call.args = {Value::from_i32(0xffffffff), Value::from_i64(1ull << 40)};
    call.accesses = {{32, 32, false}, {0, 8, true}};
    call.result = Value::from_i32(5);
    call.result_type = ValType::i32;
    b0.host_calls = {call};
    b0.host_calls_dropped = 9;

    BlockResult b1 = b0;
    b1.index = 1;
    b1.line = 11;
    b1.env = 1;
    b1.deposits = 1;
    b1.gas_used.reset();
    b1.host_calls.clear();
    b1.host_calls_dropped = 0;
    b1.trap = TrapInfo{TrapKind::out_of_gas, "out of gas"};
    r.blocks = {b0, b1};

    r.root_mismatches = {{1, filled(0x33), filled(0x44)}};
    r.gas_mismatches = {{0, 9, 54, 53}};
    r.expected_deposits = {deposit(32, 0x50)};
    r.actual_deposits = {deposit(1, 0x60), deposit(2, 0x70)};
    return r;
}

/// A file that could not be run: only its message and why it was not run.
FileResult error_result()
{
    FileResult r;
    r.file = "bad.yaml";
    r.status = FileStatus::error;
    r.error = "bad.yaml:3: malformed YAML";
    r.not_run = "uses SIMD";
    return r;
}

json deposit_doc(uint64_t amount, uint8_t fill)
{
    const auto hex = [](size_t n, uint8_t b) {
        std::string s = "0x";
        for (size_t i = 0; i < n; ++i)
            s += scout_test::hex_of(Bytes{b});
        return s;
    };
    return {{"pubkey", hex(48, fill)},
            {"withdrawal_credentials", hex(32, static_cast<uint8_t>(fill + 1))},
            {"amount", amount},
            {"signature", hex(96, static_cast<uint8_t>(fill + 2))}};
}

}  // namespace

// ------------------------------------------------------------ to JSON

TEST(ResultJson, AFileAsTheReportSchemaDescribesIt)
{
    // Written from docs/report-schema.json, not from the code.
    const json expected_block0 = {
        {"index", 0},
        {"line", 9},
        {"env", 0},
        {"script", "a.wasm"},
        {"pre_state", hex_root(0x11)},
        {"post_state", hex_root(0x22)},
        {"post_state_saved", true},
        {"ticks_used", 7},
        {"gas_used", 53},
        {"instantiate_seconds", 0.5},
        {"execute_seconds", 1.0},
        {"debug_output", {"print32: 1"}},
        {"debug_dropped", 4},
        {"deposits", {deposit_doc(1, 0x60), deposit_doc(2, 0x70)}},
        {"trap", nullptr},
        {"host_calls",
         {{{"function", "eth2.savePostStateRoot"},
           {"args", {4294967295u, 1ull << 40}},
           {"memory",
            {{{"ptr", 32}, {"length", 32}, {"access", "read"}},
             {{"ptr", 0}, {"length", 8}, {"access", "write"}}}},
           {"result", 5}}}},
        {"host_calls_dropped", 9},
    };
    json expected_block1 = expected_block0;
    expected_block1["index"] = 1;
    expected_block1["line"] = 11;
    expected_block1["env"] = 1;
    expected_block1["gas_used"] = nullptr;
    expected_block1["deposits"] = json::array();  // a trapped block's never count
    expected_block1["trap"] = {{"kind", "out of gas"}, {"message", "out of gas"}};
    expected_block1.erase("host_calls");
    expected_block1.erase("host_calls_dropped");  // only when some were
    const json expected = {
        {"file", "dir/vector.yaml"},
        {"status", "failed"},
        {"time_seconds", 0.25 + 2 * (0.5 + 1.0)},
        {"engines",
         {{{"engine", "binaryen"}, {"status", "failed"}, {"reason", "a trap"}},
          {{"engine", "wabt"}, {"status", "passed"}}}},
        {"load_seconds", 0.25},
        {"notes", {"a note"}},
        {"field", "secp256k1"},
        {"field_source", "--field"},
        {"deposit_layout", "ssz"},
        {"deposit_layout_source", "the vector's deposit_layout"},
        {"blocks_total", 3},
        {"blocks", {expected_block0, expected_block1}},
        {"root_mismatches",
         {{{"env", 1}, {"expected", hex_root(0x33)}, {"actual", hex_root(0x44)}}}},
        {"gas_mismatches", {{{"block", 0}, {"line", 9}, {"expected", 54}, {"actual", 53}}}},
        {"metered", true},
        {"disagreements", {"block 0 post-state: binaryen 0x.., wabt 0x.."}},
        {"deposits_match", false},
        {"expected_deposits", {deposit_doc(32, 0x50)}},
        {"actual_deposits", {deposit_doc(1, 0x60), deposit_doc(2, 0x70)}},
    };
    const json actual = file_result_to_json(two_block_result());
    EXPECT_EQ(actual, expected) << "actual:\n"
                                << actual.dump(1) << "\nexpected:\n"
                                << expected.dump(1);
}

TEST(ResultJson, AnErrorCarriesItsMessageAndNoRunDetails)
{
    FileResult r = error_result();
    r.notes = {"dropped"};
    EXPECT_EQ(file_result_to_json(r), (json{{"file", "bad.yaml"},
                                            {"status", "error"},
                                            {"time_seconds", 0.0},
                                            {"error", "bad.yaml:3: malformed YAML"},
                                            {"not_run", "uses SIMD"}}));
}

TEST(ResultJson, StatusNames)
{
    EXPECT_STREQ(to_string(FileStatus::passed), "passed");
    EXPECT_STREQ(to_string(FileStatus::failed), "failed");
    EXPECT_STREQ(to_string(FileStatus::error), "error");
}

// ------------------------------------------------------------ from JSON (the worker's answer)

TEST(ResultJson, ARoundTripKeepsWhatTheReportsShow)
{
    const FileResult in = two_block_result();
    const FileResult out = file_result_from_json(json::parse(file_result_to_json(in).dump()));
    EXPECT_EQ(out.file, in.file);
    EXPECT_EQ(out.status, in.status);
    EXPECT_EQ(out.load_seconds, in.load_seconds);
    EXPECT_EQ(out.notes, in.notes);
    EXPECT_TRUE(out.uses_bignum);
    EXPECT_EQ(out.field, FieldId::secp256k1);
    EXPECT_EQ(out.field_source, "--field");
    EXPECT_TRUE(out.uses_deposits);
    EXPECT_EQ(out.deposit_layout, DepositLayout::ssz);
    EXPECT_TRUE(out.deposit_layout_declared);
    EXPECT_EQ(out.blocks_total, 3u);
    EXPECT_TRUE(out.metered);
    EXPECT_FALSE(out.deposits_match);
    EXPECT_EQ(out.disagreements, in.disagreements);
    ASSERT_EQ(out.engines.size(), 2u);
    EXPECT_EQ(out.engines[0].engine, "binaryen");
    EXPECT_EQ(out.engines[0].verdict, "failed");
    EXPECT_EQ(out.engines[0].reason, "a trap");
    EXPECT_EQ(out.engines[1].reason, "");

    ASSERT_EQ(out.blocks.size(), 2u);
    for (size_t i = 0; i < 2; ++i)
    {
        const auto& a = out.blocks[i];
        const auto& b = in.blocks[i];
        EXPECT_EQ(a.index, b.index);
        EXPECT_EQ(a.line, b.line);
        EXPECT_EQ(a.env, b.env);
        EXPECT_EQ(a.script, b.script);
        EXPECT_EQ(a.pre_state, b.pre_state);
        EXPECT_EQ(a.post_state, b.post_state);
        EXPECT_EQ(a.post_state_saved, b.post_state_saved);
        EXPECT_EQ(a.ticks_used, b.ticks_used);
        EXPECT_EQ(a.gas_used, b.gas_used);
        EXPECT_EQ(a.instantiate_seconds, b.instantiate_seconds);
        EXPECT_EQ(a.execute_seconds, b.execute_seconds);
        EXPECT_EQ(a.debug_output, b.debug_output);
        EXPECT_EQ(a.debug_dropped, b.debug_dropped);
        EXPECT_EQ(a.host_calls_dropped, b.host_calls_dropped);
        EXPECT_EQ(a.trap.has_value(), b.trap.has_value());
    }
    EXPECT_EQ(out.blocks[0].deposits, 2u);
    EXPECT_EQ(out.blocks[1].deposits, 0u);  // trapped: its deposit was never a result
    ASSERT_TRUE(out.blocks[1].trap.has_value());
    EXPECT_EQ(out.blocks[1].trap->kind, TrapKind::out_of_gas);
    EXPECT_EQ(out.blocks[1].trap->message, "out of gas");

    // Host calls come back with every value 64 bits wide, as --trace shows them.
    ASSERT_EQ(out.blocks[0].host_calls.size(), 1u);
    const auto& call = out.blocks[0].host_calls[0];
    EXPECT_EQ(call.function, "eth2.savePostStateRoot");
    ASSERT_EQ(call.args.size(), 2u);
    EXPECT_EQ(call.args[0].i64(), 0xffffffffu);
    EXPECT_EQ(call.args[1].i64(), 1ull << 40);
    ASSERT_EQ(call.accesses.size(), 2u);
    EXPECT_EQ(call.accesses[0].ptr, 32u);
    EXPECT_EQ(call.accesses[0].length, 32u);
    EXPECT_FALSE(call.accesses[0].write);
    EXPECT_TRUE(call.accesses[1].write);
    ASSERT_TRUE(call.result.has_value());
    EXPECT_EQ(call.result->i64(), 5u);

    ASSERT_EQ(out.root_mismatches.size(), 1u);
    EXPECT_EQ(out.root_mismatches[0].env, 1u);
    EXPECT_EQ(out.root_mismatches[0].expected, filled(0x33));
    EXPECT_EQ(out.root_mismatches[0].actual, filled(0x44));
    ASSERT_EQ(out.gas_mismatches.size(), 1u);
    EXPECT_EQ(out.gas_mismatches[0].expected, 54u);
    EXPECT_EQ(out.gas_mismatches[0].actual, 53u);
    ASSERT_EQ(out.actual_deposits.size(), 2u);
    EXPECT_EQ(out.actual_deposits[1].amount, 2u);
    EXPECT_EQ(out.actual_deposits[1].pubkey, in.actual_deposits[1].pubkey);
    EXPECT_EQ(out.actual_deposits[1].signature, in.actual_deposits[1].signature);
    ASSERT_EQ(out.expected_deposits.size(), 1u);
    EXPECT_EQ(out.expected_deposits[0].withdrawal_credentials,
              in.expected_deposits[0].withdrawal_credentials);
}

TEST(ResultJson, EveryTrapKindSurvivesTheTrip)
{
    for (auto kind :
         {TrapKind::wasm, TrapKind::host, TrapKind::out_of_ticks, TrapKind::out_of_gas,
          TrapKind::resource, TrapKind::timeout, TrapKind::crashed, TrapKind::interrupted})
    {
        FileResult r = two_block_result();
        r.blocks[1].trap->kind = kind;
        const auto out = file_result_from_json(file_result_to_json(r));
        ASSERT_TRUE(out.blocks[1].trap.has_value());
        EXPECT_EQ(out.blocks[1].trap->kind, kind) << to_string(kind);
    }
}

TEST(ResultJson, AnErrorRoundTrips)
{
    FileResult r = error_result();
    r.engines = {{"wasm2c", "not run", "uses SIMD"}};
    const auto out = file_result_from_json(file_result_to_json(r));
    EXPECT_EQ(out.status, FileStatus::error);
    EXPECT_EQ(out.error, r.error);
    EXPECT_EQ(out.not_run, r.not_run);
    ASSERT_EQ(out.engines.size(), 1u);
    EXPECT_EQ(out.engines[0].verdict, "not run");
}

TEST(ResultJson, TheSmallestResultDocumentIsRead)
{
    // What a worker must send at least (fake_worker.hpp writes it by hand).
    const auto r =
        file_result_from_json(json::parse(scout_test::fake_worker::passed_result("f.yaml")));
    EXPECT_EQ(r.status, FileStatus::passed);
    EXPECT_EQ(r.file, "f.yaml");
    EXPECT_TRUE(r.blocks.empty());
    EXPECT_FALSE(r.uses_bignum);
    EXPECT_FALSE(r.uses_deposits);
}

TEST(ResultJson, MalformedDocumentsAreCleanErrors)
{
    const json good = file_result_to_json(two_block_result());
    // Each damage must throw an exception the caller can catch, never crash
    // or yield a result.
    const auto damaged = [&](const std::function<void(json&)>& damage) {
        json d = good;
        damage(d);
        return d;
    };
    const std::vector<std::pair<std::string, json>> cases = {
        {"not an object", json::array({1, 2})},
        {"a number", json(7)},
        {"no file", damaged([](json& d) { d.erase("file"); })},
        {"no blocks", damaged([](json& d) { d.erase("blocks"); })},
        {"blocks_total a string", damaged([](json& d) { d["blocks_total"] = "many"; })},
        {"a root of 31 bytes",
         damaged([](json& d) { d["blocks"][0]["post_state"] = "0x" + std::string(62, '0'); })},
        {"a root not hex",
         damaged([](json& d) { d["blocks"][0]["pre_state"] = "0x" + std::string(64, 'z'); })},
        {"a short pubkey", damaged([](json& d) { d["actual_deposits"][0]["pubkey"] = "0x00"; })},
        {"a trap without a message",
         damaged([](json& d) { d["blocks"][1]["trap"].erase("message"); })},
        {"a block without its index", damaged([](json& d) { d["blocks"][0].erase("index"); })},
        {"notes not strings", damaged([](json& d) { d["notes"] = json::array({1}); })},
        {"an error without its message",
         json{{"file", "x"}, {"status", "error"}, {"time_seconds", 0}}},
    };
    for (const auto& [what, doc] : cases)
        EXPECT_THROW(file_result_from_json(doc), std::exception) << what;
}
