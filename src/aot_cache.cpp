#include "aot_cache.hpp"

#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <spawn.h>
#include <stdexcept>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace scout::aot {

namespace fs = std::filesystem;

fs::path cache_dir(std::string_view engine)
{
    auto env = [](const char* name) -> std::string {
        const char* v = std::getenv(name);
        return v ? v : "";
    };
    if (const auto root = env("SCOUT_CACHE_DIR"); !root.empty())
        return fs::path(root) / engine;
    fs::path base;
    if (const auto xdg = env("XDG_CACHE_HOME"); !xdg.empty() && fs::path(xdg).is_absolute())
        base = xdg;
    else if (const auto home = env("HOME"); !home.empty())
        base = fs::path(home) / ".cache";
    else
        base = fs::temp_directory_path() / ("scout-cache-" + std::to_string(::getuid()));
    return base / "scout" / engine;
}

// ------------------------------------------------------------ hashing

namespace {

std::string to_hex(const unsigned char* data, size_t n)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(2 * n);
    for (size_t i = 0; i < n; ++i)
    {
        out += digits[data[i] >> 4];
        out += digits[data[i] & 0xf];
    }
    return out;
}

}  // namespace

KeyHasher::KeyHasher()
  : ctx_(EVP_MD_CTX_new())
{
    if (ctx_ == nullptr ||
        EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("OpenSSL: cannot start a SHA-256 digest");
}

KeyHasher::~KeyHasher()
{
    EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_));
}

KeyHasher& KeyHasher::add(std::string_view part)
{
    const uint64_t n = part.size();
    unsigned char length[8];
    for (int i = 0; i < 8; ++i)
        length[i] = static_cast<unsigned char>(n >> (8 * i));
    auto* ctx = static_cast<EVP_MD_CTX*>(ctx_);
    EVP_DigestUpdate(ctx, length, sizeof length);
    EVP_DigestUpdate(ctx, part.data(), part.size());
    return *this;
}

KeyHasher& KeyHasher::add(const Bytes& part)
{
    return add(std::string_view(reinterpret_cast<const char*>(part.data()), part.size()));
}

std::string KeyHasher::hex()
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), digest, &n);
    return to_hex(digest, n);
}

std::string sha256_hex(std::string_view data)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(data.data(), data.size(), digest, &n, EVP_sha256(), nullptr);
    return to_hex(digest, n);
}

// ------------------------------------------------------------ commands

CommandResult run_command(const std::vector<std::string>& argv, const fs::path& log_file)
{
    CommandResult result;
    if (argv.empty())
        return result;
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_file.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0)
    {
        result.output = argv[0] + ": cannot run: " + std::strerror(rc);
        return result;
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return result;
    try
    {
        result.output = read_text(log_file);
    }
    catch (const std::exception&)
    {}
    if (WIFEXITED(status))
        result.exit_code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        result.output +=
            "\n" + argv[0] + " was killed by signal " + std::to_string(WTERMSIG(status));
    return result;
}

std::string find_program(const std::string& program)
{
    if (program.empty())
        return {};
    if (program.find('/') != std::string::npos)
        return ::access(program.c_str(), X_OK) == 0 ? program : std::string();
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
    size_t start = 0;
    while (start <= dirs.size())
    {
        const size_t end = std::min(dirs.find(':', start), dirs.size());
        std::string dir = dirs.substr(start, end - start);
        if (dir.empty())
            dir = ".";
        const std::string candidate = dir + "/" + program;
        struct stat st;
        if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
            ::access(candidate.c_str(), X_OK) == 0)
            return candidate;
        start = end + 1;
    }
    return {};
}

std::string tool_identity(const std::string& program, const fs::path& scratch_dir)
{
    const auto r = run_command({program, "--version"}, scratch_dir / "version.log");
    if (r.exit_code != 0)
        return {};
    return r.output.substr(0, r.output.find('\n'));
}

std::string tool_identity_memoized(const std::string& program, const fs::path& memo_dir)
{
    const std::string path = find_program(program);
    std::error_code ec;
    const fs::path real = fs::canonical(path, ec);
    struct stat st;
    if (path.empty() || ec || ::stat(real.c_str(), &st) != 0)
        return {};
    const std::string stamp = real.string() + "|" + std::to_string(st.st_size) + "|" +
                              std::to_string(st.st_mtim.tv_sec) + "." +
                              std::to_string(st.st_mtim.tv_nsec) + "|" + std::to_string(st.st_ino) +
                              "|" + std::to_string(st.st_dev) + "|" + program;
    const fs::path memo = memo_dir / ("tool-" + sha256_hex(stamp) + ".txt");
    try
    {
        const std::string known = read_text(memo);
        if (!known.empty() && known.back() == '\n')
            return known.substr(0, known.size() - 1);
    }
    catch (const std::exception&)
    {}
    std::string identity;
    try
    {
        ScratchDir scratch(memo_dir);
        identity = tool_identity(program, scratch.path());
        if (!identity.empty())
        {
            write_text(scratch.path() / "memo", identity + "\n");
            install_atomically(scratch.path() / "memo", memo);
        }
    }
    catch (const std::exception&)
    {
        // An unwritable cache only costs the --version run next time.
        if (identity.empty())
        {
            ScratchDir scratch(fs::temp_directory_path());
            identity = tool_identity(program, scratch.path());
        }
    }
    return identity;
}

// ------------------------------------------------------------ files

ScratchDir::ScratchDir(const fs::path& parent)
{
    fs::create_directories(parent);
    std::string pattern = (parent / ".tmp-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
        throw std::runtime_error("cannot create a folder in " + parent.string() + ": " +
                                 std::strerror(errno));
    path_ = pattern;
}

ScratchDir::~ScratchDir()
{
    std::error_code ec;
    fs::remove_all(path_, ec);
}

void install_atomically(const fs::path& built, const fs::path& target)
{
    if (::rename(built.c_str(), target.c_str()) != 0)
        throw std::runtime_error("cannot move " + built.string() + " to " + target.string() + ": " +
                                 std::strerror(errno));
}

void write_text(const fs::path& path, std::string_view text)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out)
        throw std::runtime_error("cannot write " + path.string());
}

std::string read_text(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read " + path.string());
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace scout::aot
