#include "errors.hpp"
#include "vector_loader.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

using namespace scout;
using scout_test::hex_of;
using scout_test::sha256;
using scout_test::TempDir;
using scout_test::write_file;
namespace fs = std::filesystem;

using scout_test::contains;

namespace {

std::string root_hex(const std::string& seed)
{
    return "0x" + hex_of(sha256(seed));
}

Bytes32 root_bytes(const std::string& seed)
{
    return sha256(seed);
}

/// Replaces 1-based line `n` of `text` by `replacement` (which may hold
/// several lines).
std::string with_line(const std::string& text, size_t n, const std::string& replacement)
{
    std::istringstream in(text);
    std::string line, out;
    for (size_t i = 1; std::getline(in, line); ++i)
        out += (i == n ? replacement : line) + "\n";
    return out;
}

/// A valid one-script vector; the comments give the line numbers the tests
/// refer to.
std::string base_vector()
{
    return "beacon_state:\n"         // 1
           "  execution_scripts:\n"  // 2
           "    - a.wasm\n"          // 3
           "shard_pre_state:\n"      // 4
           "  exec_env_states:\n"    // 5
           "    - " +
           root_hex("pre") +
           "\n"                    // 6
           "shard_blocks:\n"       // 7
           "  - env: 0\n"          // 8
           "    data: 0x01\n"      // 9
           "shard_post_state:\n"   // 10
           "  exec_env_states:\n"  // 11
           "    - " +
           root_hex("post") + "\n";  // 12
}

std::string deposit_yaml(const std::string& pubkey, const std::string& amount)
{
    return "deposit_receipts:\n"
           "  - pubkey: " +
           pubkey +
           "\n"
           "    withdrawal_credentials: 0x" +
           std::string(64, '2') +
           "\n"
           "    amount: " +
           amount +
           "\n"
           "    signature: 0x" +
           std::string(192, '3') + "\n";
}

class VectorLoader : public ::testing::Test
{
protected:
    void SetUp() override
    {
        write_file(dir / "a.wasm", "a");
        write_file(dir / "b.wasm", "b");
        write_file(dir / "lib.wasm", "l");
    }

    fs::path file() const { return dir / "v.yaml"; }

    TestVector parse(const std::string& yaml) const { return parse_vector(yaml, file()); }

    /// The InputError `yaml` raises; a test failure when it raises none.
    InputError error_of(const std::string& yaml) const
    {
        try
        {
            parse(yaml);
        }
        catch (const InputError& e)
        {
            return e;
        }
        ADD_FAILURE() << "no InputError for:\n" << yaml;
        return InputError("", 0, "");
    }

    void expect_error(const std::string& yaml, size_t line, const std::string& phrase) const
    {
        const auto e = error_of(yaml);
        EXPECT_EQ(e.file(), file().string());
        EXPECT_EQ(e.line(), line) << e.what();
        EXPECT_TRUE(contains(e.what(), phrase))
            << "message: " << e.what() << "\nwanted: " << phrase;
    }

    TempDir dir;
};

}  // namespace

// ---------------------------------------------------------------- valid input

TEST_F(VectorLoader, BaseVectorParses)
{
    const auto v = parse(base_vector());
    EXPECT_EQ(v.file, file());
    ASSERT_EQ(v.scripts.size(), 1u);
    ASSERT_EQ(v.pre_states.size(), 1u);
    EXPECT_EQ(v.pre_states[0], root_bytes("pre"));
    ASSERT_EQ(v.post_states.size(), 1u);
    EXPECT_EQ(v.post_states[0], root_bytes("post"));
    ASSERT_EQ(v.blocks.size(), 1u);
    EXPECT_EQ(v.blocks[0].data, Bytes{0x01});
    EXPECT_TRUE(v.warnings.empty());
}

