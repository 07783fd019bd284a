#include "discovery.hpp"
#include "errors.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace scout;
namespace fs = std::filesystem;

TEST(ParseShard, AcceptsKOfN)
{
    const auto s = parse_shard("2/5");
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->index, 2u);
    EXPECT_EQ(s->count, 5u);
    EXPECT_TRUE(parse_shard("1/1").has_value());
}

TEST(ParseShard, RejectsNonsense)
{
    for (const char* bad : {"", "/", "1/", "/2", "0/3", "4/3", "a/b", "1/2/3", "-1/2", "1.5/2"})
        EXPECT_FALSE(parse_shard(bad).has_value()) << bad;
}

TEST(ShardVectors, ShardsPartitionTheFiles)
{
    std::vector<fs::path> files;
    for (int i = 0; i < 23; ++i)
        files.push_back("f" + std::to_string(i) + ".yaml");
    for (size_t n : {1u, 2u, 3u, 7u, 23u, 30u})
    {
        std::multiset<fs::path> seen;
        for (size_t k = 1; k <= n; ++k)
            for (const auto& f : shard_vectors(files, {k, n}))
                seen.insert(f);
        EXPECT_EQ(seen, std::multiset<fs::path>(files.begin(), files.end())) << n << " shards";
    }
}

TEST(FilterVectors, SubstringAndGlob)
{
    const std::vector<fs::path> files = {"a/deposits.yaml", "a/helloworld.yaml",
                                         "b/failing/wrong_root.yaml"};
    EXPECT_EQ(filter_vectors(files, "deposit"), std::vector<fs::path>{"a/deposits.yaml"});
    EXPECT_EQ(filter_vectors(files, "hello*.yaml"), std::vector<fs::path>{"a/helloworld.yaml"});
    EXPECT_EQ(filter_vectors(files, "*/failing/*"),
              std::vector<fs::path>{"b/failing/wrong_root.yaml"});
    EXPECT_TRUE(filter_vectors(files, "nothing").empty());
}

TEST(DiscoverVectors, FoldersRecursiveSortedAndDeduplicated)
{
    scout_test::TempDir dir;
    fs::create_directories(dir.path() / "sub" / "deeper");
    for (const char* f : {"b.yaml", "a.yml", "notes.txt", "sub/c.yaml", "sub/deeper/d.yaml"})
        scout_test::write_file(dir.path() / f, "x");
    const auto found = discover_vectors({dir.path().string(), (dir.path() / "a.yml").string()});
    const std::vector<fs::path> expected = {dir.path() / "a.yml", dir.path() / "b.yaml",
                                            dir.path() / "sub" / "c.yaml",
                                            dir.path() / "sub" / "deeper" / "d.yaml"};
    EXPECT_EQ(found, expected);
}

TEST(DiscoverVectors, GlobAndErrors)
{
    scout_test::TempDir dir;
    for (const char* f : {"x1.yaml", "x2.yaml", "y.yaml"})
        scout_test::write_file(dir.path() / f, "x");
    EXPECT_EQ(discover_vectors({(dir.path() / "x*.yaml").string()}).size(), 2u);
    EXPECT_THROW(discover_vectors({(dir.path() / "z*.yaml").string()}), InputError);
    fs::create_directories(dir.path() / "empty");
    EXPECT_THROW(discover_vectors({(dir.path() / "empty").string()}), InputError);
    // A plain missing file is left to the loader, which names it.
    EXPECT_EQ(discover_vectors({"missing.yaml"}).size(), 1u);
}
