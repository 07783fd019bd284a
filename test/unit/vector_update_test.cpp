#include "hex.hpp"
#include "vector_update.hpp"

#include <gtest/gtest.h>

#include <sstream>

using namespace scout;

namespace {

Bytes32 root_of(uint8_t b)
{
    Bytes32 r{};
    r.fill(b);
    return r;
}

FileResult mismatch(uint32_t env, uint8_t expected, uint8_t actual)
{
    FileResult r;
    r.file = "v.yaml";
    r.status = FileStatus::failed;
    r.root_mismatches.push_back({env, root_of(expected), root_of(actual)});
    return r;
}

const std::string text = "# keep me\n"
                         "beacon_state:\n  execution_scripts: [a.wasm, b.wasm]\n"
                         "shard_pre_state:\n  exec_env_states:\n    - \"" +
                         std::string(64, '1') + "\"\n    - '" + std::string(64, '2') +
                         "'\n"
                         "shard_blocks: []\n"
                         "shard_post_state:\n  exec_env_states:\n"
                         "    - \"0x" +
                         std::string(64, 'a') +
                         "\"  # env 0\n"
                         "    - " +
                         std::string(64, 'b') +
                         "\n"
                         "other: 1\n";

}  // namespace

TEST(UpdatedVectorText, ReplacesOnlyTheMismatchedRootKeepingQuotesAndPrefix)
{
    std::vector<std::string> changes;
    auto r = mismatch(0, 0xaa, 0xcd);
    const auto out = updated_vector_text(text, r, changes);
    std::string expected = text;
    expected.replace(expected.find(std::string(64, 'a')), 64,
                     std::string(64, 'c').replace(1, 1, "d"));
    // 0xcd repeated: "cdcd..."
    std::string cd;
    for (int i = 0; i < 32; ++i)
        cd += "cd";
    expected = text;
    expected.replace(expected.find(std::string(64, 'a')), 64, cd);
    EXPECT_EQ(out, expected);
    ASSERT_EQ(changes.size(), 1u);
    EXPECT_NE(changes[0].find("env 0"), std::string::npos);
}

TEST(UpdatedVectorText, PlainScalarAndAppendedDeposits)
{
    std::vector<std::string> changes;
    auto r = mismatch(1, 0xbb, 0x01);
    r.deposits_match = false;
    Deposit d;
    d.amount = 7;
    r.actual_deposits = {d};
    const auto out = updated_vector_text(text, r, changes);
    EXPECT_NE(out.find("    - " + to_hex(root_of(0x01)) + "\n"), std::string::npos);
    EXPECT_EQ(out.rfind("deposit_receipts:\n  - pubkey: \""),
              text.size() + (out.size() - text.size()) -
                  (out.size() - out.rfind("deposit_receipts:")));
    EXPECT_NE(out.find("    amount: 7\n"), std::string::npos);
    EXPECT_EQ(out.substr(0, out.find("shard_post_state")),
              text.substr(0, text.find("shard_post_state")));
    EXPECT_EQ(changes.size(), 2u);
}

TEST(UpdatedVectorText, ReplacesAnExistingDepositSectionKeepingWhatFollows)
{
    const std::string with_deposits =
        text + "deposit_receipts:\n  - {pubkey: x}\n# trailing note\nlast: 2\n";
    FileResult r;
    r.file = "v.yaml";
    r.status = FileStatus::failed;
    r.deposits_match = false;
    std::vector<std::string> changes;
    const auto out = updated_vector_text(with_deposits, r, changes);
    EXPECT_EQ(out, text + "deposit_receipts: []\n# trailing note\nlast: 2\n");
}

TEST(UpdateVectorFile, RefusesATrappedRun)
{
    FileResult r = mismatch(0, 1, 2);
    BlockResult b;
    b.trap = TrapInfo{TrapKind::wasm, "unreachable"};
    r.blocks.push_back(b);
    const auto u = update_vector_file(r);
    EXPECT_FALSE(u.written);
    EXPECT_NE(u.refused.find("trapped"), std::string::npos);
}

TEST(UpdateVector, LeavesAFileThatDidNotFailAlone)
{
    // A passed file, and one that could not run: nothing to accept, nothing
    // printed, the result reported as it is (the file names a file that does
    // not exist, so any attempt to touch it would show as NOT UPDATED).
    for (const FileStatus status : {FileStatus::passed, FileStatus::error})
    {
        FileResult r = mismatch(0, 1, 2);
        r.file = "no-such-dir/v.yaml";
        r.status = status;
        r.error = status == FileStatus::error ? "no such file" : "";
        std::ostringstream log;
        const FileResult reported = update_vector(r, log);
        EXPECT_EQ(log.str(), "") << static_cast<int>(status);
        EXPECT_EQ(reported.status, status);
        EXPECT_EQ(reported.root_mismatches.size(), 1u);
    }
}

TEST(UpdateVector, AFailedFileThatCannotBeUpdatedStaysFailed)
{
    FileResult r = mismatch(0, 1, 2);
    r.file = "no-such-dir/v.yaml";
    std::ostringstream log;
    const FileResult reported = update_vector(r, log);
    EXPECT_EQ(log.str().rfind("NOT UPDATED no-such-dir/v.yaml: ", 0), 0u) << log.str();
    EXPECT_EQ(reported.status, FileStatus::failed);
}