TEST_F(VectorLoader, FullVectorParsesEveryField)
{
    const std::string pubkey = "0x" + std::string(96, '1');
    const std::string yaml = "beacon_state:\n"         // 1
                             "  execution_scripts:\n"  // 2
                             "    - a.wasm\n"          // 3
                             "    - b.wasm\n"          // 4
                             "shard_pre_state:\n"      // 5
                             "  exec_env_states:\n"    // 6
                             "    - \"" +
                             root_hex("pre0") +
                             "\"\n"  // 7
                             "    - " +
                             root_hex("pre1") +
                             "\n"                          // 8
                             "shard_blocks:\n"             // 9
                             "  - env: 1\n"                // 10
                             "    data: \"0x0102ff\"\n"    // 11
                             "  - env: 0\n"                // 12
                             "    data: \"\"\n"            // 13
                             "  - {env: 1, data: 0XAB}\n"  // 14
                             "shard_post_state:\n"         // 15
                             "  exec_env_states:\n"        // 16
                             "    - " +
                             root_hex("post0") +
                             "\n"  // 17
                             "    - " +
                             root_hex("post1") + "\n"                // 18
                             + deposit_yaml(pubkey, "32000000000");  // 19..23
    const auto v = parse(yaml);

    ASSERT_EQ(v.scripts.size(), 2u);
    EXPECT_EQ(v.scripts[0].declared, "a.wasm");
    EXPECT_EQ(v.scripts[0].line, 3u);
    EXPECT_EQ(v.scripts[0].resolved, dir / "a.wasm");
    EXPECT_EQ(v.scripts[0].origin, PathOrigin::vector_folder);
    EXPECT_EQ(v.scripts[1].declared, "b.wasm");
    EXPECT_EQ(v.scripts[1].line, 4u);
    EXPECT_EQ(v.scripts[1].resolved, dir / "b.wasm");
    EXPECT_TRUE(v.libraries.empty());

    ASSERT_EQ(v.pre_states.size(), 2u);
    EXPECT_EQ(v.pre_states[0], root_bytes("pre0"));
    EXPECT_EQ(v.pre_states[1], root_bytes("pre1"));
    ASSERT_EQ(v.post_states.size(), 2u);
    EXPECT_EQ(v.post_states[0], root_bytes("post0"));
    EXPECT_EQ(v.post_states[1], root_bytes("post1"));

    ASSERT_EQ(v.blocks.size(), 3u);
    EXPECT_EQ(v.blocks[0].env, 1u);
    EXPECT_EQ(v.blocks[0].data, (Bytes{0x01, 0x02, 0xff}));
    EXPECT_EQ(v.blocks[0].line, 10u);
    EXPECT_EQ(v.blocks[1].env, 0u);
    EXPECT_TRUE(v.blocks[1].data.empty());
    EXPECT_EQ(v.blocks[1].line, 12u);
    EXPECT_EQ(v.blocks[2].env, 1u);
    EXPECT_EQ(v.blocks[2].data, Bytes{0xab});
    EXPECT_EQ(v.blocks[2].line, 14u);

    EXPECT_TRUE(v.deposits_declared);
    ASSERT_EQ(v.deposits.size(), 1u);
    const Deposit& d = v.deposits[0];
    EXPECT_EQ(d.amount, 32000000000u);
    for (uint8_t b : d.pubkey)
        ASSERT_EQ(b, 0x11);
    for (uint8_t b : d.withdrawal_credentials)
        ASSERT_EQ(b, 0x22);
    for (uint8_t b : d.signature)
        ASSERT_EQ(b, 0x33);
    EXPECT_TRUE(v.warnings.empty());
}

TEST_F(VectorLoader, DepositAmountAcceptsU64Max)
{
    const auto v =
        parse(base_vector() + deposit_yaml("0x" + std::string(96, '1'), "18446744073709551615"));
    ASSERT_EQ(v.deposits.size(), 1u);
    EXPECT_EQ(v.deposits[0].amount, 18446744073709551615u);
}

TEST_F(VectorLoader, DepositReceiptsAbsentMeansNotDeclared)
{
    const auto v = parse(base_vector());
    EXPECT_FALSE(v.deposits_declared);
    EXPECT_TRUE(v.deposits.empty());
}

TEST_F(VectorLoader, DepositReceiptsEmptyListIsDeclared)
{
    const auto v = parse(base_vector() + "deposit_receipts: []\n");
    EXPECT_TRUE(v.deposits_declared);
    EXPECT_TRUE(v.deposits.empty());
}

TEST_F(VectorLoader, DepositLayoutDefaultsToEwasm)
{
    const auto v = parse(base_vector());
    EXPECT_EQ(v.deposit_layout, DepositLayout::ewasm);
    EXPECT_FALSE(v.deposit_layout_declared);
}

TEST_F(VectorLoader, DepositLayoutKey)
{
    const auto ssz = parse(base_vector() + "deposit_layout: ssz\n");
    EXPECT_EQ(ssz.deposit_layout, DepositLayout::ssz);
    EXPECT_TRUE(ssz.deposit_layout_declared);
    EXPECT_TRUE(ssz.warnings.empty());
    const auto ewasm = parse("deposit_layout: ewasm\n" + base_vector());
    EXPECT_EQ(ewasm.deposit_layout, DepositLayout::ewasm);
    EXPECT_TRUE(ewasm.deposit_layout_declared);
}

