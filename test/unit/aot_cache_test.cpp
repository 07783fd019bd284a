#include "aot_cache.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace scout;
using scout_test::contains;
using scout_test::TempDir;

namespace {

namespace fs = std::filesystem;

/// Sets (or, with nullopt, unsets) an environment variable for the lifetime
/// of the object and restores what was there before: the wasm2c tests of the
/// same process rely on SCOUT_CACHE_DIR.
class ScopedEnv
{
public:
    ScopedEnv(const char* name, std::optional<std::string> value)
      : name_(name)
    {
        if (const char* old = std::getenv(name))
            old_ = old;
        if (value)
            ::setenv(name, value->c_str(), 1);
        else
            ::unsetenv(name);
    }
    ~ScopedEnv()
    {
        if (old_)
            ::setenv(name_, old_->c_str(), 1);
        else
            ::unsetenv(name_);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    const char* name_;
    std::optional<std::string> old_;
};

std::string text_of(const fs::path& p)
{
    const auto b = scout_test::read_file(p);
    return std::string(b.begin(), b.end());
}

/// An executable shell script at `path`.
void write_script(const fs::path& path, const std::string& body)
{
    scout_test::write_file(path, "#!/bin/sh\n" + body);
    fs::permissions(path, fs::perms::owner_all);
}

/// The pid of a child that has exited and been reaped: no such process now
/// (the kernel does not hand a pid out again at once).
pid_t dead_pid()
{
    const pid_t pid = ::fork();
    if (pid == 0)
        ::_exit(0);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return pid;
}

fs::path scratch_named(const fs::path& dir, pid_t owner, const std::string& suffix = "abcdef")
{
    const fs::path p = dir / (".tmp-" + std::to_string(owner) + "-" + suffix);
    fs::create_directories(p);
    scout_test::write_file(p / "module.c", std::string("int x;"));
    return p;
}

// Expected digests below are Python's hashlib, not this code:
//   python3 -c "import hashlib; print(hashlib.sha256(b'abc').hexdigest())"
// and for a key, each part prefixed by its length as 8 little-endian bytes:
//   def kh(*parts):
//       h = hashlib.sha256()
//       for p in parts: h.update(struct.pack('<Q', len(p))); h.update(p)
//       return h.hexdigest()

}  // namespace

// ------------------------------------------------------------ hashing

TEST(AotSha256, KnownDigests)
{
    // FIPS 180-2's "abc" and the empty message.
    EXPECT_EQ(aot::sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(aot::sha256_hex(""),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(AotKeyHasher, EachPartIsLengthPrefixed)
{
    // kh(b'ab', b'c') and kh(b'a', b'bc'): the same bytes, split differently.
    EXPECT_EQ(aot::KeyHasher().add("ab").add("c").hex(),
              "43ee655579de01ca739b3f95c1c2d3f46d353b2c0df818064ea594506cdb2617");
    EXPECT_EQ(aot::KeyHasher().add("a").add("bc").hex(),
              "9a8acca1b6c6c0befd3fbc756aed625da998c998f7252e738c4ef061906b9b21");
}

TEST(AotKeyHasher, BytesAndTextOfTheSameContentAgree)
{
    const Bytes ab = {'a', 'b'};
    EXPECT_EQ(aot::KeyHasher().add(ab).add("c").hex(),
              "43ee655579de01ca739b3f95c1c2d3f46d353b2c0df818064ea594506cdb2617");
}

// ------------------------------------------------------------ sealed objects

namespace {

const std::string object_bytes("object bytes\0\1\2", 15);
// kh(b'scout sealed object', b'key-1', b'object bytes\x00\x01\x02')
const std::string object_seal = "ee1e7aa926b3227809900e23804f436f6c11292ff7c27344cea1df71ff061f42";

}  // namespace

TEST(AotSeal, AppendsTheDocumentedSealLine)
{
    TempDir dir;
    const auto object = dir / "module.so";
    scout_test::write_file(object, object_bytes);
    aot::seal_object(object, "key-1");
    EXPECT_EQ(text_of(object), object_bytes + "\nscout-sha256:" + object_seal + "\n");
    EXPECT_EQ(aot::check_sealed_object(object, "key-1"), "");
}

TEST(AotSeal, AChangedByteIsRefused)
{
    TempDir dir;
    const auto object = dir / "module.so";
    scout_test::write_file(object, object_bytes);
    aot::seal_object(object, "key-1");
    std::string damaged = text_of(object);
    damaged[3] ^= 0x01;
    scout_test::write_file(object, damaged);
    EXPECT_TRUE(contains(aot::check_sealed_object(object, "key-1"), "checksum mismatch"));
}

TEST(AotSeal, ATruncatedObjectIsRefused)
{
    TempDir dir;
    const auto object = dir / "module.so";
    scout_test::write_file(object, object_bytes);
    aot::seal_object(object, "key-1");
    const std::string sealed = text_of(object);
    // Cut inside the seal: the tag no longer ends the file where it must.
    scout_test::write_file(object, sealed.substr(0, sealed.size() - 10));
    EXPECT_TRUE(contains(aot::check_sealed_object(object, "key-1"), "no checksum"));
    // Cut off the whole seal: an unsealed object of the original length.
    scout_test::write_file(object, object_bytes);
    EXPECT_EQ(aot::check_sealed_object(object, "key-1"),
              "no checksum (15 bytes: truncated, or not written by this scout)");
}

TEST(AotSeal, AnotherKeysObjectIsRefused)
{
    TempDir dir;
    const auto object = dir / "module.so";
    scout_test::write_file(object, object_bytes);
    aot::seal_object(object, "key-1");
    EXPECT_TRUE(contains(aot::check_sealed_object(object, "key-2"), "checksum mismatch"));
}

TEST(AotSeal, ASealCopiedFromAnotherObjectIsRefused)
{
    TempDir dir;
    const auto a = dir / "a.so";
    const auto b = dir / "b.so";
    scout_test::write_file(a, object_bytes);
    scout_test::write_file(b, std::string("other bytes, same key"));
    aot::seal_object(a, "key-1");
    aot::seal_object(b, "key-1");
    const std::string sealed_a = text_of(a);
    const std::string seal_of_a = sealed_a.substr(object_bytes.size());
    scout_test::write_file(b, std::string("other bytes, same key") + seal_of_a);
    EXPECT_TRUE(contains(aot::check_sealed_object(b, "key-1"), "checksum mismatch"));
}

TEST(AotSeal, AMissingObjectIsAReasonNotAnException)
{
    TempDir dir;
    std::string why;
    EXPECT_NO_THROW(why = aot::check_sealed_object(dir / "absent.so", "key-1"));
    EXPECT_TRUE(contains(why, "cannot read")) << why;
    EXPECT_THROW(aot::seal_object(dir / "absent.so", "key-1"), std::runtime_error);
}

// ------------------------------------------------------------ the cache folder

TEST(AotCacheDir, ScoutCacheDirComesFirst)
{
    ScopedEnv root("SCOUT_CACHE_DIR", std::string("/some/where"));
    ScopedEnv xdg("XDG_CACHE_HOME", std::string("/xdg"));
    EXPECT_EQ(aot::cache_dir("wasm2c"), fs::path("/some/where/wasm2c"));
}

TEST(AotCacheDir, XdgCacheHomeWhenScoutCacheDirIsEmpty)
{
    ScopedEnv root("SCOUT_CACHE_DIR", std::string());
    ScopedEnv xdg("XDG_CACHE_HOME", std::string("/xdg"));
    EXPECT_EQ(aot::cache_dir("wasm2c"), fs::path("/xdg/scout/wasm2c"));
}

TEST(AotCacheDir, ARelativeXdgCacheHomeIsIgnored)
{
    // The XDG base directory specification: relative paths are invalid.
    ScopedEnv root("SCOUT_CACHE_DIR", std::nullopt);
    ScopedEnv xdg("XDG_CACHE_HOME", std::string("relative/cache"));
    ScopedEnv home("HOME", std::string("/home/someone"));
    EXPECT_EQ(aot::cache_dir("wasm2c"), fs::path("/home/someone/.cache/scout/wasm2c"));
}

TEST(AotCacheDir, WithoutHomeAPerUserTemporaryFolder)
{
    ScopedEnv root("SCOUT_CACHE_DIR", std::nullopt);
    ScopedEnv xdg("XDG_CACHE_HOME", std::nullopt);
    ScopedEnv home("HOME", std::nullopt);
    EXPECT_EQ(aot::cache_dir("wasm2c"), fs::temp_directory_path() /
                                            ("scout-cache-" + std::to_string(::getuid())) /
                                            "scout" / "wasm2c");
}

// ------------------------------------------------------------ files

TEST(AotInstall, RenamesIntoPlaceReplacingAnOlderObject)
{
    TempDir dir;
    scout_test::write_file(dir / "built", std::string("new"));
    scout_test::write_file(dir / "target", std::string("old"));
    aot::install_atomically(dir / "built", dir / "target");
    EXPECT_FALSE(fs::exists(dir / "built"));
    EXPECT_EQ(text_of(dir / "target"), "new");
}

TEST(AotInstall, AMissingSourceThrowsAndLeavesTheTarget)
{
    TempDir dir;
    scout_test::write_file(dir / "target", std::string("old"));
    EXPECT_THROW(aot::install_atomically(dir / "absent", dir / "target"), std::runtime_error);
    EXPECT_EQ(text_of(dir / "target"), "old");
}

TEST(AotText, WriteThenReadIsByteExact)
{
    TempDir dir;
    const std::string text("line\r\n\0binary\xff", 14);
    aot::write_text(dir / "f", text);
    EXPECT_EQ(aot::read_text(dir / "f"), text);
    aot::write_text(dir / "f", "short");  // truncates
    EXPECT_EQ(aot::read_text(dir / "f"), "short");
    EXPECT_THROW(aot::read_text(dir / "absent"), std::runtime_error);
    EXPECT_THROW(aot::write_text(dir / "no-such-folder" / "f", "x"), std::runtime_error);
}

TEST(AotScratchDir, PrivateNamedForItsOwnerAndRemovedWithItsContents)
{
    TempDir dir;
    fs::path made;
    {
        aot::ScratchDir scratch(dir / "a" / "b");  // the parents are created
        made = scratch.path();
        EXPECT_EQ(made.parent_path(), dir / "a" / "b");
        const std::string prefix = ".tmp-" + std::to_string(::getpid()) + "-";
        EXPECT_EQ(made.filename().string().rfind(prefix, 0), 0u) << made;
        struct stat st;
        ASSERT_EQ(::stat(made.c_str(), &st), 0);
        EXPECT_EQ(st.st_mode & 0777, 0700u);
        fs::create_directory(made / "inner");
        scout_test::write_file(made / "inner" / "file", std::string("x"));
    }
    EXPECT_FALSE(fs::exists(made));
}

TEST(AotScratchDir, OrphansOfOneOwnerAreRemovedOthersKept)
{
    TempDir dir;
    // Matched by name only (the caller knows the owner is gone): any pid will do.
    const pid_t owner = 4'000'001;
    const auto in_dir = scratch_named(dir.path(), owner);
    const auto in_tools = scratch_named(dir / "tools", owner, "ghijkl");
    const auto other = scratch_named(dir.path(), owner + 1);
    const auto mine = scratch_named(dir.path(), ::getpid());
    fs::create_directories(dir / "not-scratch");
    fs::create_directories(dir / ".tmp-12x-abcdef");  // not a pid: never touched
    aot::remove_orphan_scratch(dir.path(), owner);
    EXPECT_FALSE(fs::exists(in_dir));
    EXPECT_FALSE(fs::exists(in_tools));
    EXPECT_TRUE(fs::exists(other));
    EXPECT_TRUE(fs::exists(mine));
    EXPECT_TRUE(fs::exists(dir / "not-scratch"));
    EXPECT_TRUE(fs::exists(dir / ".tmp-12x-abcdef"));
}

TEST(AotScratchDir, DeadOwnersFoldersAreRemovedLiveOnesKept)
{
    TempDir dir;
    const auto dead = scratch_named(dir.path(), dead_pid());
    const auto dead_in_tools = scratch_named(dir / "tools", dead_pid());
    const auto mine = scratch_named(dir.path(), ::getpid());
    // A zombie (exited, not reaped yet) has ended too.
    const pid_t zombie = ::fork();
    if (zombie == 0)
        ::_exit(0);
    const auto of_zombie = scratch_named(dir.path(), zombie);
    siginfo_t info{};
    ASSERT_EQ(::waitid(P_PID, static_cast<id_t>(zombie), &info, WEXITED | WNOWAIT), 0);
    aot::remove_dead_scratch(dir.path());
    int status = 0;
    ::waitpid(zombie, &status, 0);
    EXPECT_FALSE(fs::exists(dead));
    EXPECT_FALSE(fs::exists(dead_in_tools));
    EXPECT_FALSE(fs::exists(of_zombie));
    EXPECT_TRUE(fs::exists(mine));
}

// ------------------------------------------------------------ commands

TEST(AotRunCommand, ExitCodeAndBothStreams)
{
    TempDir dir;
    const auto r =
        aot::run_command({"/bin/sh", "-c", "echo to-out; echo to-err >&2; exit 3"}, dir / "log");
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_TRUE(contains(r.output, "to-out\n")) << r.output;
    EXPECT_TRUE(contains(r.output, "to-err\n")) << r.output;
    EXPECT_EQ(text_of(dir / "log"), r.output);
}

TEST(AotRunCommand, NeverAShellStringsArePassedAsTheyAre)
{
    TempDir dir;
    const auto r = aot::run_command({"/bin/echo", "a;b", "$HOME", "*"}, dir / "log");
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.output, "a;b $HOME *\n");
}

TEST(AotRunCommand, AMissingProgramCannotRun)
{
    TempDir dir;
    const auto r = aot::run_command({"scout-no-such-program-here"}, dir / "log");
    EXPECT_EQ(r.exit_code, -1);
    EXPECT_TRUE(contains(r.output, "scout-no-such-program-here: cannot run")) << r.output;
    EXPECT_EQ(aot::run_command({}, dir / "log").exit_code, -1);
}

TEST(AotRunCommand, AKilledCommandSaysBySignal)
{
    TempDir dir;
    const auto r = aot::run_command({"/bin/sh", "-c", "echo before; kill -9 $$"}, dir / "log");
    EXPECT_EQ(r.exit_code, -1);
    EXPECT_TRUE(contains(r.output, "before\n")) << r.output;
    EXPECT_TRUE(contains(r.output, "/bin/sh was killed by signal 9")) << r.output;
}

TEST(AotToolIdentity, TheFirstLineOfVersion)
{
    TempDir dir;
    write_script(dir / "tool", "echo \"tool $1 1.2.3\"; echo second line\n");
    write_script(dir / "broken", "echo broken 0.1; exit 1\n");
    EXPECT_EQ(aot::tool_identity((dir / "tool").string(), dir.path()), "tool --version 1.2.3");
    EXPECT_EQ(aot::tool_identity((dir / "broken").string(), dir.path()), "");
}

TEST(AotToolIdentity, RememberedUntilTheExecutableChanges)
{
    TempDir dir;
    const auto tool = dir / "bin" / "tool";
    fs::create_directories(tool.parent_path());
    const auto memo = dir / "memo";
    write_script(tool, "echo tool 1\n");
    EXPECT_EQ(aot::tool_identity_memoized(tool.string(), memo), "tool 1");

    // Miss, then hit: one memo written; a changed memo is believed, which
    // shows the tool was not asked again.
    std::vector<fs::path> memos;
    for (const auto& e : fs::directory_iterator(memo))
        if (e.path().filename().string().rfind("tool-", 0) == 0)
            memos.push_back(e.path());
    ASSERT_EQ(memos.size(), 1u);
    EXPECT_EQ(text_of(memos[0]), "tool 1\n");
    scout_test::write_file(memos[0], std::string("remembered\n"));
    EXPECT_EQ(aot::tool_identity_memoized(tool.string(), memo), "remembered");

    // A replaced executable (another size, inode and time) is asked again.
    fs::remove(tool);
    write_script(tool, "echo tool 2.0\n");
    EXPECT_EQ(aot::tool_identity_memoized(tool.string(), memo), "tool 2.0");

    EXPECT_EQ(aot::tool_identity_memoized((dir / "absent").string(), memo), "");
}
