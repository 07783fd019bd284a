#include "aot_cache.hpp"

#include "child_process.hpp"

#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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
    // A process group of its own, so that the driver, cc1, as and ld are
    // stopped together: by the destructor of Tracked (an exception here), by
    // a worker's SIGTERM handler (--timeout, scout interrupted), and by the
    // kernel when the thread that started it dies (PR_SET_PDEATHSIG).
    child::SpawnOptions options;
    options.own_group = true;
    options.death_signal = SIGKILL;
    options.output_file = log_file;
    std::optional<child::Tracked> process;
    try
    {
        process.emplace(child::spawn(argv, options), true);
    }
    catch (const std::exception& e)
    {
        result.output = argv[0] + ": cannot run: " + e.what();
        return result;
    }
    const int status = process->wait();
    try
    {
        result.output = read_text(log_file);
    }
    catch (const std::exception&)
    {}
    if (WIFEXITED(status))
        result.exit_code = WEXITSTATUS(status);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && result.output.empty())
        result.output = argv[0] + ": cannot run";
    else if (WIFSIGNALED(status))
        result.output +=
            "\n" + argv[0] + " was killed by signal " + std::to_string(WTERMSIG(status));
    return result;
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
    const std::string path = child::find_program(program);
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

namespace {

constexpr std::string_view scratch_prefix = ".tmp-";

/// The pid in a scratch folder's name ".tmp-<pid>-XXXXXX"; 0 when it is not one.
pid_t scratch_owner(const std::string& name)
{
    if (name.rfind(scratch_prefix, 0) != 0)
        return 0;
    const size_t dash = name.find('-', scratch_prefix.size());
    if (dash == std::string::npos || dash == scratch_prefix.size() ||
        dash - scratch_prefix.size() > 9)
        return 0;
    pid_t pid = 0;
    for (size_t i = scratch_prefix.size(); i < dash; ++i)
    {
        if (name[i] < '0' || name[i] > '9')
            return 0;
        pid = pid * 10 + (name[i] - '0');
    }
    return pid;
}

/// Removes the scratch folders in `dir` and dir/tools whose owner `doomed` says.
template <typename Doomed> void remove_scratch_if(const fs::path& dir, Doomed doomed)
{
    for (const fs::path& d : {dir, dir / "tools"})
    {
        std::error_code ec;
        for (auto it = fs::directory_iterator(d, ec); !ec && it != fs::directory_iterator();
             it.increment(ec))
        {
            const pid_t owner = scratch_owner(it->path().filename().string());
            if (owner > 0 && doomed(owner))
            {
                std::error_code ignored;
                fs::remove_all(it->path(), ignored);
            }
        }
    }
}

}  // namespace

ScratchDir::ScratchDir(const fs::path& parent)
{
    fs::create_directories(parent);
    std::string pattern =
        (parent / (std::string(scratch_prefix) + std::to_string(::getpid()) + "-XXXXXX")).string();
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

void remove_orphan_scratch(const fs::path& dir, pid_t owner)
{
    remove_scratch_if(dir, [&](pid_t p) { return p == owner; });
}

namespace {

/// Whether process `pid` has ended: it does not exist, or is a zombie that
/// nobody reaped yet (a killed worker whose parent died too).
bool process_ended(pid_t pid)
{
    if (::kill(pid, 0) != 0)
        return errno == ESRCH;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line))
        return true;
    const auto close = line.rfind(')');
    return close != std::string::npos && close + 2 < line.size() &&
           (line[close + 2] == 'Z' || line[close + 2] == 'X');
}

}  // namespace

void remove_dead_scratch(const fs::path& dir)
{
    remove_scratch_if(dir, process_ended);
}

namespace {

void sync_path(const fs::path& path, int flags)
{
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0)
        throw std::runtime_error("cannot open " + path.string() + ": " + std::strerror(errno));
    const int rc = ::fsync(fd);
    const int sync_errno = errno;
    ::close(fd);
    // Some file systems cannot sync a folder (EINVAL): nothing to wait for.
    if (rc != 0 && sync_errno != EINVAL)
        throw std::runtime_error("cannot sync " + path.string() + ": " + std::strerror(sync_errno));
}

}  // namespace

void install_atomically(const fs::path& built, const fs::path& target)
{
    // On the disk before it has its name: a crash never leaves a named,
    // partial object.
    sync_path(built, O_RDONLY);
    if (::rename(built.c_str(), target.c_str()) != 0)
        throw std::runtime_error("cannot move " + built.string() + " to " + target.string() + ": " +
                                 std::strerror(errno));
    sync_path(target.parent_path().empty() ? fs::path(".") : target.parent_path(),
              O_RDONLY | O_DIRECTORY);
}

// ------------------------------------------------------------ sealed objects

namespace {

constexpr std::string_view seal_tag = "\nscout-sha256:";
constexpr size_t seal_size = seal_tag.size() + 64 + 1;

std::string seal_digest(std::string_view key, std::string_view content)
{
    KeyHasher h;
    h.add("scout sealed object").add(key).add(content);
    return h.hex();
}

}  // namespace

void seal_object(const fs::path& object, std::string_view key)
{
    const std::string content = read_text(object);
    const std::string seal = std::string(seal_tag) + seal_digest(key, content) + "\n";
    const int fd = ::open(object.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0)
        throw std::runtime_error("cannot open " + object.string() + ": " + std::strerror(errno));
    const ssize_t n = ::write(fd, seal.data(), seal.size());
    const int write_errno = errno;
    if (::close(fd) != 0 || n != static_cast<ssize_t>(seal.size()))
        throw std::runtime_error("cannot write " + object.string() + ": " +
                                 std::strerror(n < 0 ? write_errno : EIO));
}

std::string check_sealed_object(const fs::path& object, std::string_view key)
{
    std::string content;
    try
    {
        content = read_text(object);
    }
    catch (const std::exception& e)
    {
        return e.what();
    }
    if (content.size() < seal_size ||
        content.compare(content.size() - seal_size, seal_tag.size(), seal_tag) != 0 ||
        content.back() != '\n')
        return "no checksum (" + std::to_string(content.size()) +
               " bytes: truncated, or not written by this scout)";
    const std::string stored = content.substr(content.size() - 65, 64);
    content.resize(content.size() - seal_size);
    if (seal_digest(key, content) != stored)
        return "checksum mismatch: its bytes changed since it was built";
    return {};
}

void write_text(const fs::path& path, std::string_view text)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    const bool written = static_cast<bool>(out);
    out.close();
    if (!written || !out)
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