TEST_F(VectorLoader, DepositLayoutUnknownNameIsAnErrorWithItsLine)
{
    expect_error(base_vector() + "deposit_layout: big-endian\n", 13,
                 "deposit_layout 'big-endian' is not a known layout (ewasm: amount big-endian");
    expect_error(base_vector() + "deposit_layout: SSZ\n", 13, "'SSZ' is not a known layout");
}

TEST_F(VectorLoader, DepositLayoutNotAScalarIsAnError)
{
    expect_error(base_vector() + "deposit_layout: [ssz]\n", 13, "deposit_layout");
    expect_error(base_vector() + "deposit_layout:\n  a: b\n", 14, "deposit_layout");
}

TEST_F(VectorLoader, LibrariesParsed)
{
    const auto yaml = with_line(base_vector(), 3,
                                "    - a.wasm\n"          // 3
                                "  libraries:\n"          // 4
                                "    - name: mylib\n"     // 5
                                "      file: lib.wasm");  // 6
    const auto v = parse(yaml);
    ASSERT_EQ(v.libraries.size(), 1u);
    EXPECT_EQ(v.libraries[0].name, "mylib");
    EXPECT_EQ(v.libraries[0].module.declared, "lib.wasm");
    EXPECT_EQ(v.libraries[0].module.resolved, dir / "lib.wasm");
    EXPECT_EQ(v.libraries[0].module.line, 6u);
}

TEST_F(VectorLoader, LibraryFileMissingIsAnError)
{
    const auto yaml = with_line(base_vector(), 3,
                                "    - a.wasm\n"
                                "  libraries:\n"
                                "    - name: mylib\n"
                                "      file: nolib.wasm");
    expect_error(yaml, 6, "not found");
}

TEST_F(VectorLoader, DataNullIsEmptyBytes)
{
    const auto v = parse(with_line(base_vector(), 9, "    data:"));
    ASSERT_EQ(v.blocks.size(), 1u);
    EXPECT_TRUE(v.blocks[0].data.empty());
}

TEST_F(VectorLoader, ShardBlocksNullMeansNoBlocks)
{
    auto yaml = with_line(base_vector(), 8, "");
    yaml = with_line(yaml, 9, "");
    const auto v = parse(yaml);
    EXPECT_TRUE(v.blocks.empty());
}

TEST_F(VectorLoader, UnknownTopLevelKeyIsAWarningNotAnError)
{
    const auto v = parse(base_vector() + "comment: hello\n");  // line 13
    ASSERT_EQ(v.warnings.size(), 1u);
    EXPECT_TRUE(contains(v.warnings[0], "unknown top-level key 'comment'")) << v.warnings[0];
    EXPECT_TRUE(contains(v.warnings[0], file().string() + ":13:")) << v.warnings[0];
    EXPECT_EQ(v.blocks.size(), 1u);
}

// ----------------------------------------------------------- path resolution

TEST_F(VectorLoader, PathRelativeToYamlFolderWinsOverCurrentDirectory)
{
    TempDir cwd;
    write_file(cwd / "a.wasm", "cwd copy");
    scout_test::ScopedChdir chdir(cwd.path());
    const auto v = parse(base_vector());
    EXPECT_EQ(v.scripts[0].origin, PathOrigin::vector_folder);
    EXPECT_EQ(v.scripts[0].resolved, dir / "a.wasm");
}

TEST_F(VectorLoader, PathFallsBackToCurrentDirectory)
{
    TempDir cwd;
    fs::create_directory(cwd / "sub");
    write_file(cwd / "sub" / "only_here.wasm", "x");
    scout_test::ScopedChdir chdir(cwd.path());
    const auto v = parse(with_line(base_vector(), 3, "    - sub/only_here.wasm"));
    EXPECT_EQ(v.scripts[0].origin, PathOrigin::working_directory);
    EXPECT_EQ(v.scripts[0].declared, "sub/only_here.wasm");
    EXPECT_EQ(v.scripts[0].resolved, fs::path("sub/only_here.wasm"));
    EXPECT_TRUE(fs::exists(v.scripts[0].resolved));
}

