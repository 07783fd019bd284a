#pragma once
/// Which vector files a run covers: files, folders (searched recursively for
/// .yaml/.yml), glob patterns; then --filter and --shard.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace scout {

/// One slice of a suite: shard `index` (1-based) of `count`.
struct Shard
{
    size_t index = 1;
    size_t count = 1;
};

/// Parses "K/N" with 1 <= K <= N; nullopt otherwise.
std::optional<Shard> parse_shard(const std::string& text);

/// Expands the arguments of `scout run` into vector files, in a stable order:
/// arguments in the order given; the files found in a folder sorted by path;
/// the matches of a glob sorted by path. A file named explicitly is taken
/// whatever its extension. Duplicates are dropped (first occurrence kept).
/// Throws InputError for an argument that names nothing (a missing file, a
/// glob without matches, a folder without vectors).
std::vector<std::filesystem::path> discover_vectors(const std::vector<std::string>& arguments);

/// Keeps the files whose path contains `pattern`, or matches it as a glob
/// (`*`, `?`, `[...]`) against the whole path or the file name.
std::vector<std::filesystem::path> filter_vectors(const std::vector<std::filesystem::path>& files,
                                                  const std::string& pattern);

/// The files of one shard: file i (0-based, in the given order) belongs to
/// shard (i mod N) + 1, so N shards cover every file exactly once.
std::vector<std::filesystem::path> shard_vectors(const std::vector<std::filesystem::path>& files,
                                                 const Shard& shard);

}  // namespace scout
