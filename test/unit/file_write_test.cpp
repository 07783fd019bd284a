#include "file_write.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

using namespace scout;
namespace fs = std::filesystem;

namespace {

class FileWrite : public ::testing::Test
{
protected:
    void SetUp() override
    {
        dir_ = fs::temp_directory_path() /
               ("scout-file-write-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_);
    }
    void TearDown() override
    {
        for (const auto& e : fs::recursive_directory_iterator(dir_))
            ::chmod(e.path().c_str(), 0700);
        fs::remove_all(dir_);
    }
    fs::path write(const std::string& name, const std::string& text, mode_t mode = 0644)
    {
        const auto p = dir_ / name;
        std::ofstream(p) << text;
        ::chmod(p.c_str(), mode);
        return p;
    }
    static std::string read(const fs::path& p)
    {
        std::ifstream in(p);
        std::ostringstream s;
        s << in.rdbuf();
        return s.str();
    }
    /// Files in the folder, temporary ones included.
    size_t entries() const
    {
        return static_cast<size_t>(std::distance(fs::directory_iterator(dir_), {}));
    }
    fs::path dir_;
};

mode_t mode_of(const fs::path& p)
{
    struct stat st
    {};
    ::stat(p.c_str(), &st);
    return st.st_mode & 07777;
}

}  // namespace

TEST_F(FileWrite, ReplacesContentAndKeepsTheMode)
{
    const auto p = write("v.yaml", "old", 0600);
    replace_file_contents(p, "new content");
    EXPECT_EQ(read(p), "new content");
    EXPECT_EQ(mode_of(p), 0600u);
    EXPECT_EQ(entries(), 1u);  // no temporary file left
}

TEST_F(FileWrite, FollowsASymbolicLinkAndKeepsIt)
{
    const auto target = write("target.yaml", "old");
    const auto link = dir_ / "link.yaml";
    fs::create_symlink("target.yaml", link);
    replace_file_contents(link, "new");
    EXPECT_TRUE(fs::is_symlink(link));
    EXPECT_EQ(read(target), "new");
}

TEST_F(FileWrite, RefusesAReadOnlyFile)
{
    const auto p = write("ro.yaml", "old", 0444);
    try
    {
        replace_file_contents(p, "new");
        FAIL() << "a read-only file was rewritten";
    }
    catch (const WriteError& e)
    {
        EXPECT_NE(std::string(e.what()).find("read-only"), std::string::npos) << e.what();
        EXPECT_EQ(std::string(e.what()).rfind(p.string() + ": ", 0), 0u) << e.what();
    }
    EXPECT_EQ(read(p), "old");
}

TEST_F(FileWrite, RefusesAMissingFileAndAFolder)
{
    EXPECT_THROW(replace_file_contents(dir_ / "missing.yaml", "x"), WriteError);
    fs::create_directory(dir_ / "folder");
    EXPECT_THROW(replace_file_contents(dir_ / "folder", "x"), WriteError);
}

TEST_F(FileWrite, OutputFileAppearsOnlyOnCommit)
{
    const auto p = write("report.json", "previous");
    {
        AtomicOutputFile out(p);
        out.stream() << "new report";
        EXPECT_EQ(read(p), "previous");  // untouched until commit
        out.commit();
    }
    EXPECT_EQ(read(p), "new report");
    EXPECT_EQ(entries(), 1u);
}

TEST_F(FileWrite, OutputFileAbandonedLeavesNothing)
{
    const auto p = write("report.json", "previous");
    {
        AtomicOutputFile out(p);
        out.stream() << "half a report";
    }  // no commit: an error ended the run
    EXPECT_EQ(read(p), "previous");
    EXPECT_EQ(entries(), 1u);
}

TEST_F(FileWrite, OutputToAFullDeviceIsAnError)
{
    if (!fs::exists("/dev/full"))
        GTEST_SKIP() << "no /dev/full";
    AtomicOutputFile out("/dev/full");
    out.stream() << std::string(1 << 16, 'x');
    EXPECT_THROW(out.commit(), WriteError);
}

TEST_F(FileWrite, SameFileComparesInodes)
{
    const auto a = write("a.yaml", "x");
    fs::create_hard_link(a, dir_ / "b.yaml");
    write("c.yaml", "x");
    EXPECT_TRUE(same_file(a, dir_ / "b.yaml"));
    EXPECT_TRUE(same_file(a, dir_ / "." / "a.yaml"));
    EXPECT_FALSE(same_file(a, dir_ / "c.yaml"));
    EXPECT_FALSE(same_file(a, dir_ / "missing.yaml"));
}