TEST_F(VectorLoader, PathInSubfolderOfYamlFolder)
{
    fs::create_directory(dir / "scripts");
    write_file(dir / "scripts" / "s.wasm", "s");
    const auto v = parse(with_line(base_vector(), 3, "    - ./scripts/../scripts/s.wasm"));
    EXPECT_EQ(v.scripts[0].origin, PathOrigin::vector_folder);
    EXPECT_EQ(v.scripts[0].resolved, dir / "scripts" / "s.wasm");
}

TEST_F(VectorLoader, AbsolutePath)
{
    TempDir other;
    write_file(other / "abs.wasm", "x");
    const auto absolute = (other / "abs.wasm").string();
    const auto v = parse(with_line(base_vector(), 3, "    - " + absolute));
    EXPECT_EQ(v.scripts[0].origin, PathOrigin::absolute);
    EXPECT_EQ(v.scripts[0].resolved, fs::path(absolute));
    EXPECT_EQ(v.scripts[0].declared, absolute);
}

TEST_F(VectorLoader, AbsolutePathMissing)
{
    const auto missing = (dir / "nowhere" / "abs.wasm").string();
    expect_error(with_line(base_vector(), 3, "    - " + missing), 3, "not found: " + missing);
}

// ------------------------------------------------------------- malformed input

TEST_F(VectorLoader, MalformedYamlSyntax)
{
    expect_error(with_line(base_vector(), 9, "    data: [0x01"), 10, "malformed YAML");
}

TEST_F(VectorLoader, MalformedYamlBadIndentationReportsItsLine)
{
    const auto e = error_of(with_line(base_vector(), 5, "  exec_env_states: a: b"));
    EXPECT_EQ(e.line(), 5u) << e.what();
    EXPECT_TRUE(contains(e.what(), "malformed YAML")) << e.what();
}

// yaml-cpp 0.7's LoadAll never returns on these (it allocates a null document
// per turn until memory runs out): F10 in docs/fuzzing.md. A hang here is the
// regression; ctest's timeout ends it.
TEST_F(VectorLoader, StrayCommaIsMalformedYamlNotAHang)
{
    expect_error(",", 1, "malformed YAML: the parser cannot get past this point");
    expect_error(",\n" + base_vector(), 1, "malformed YAML");
    expect_error(base_vector() + "---\n,\n", 14, "malformed YAML");
}

TEST_F(VectorLoader, SecondDocumentIsAnErrorAtItsLine)
{
    expect_error(base_vector() + "---\nshard_blocks: []\n", 14, "a second YAML document");
    expect_error(base_vector() + "---\n~\n---\n- x\n", 16, "a second YAML document");
}

TEST_F(VectorLoader, EmptySecondDocumentIsIgnored)
{
    EXPECT_EQ(parse(base_vector() + "---\n").blocks.size(), parse(base_vector()).blocks.size());
    EXPECT_EQ(parse(base_vector() + "...\n---\n~\n").scripts.size(), 1u);
}

TEST_F(VectorLoader, TopLevelListIsAnError)
{
    expect_error("- a\n- b\n", 1, "expected a map at the top level");
}

TEST_F(VectorLoader, EmptyDocumentIsAnError)
{
    const auto e = error_of("");
    EXPECT_TRUE(contains(e.what(), "expected a map at the top level")) << e.what();
}

TEST_F(VectorLoader, MissingBeaconState)
{
    auto yaml = base_vector();
    yaml = yaml.substr(yaml.find("shard_pre_state:"));
    expect_error(yaml, 1, "missing key 'beacon_state'");
}

TEST_F(VectorLoader, MissingExecutionScripts)
{
    auto yaml = with_line(base_vector(), 2, "  libraries: []");
    yaml = with_line(yaml, 3, "");
    expect_error(yaml, 2, "missing key 'execution_scripts' in beacon_state");
}

TEST_F(VectorLoader, BeaconStateNotAMap)
{
    auto yaml = with_line(base_vector(), 1, "beacon_state: 7");
    yaml = with_line(yaml, 2, "");
    yaml = with_line(yaml, 3, "");
    expect_error(yaml, 1, "beacon_state must be a map");
}

TEST_F(VectorLoader, MissingShardBlocks)
{
    auto yaml = with_line(base_vector(), 7, "");
    yaml = with_line(yaml, 8, "");
    yaml = with_line(yaml, 9, "");
    expect_error(yaml, 1, "missing key 'shard_blocks'");
}

