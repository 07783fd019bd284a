#include "discovery.hpp"

#include "errors.hpp"

#include <algorithm>
#include <fnmatch.h>
#include <glob.h>
#include <set>

namespace scout {
namespace {

namespace fs = std::filesystem;

bool is_vector_file(const fs::path& p)
{
    const auto ext = p.extension().string();
    return ext == ".yaml" || ext == ".yml";
}

bool has_glob_characters(const std::string& s)
{
    return s.find_first_of("*?[") != std::string::npos;
}

std::vector<fs::path> files_in_folder(const fs::path& folder)
{
    std::vector<fs::path> found;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(
             folder, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    {
        if (it->is_regular_file(ec) && is_vector_file(it->path()))
            found.push_back(it->path());
    }
    if (ec)
        throw InputError(folder.string(), 0, "cannot read folder: " + ec.message());
    std::sort(found.begin(), found.end());
    return found;
}

// POSIX glob(3): the shell's own matching, for patterns quoted past the shell
// (CI configurations often pass "vectors/**.yaml"-style arguments verbatim).
std::vector<fs::path> glob_matches(const std::string& pattern)
{
    glob_t g{};
    const int rc = ::glob(pattern.c_str(), GLOB_NOSORT, nullptr, &g);
    std::vector<fs::path> found;
    if (rc == 0)
        for (size_t i = 0; i < g.gl_pathc; ++i)
            found.emplace_back(g.gl_pathv[i]);
    ::globfree(&g);
    std::sort(found.begin(), found.end());
    return found;
}

}  // namespace

std::optional<Shard> parse_shard(const std::string& text)
{
    const auto slash = text.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == text.size())
        return std::nullopt;
    auto number = [](const std::string& s) -> std::optional<size_t> {
        if (s.empty() || s.size() > 9 ||
            !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return std::nullopt;
        return static_cast<size_t>(std::stoul(s));
    };
    const auto k = number(text.substr(0, slash));
    const auto n = number(text.substr(slash + 1));
    if (!k || !n || *k < 1 || *k > *n)
        return std::nullopt;
    return Shard{*k, *n};
}

std::vector<fs::path> discover_vectors(const std::vector<std::string>& arguments)
{
    std::vector<fs::path> files;
    std::set<fs::path> seen;
    auto add = [&](const fs::path& p) {
        if (seen.insert(p.lexically_normal()).second)
            files.push_back(p);
    };
    for (const auto& arg : arguments)
    {
        std::error_code ec;
        const fs::path p(arg);
        if (fs::is_directory(p, ec))
        {
            const auto found = files_in_folder(p);
            if (found.empty())
                throw InputError(arg, 0, "folder contains no .yaml or .yml vectors");
            for (const auto& f : found)
                add(f);
        }
        else if (fs::exists(p, ec) || !has_glob_characters(arg))
            add(p);  // a missing plain file is reported by the loader, with its name
        else
        {
            const auto found = glob_matches(arg);
            if (found.empty())
                throw InputError(arg, 0, "pattern matches no files");
            for (const auto& f : found)
                if (fs::is_directory(f, ec))
                    for (const auto& g : files_in_folder(f))
                        add(g);
                else
                    add(f);
        }
    }
    return files;
}

std::vector<fs::path> filter_vectors(const std::vector<fs::path>& files, const std::string& pattern)
{
    std::vector<fs::path> kept;
    for (const auto& f : files)
    {
        const auto path = f.string();
        const auto name = f.filename().string();
        if (path.find(pattern) != std::string::npos ||
            ::fnmatch(pattern.c_str(), path.c_str(), 0) == 0 ||
            ::fnmatch(pattern.c_str(), name.c_str(), 0) == 0)
            kept.push_back(f);
    }
    return kept;
}

std::vector<fs::path> shard_vectors(const std::vector<fs::path>& files, const Shard& shard)
{
    std::vector<fs::path> kept;
    for (size_t i = 0; i < files.size(); ++i)
        if (i % shard.count == shard.index - 1)
            kept.push_back(files[i]);
    return kept;
}

}  // namespace scout