TEST_F(VectorLoader, MissingShardPostState)
{
    auto yaml = with_line(base_vector(), 10, "");
    yaml = with_line(yaml, 11, "");
    yaml = with_line(yaml, 12, "");
    expect_error(yaml, 1, "missing key 'shard_post_state'");
}

TEST_F(VectorLoader, MissingShardPreState)
{
    auto yaml = with_line(base_vector(), 4, "");
    yaml = with_line(yaml, 5, "");
    yaml = with_line(yaml, 6, "");
    expect_error(yaml, 1, "missing key 'shard_pre_state'");
}

TEST_F(VectorLoader, MissingExecEnvStates)
{
    auto yaml = with_line(base_vector(), 11, "  other: 1");
    yaml = with_line(yaml, 12, "");
    expect_error(yaml, 11, "missing key 'exec_env_states' in shard_post_state");
}

TEST_F(VectorLoader, ExecutionScriptsIsAMap)
{
    expect_error(with_line(base_vector(), 3, "    a: a.wasm"), 3,
                 "beacon_state.execution_scripts must be a list, found a map");
}

TEST_F(VectorLoader, EmptyExecutionScripts)
{
    auto yaml = with_line(base_vector(), 2, "  execution_scripts: []");
    yaml = with_line(yaml, 3, "");
    expect_error(yaml, 2, "execution_scripts is empty");
}

TEST_F(VectorLoader, ScriptFileMissing)
{
    expect_error(with_line(base_vector(), 3, "    - missing.wasm"), 3, "not found: missing.wasm");
}

TEST_F(VectorLoader, ScriptPathEmpty)
{
    expect_error(with_line(base_vector(), 3, "    - \"\""), 3, "path is empty");
}

TEST_F(VectorLoader, RootNot32Bytes)
{
    expect_error(with_line(base_vector(), 6, "    - 0x1234"), 6, "must be 32 bytes, found 2");
}

TEST_F(VectorLoader, RootWithOddHex)
{
    expect_error(with_line(base_vector(), 12, "    - 0x" + std::string(63, 'a')), 12,
                 "odd number of hex digits");
}

TEST_F(VectorLoader, RootNotAString)
{
    expect_error(with_line(base_vector(), 6, "    - [1, 2]"), 6, "must be a string, found a list");
}

TEST_F(VectorLoader, NonHexData)
{
    expect_error(with_line(base_vector(), 9, "    data: 0x01zz"), 9,
                 "shard block data: invalid hex character 'z'");
}

TEST_F(VectorLoader, MissingData)
{
    expect_error(with_line(base_vector(), 9, ""), 8, "missing key 'data' in shard block");
}

TEST_F(VectorLoader, EnvNegative)
{
    expect_error(with_line(base_vector(), 8, "  - env: -1"), 8, "found '-1'");
}

TEST_F(VectorLoader, EnvNullReportsTheLineOfTheKey)
{
    // `env:` with nothing after it is on line 8; the error must not point at
    // line 9 (`data: 0x01`), where yaml-cpp marks the null node.
    expect_error(with_line(base_vector(), 8, "  - env:"), 8, "'env' in shard block has no value");
}

TEST_F(VectorLoader, ShardPreStateNullReportsTheLineOfTheKey)
{
    // `shard_pre_state:` with nothing under it is on line 4, not on the next key's line.
    const auto yaml = with_line(with_line(base_vector(), 5, ""), 6, "");
    expect_error(yaml, 4, "'shard_pre_state' in the top level has no value");
}

TEST_F(VectorLoader, EnvNotANumber)
{
    expect_error(with_line(base_vector(), 8, "  - env: zero"), 8, "must be an integer");
}

TEST_F(VectorLoader, EnvBeyondU32IsNotAnInteger)
{
    expect_error(with_line(base_vector(), 8, "  - env: 4294967296"), 8,
                 "must be an integer in [0, 4294967295]");
}

TEST_F(VectorLoader, EnvOutOfRange)
{
    expect_error(with_line(base_vector(), 8, "  - env: 1"), 8, "out of range");
}

TEST_F(VectorLoader, PreStateCountMismatch)
{
    const auto yaml = with_line(base_vector(), 6,
                                "    - " + root_hex("x") +
                                    "\n"  // 6
                                    "    - " +
                                    root_hex("y"));  // 7
    expect_error(yaml, 6,
                 "shard_pre_state.exec_env_states has 2 roots but there is 1 execution script");
}

TEST_F(VectorLoader, PostStateCountMismatch)
{
    const auto yaml = with_line(with_line(base_vector(), 11, "  exec_env_states: []"), 12, "");
    expect_error(yaml, 11,
                 "shard_post_state.exec_env_states has 0 roots but there is 1 execution script");
}

TEST_F(VectorLoader, DepositPubkeyWrongLength)
{
    expect_error(base_vector() + deposit_yaml("0x" + std::string(94, '1'), "1"), 14,
                 "deposit pubkey must be 48 bytes, found 47");
}

TEST_F(VectorLoader, DepositMissingSignature)
{
    auto yaml = with_line(base_vector() + deposit_yaml("0x" + std::string(96, '1'), "1"), 17, "");
    expect_error(yaml, 14, "missing key 'signature' in deposit receipt");
}

TEST_F(VectorLoader, DepositAmountNegative)
{
    expect_error(base_vector() + deposit_yaml("0x" + std::string(96, '1'), "-5"), 16,
                 "deposit amount must be an integer");
}

TEST_F(VectorLoader, DepositAmountNotAnInteger)
{
    expect_error(base_vector() + deposit_yaml("0x" + std::string(96, '1'), "1.5"), 16,
                 "deposit amount must be an integer");
}

TEST_F(VectorLoader, DepositAmountAboveU64Max)
{
    expect_error(base_vector() + deposit_yaml("0x" + std::string(96, '1'), "18446744073709551616"),
                 16, "found '18446744073709551616'");
}

TEST_F(VectorLoader, DepositReceiptsNotAList)
{
    expect_error(base_vector() + "deposit_receipts: 3\n", 13, "deposit_receipts must be a list");
}

TEST_F(VectorLoader, ShardBlockIsAList)
{
    expect_error(with_line(with_line(base_vector(), 8, "  - [0, 0x01]"), 9, ""), 8,
                 "a shard block must be a map, found a list");
}

TEST_F(VectorLoader, ShardBlocksIsAMap)
{
    expect_error(with_line(with_line(base_vector(), 8, "  env: 0"), 9, "  data: 0x01"), 8,
                 "shard_blocks must be a list, found a map");
}

// ------------------------------------------------------------------ load_vector

TEST_F(VectorLoader, LoadVectorReadsTheFile)
{
    write_file(file(), base_vector());
    const auto v = load_vector(file());
    EXPECT_EQ(v.file, file());
    ASSERT_EQ(v.blocks.size(), 1u);
    EXPECT_EQ(v.pre_states[0], root_bytes("pre"));
    EXPECT_EQ(v.scripts[0].resolved, dir / "a.wasm");
}

TEST_F(VectorLoader, LoadVectorMissingFile)
{
    const auto missing = dir / "absent.yaml";
    try
    {
        load_vector(missing);
        FAIL() << "no InputError";
    }
    catch (const InputError& e)
    {
        EXPECT_EQ(e.file(), missing.string());
        EXPECT_EQ(e.line(), 0u);
        EXPECT_TRUE(contains(e.what(), "cannot open")) << e.what();
    }
}

TEST_F(VectorLoader, LoadVectorOnAFolder)
{
    try
    {
        load_vector(dir.path());
        FAIL() << "no InputError";
    }
    catch (const InputError& e)
    {
        EXPECT_EQ(e.file(), dir.path().string());
        EXPECT_TRUE(contains(e.what(), "folder")) << e.what();
    }
}

TEST(InputErrorLocated, WithAndWithoutLine)
{
    EXPECT_EQ(InputError("f.yaml", 3, "bad").located(), "f.yaml:3: bad");
    EXPECT_EQ(InputError("f.yaml", 0, "bad").located(), "f.yaml: bad");
}

TEST(VectorLoaderKeys, DuplicateTopLevelKeyIsAnError)
{
    scout_test::TempDir dir;
    scout_test::write_file(dir.path() / "s.wasm", "x");
    const std::string yaml = "beacon_state:\n  execution_scripts: [s.wasm]\n"
                             "shard_pre_state:\n  exec_env_states: []\n"
                             "shard_blocks: []\nshard_blocks: []\n"
                             "shard_post_state:\n  exec_env_states: []\n";
    try
    {
        scout::parse_vector(yaml, dir.path() / "v.yaml");
        FAIL() << "expected InputError";
    }
    catch (const scout::InputError& e)
    {
        EXPECT_EQ(e.line(), 6u);
        EXPECT_NE(std::string(e.what()).find("duplicate key 'shard_blocks'"), std::string::npos)
            << e.what();
    }
}
