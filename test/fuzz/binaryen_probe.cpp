#include "binaryen_probe.hpp"

#include "binaryen_support.hpp"
#include "fuzz_fatal.hpp"

#include <openssl/sha.h>
#include <sanitizer/common_interface_defs.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <spawn.h>
#include <string>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

#ifndef SCOUT_SOURCE_DIR
#error "SCOUT_SOURCE_DIR: the repository"
#endif

// The probe runs in a helper process: this same executable, started once with
// SCOUT_FUZZ_PROBE_HELPER=1 and restarted after each death. It reads inputs
// from a socket (a 4-byte length, then the bytes), parses and validates each
// and answers one byte. Forking per input was the first design; fork() copies
// the page tables of a fuzzer whose ASan heap holds hundreds of megabytes, and
// that was three quarters of the time.

namespace scout_fuzz {
namespace {

constexpr const char* helper_env = "SCOUT_FUZZ_PROBE_HELPER";

std::atomic<unsigned long> exits{0};
bool probing_enabled = true;

struct Helper
{
    pid_t pid = -1;
    int sock = -1;    // parent's end
    int err_fd = -1;  // the helper's stderr, a temporary file
};
Helper helper;

std::string exits_dir()
{
    if (const char* d = std::getenv("SCOUT_FUZZ_EXITS_DIR"))
        return d;
    return std::string(SCOUT_SOURCE_DIR) + "/.cache/fuzz-binaryen-exits";
}

std::string sha1_hex(const scout::Bytes& b)
{
    unsigned char md[SHA_DIGEST_LENGTH];
    SHA1(b.data(), b.size(), md);
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : md)
    {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

void save(const scout::Bytes& wasm, const std::string& message)
{
    std::error_code ec;
    const std::filesystem::path dir = exits_dir();
    std::filesystem::create_directories(dir, ec);
    const std::string name = sha1_hex(wasm);
    std::ofstream(dir / (name + ".wasm"), std::ios::binary)
        .write(reinterpret_cast<const char*>(wasm.data()),
               static_cast<std::streamsize>(wasm.size()));
    std::ofstream(dir / (name + ".txt")) << message;
}

void report_at_exit()
{
    if (exits > 0)
        std::fprintf(
            stderr,
            "==scout-fuzz== %lu inputs skipped: Binaryen ended the process while parsing or "
            "validating them (assert/Fatal in libbinaryen.so); saved in %s\n",
            exits.load(), exits_dir().c_str());
}

bool read_all(int fd, void* data, size_t n)
{
    auto* p = static_cast<char*>(data);
    while (n > 0)
    {
        const ssize_t r = ::read(fd, p, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        p += r;
        n -= static_cast<size_t>(r);
    }
    return true;
}

bool send_all(int fd, const void* data, size_t n)
{
    const auto* p = static_cast<const char*>(data);
    while (n > 0)
    {
        const ssize_t r = ::send(fd, p, n, MSG_NOSIGNAL);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        p += r;
        n -= static_cast<size_t>(r);
    }
    return true;
}

/// The helper's loop: stdin and stdout are the socket.
[[noreturn]] void helper_main()
{
    // Deaths are for the parent to judge: default handlers, and a sanitizer
    // report exits with a code of its own.
    for (int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGFPE})
        std::signal(sig, SIG_DFL);
    __sanitizer_set_death_callback([] { ::_exit(99); });
    for (;;)
    {
        uint32_t size = 0;
        if (!read_all(0, &size, sizeof size))
            ::_exit(0);
        scout::Bytes wasm(size);
        if (!read_all(0, wasm.data(), size))
            ::_exit(0);
        try
        {
            wasm::Module module;
            scout::binaryen::parse(wasm, module);
            (void)scout::binaryen::validation_errors(module);
        }
        catch (...)
        {}
        const char ok = 'k';
        if (!send_all(1, &ok, 1))
            ::_exit(0);
    }
}

bool start_helper()
{
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        return false;
    if (helper.err_fd < 0)
    {
        char name[] = "/tmp/scout-fuzz-probe-XXXXXX";
        helper.err_fd = ::mkostemp(name, O_APPEND | O_CLOEXEC);
        if (helper.err_fd < 0)
            return false;
        ::unlink(name);
    }
    (void)!::ftruncate(helper.err_fd, 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, sv[1], 0);
    posix_spawn_file_actions_adddup2(&actions, sv[1], 1);
    posix_spawn_file_actions_adddup2(&actions, helper.err_fd, 2);
    std::vector<std::string> env_storage{std::string(helper_env) + "=1"};
    std::vector<char*> env{env_storage[0].data()};
    for (char** e = environ; *e; ++e)
        if (std::strncmp(*e, helper_env, std::strlen(helper_env)) != 0)
            env.push_back(*e);
    env.push_back(nullptr);
    char arg0[] = "scout-fuzz-probe";
    char* argv[] = {arg0, nullptr};
    const int rc =
        ::posix_spawn(&helper.pid, "/proc/self/exe", &actions, nullptr, argv, env.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(sv[1]);
    if (rc != 0)
    {
        ::close(sv[0]);
        helper.pid = -1;
        return false;
    }
    helper.sock = sv[0];
    return true;
}

std::string helper_stderr()
{
    std::string out;
    char buf[4096];
    for (off_t off = 0;;)
    {
        const ssize_t n = ::pread(helper.err_fd, buf, sizeof buf, off);
        if (n <= 0 || out.size() > (1u << 20))
            break;
        out.append(buf, static_cast<size_t>(n));
        off += n;
    }
    return out;
}

}  // namespace

void probe_init()
{
    if (std::getenv(helper_env))
        helper_main();
    ::setenv("BINARYEN_CORES", "1", 1);
    if (const char* mode = std::getenv("SCOUT_FUZZ_BINARYEN_EXITS");
        mode && std::string(mode) == "crash")
        probing_enabled = false;
    std::atexit(report_at_exit);
}

ProbeResult probe_binaryen(const scout::Bytes& wasm, std::string* message)
{
    if (!probing_enabled)
        return ProbeResult::survived;
    if (helper.pid < 0 && !start_helper())
        return ProbeResult::survived;
    const uint32_t size = static_cast<uint32_t>(wasm.size());
    char answer = 0;
    if (send_all(helper.sock, &size, sizeof size) &&
        send_all(helper.sock, wasm.data(), wasm.size()) && read_all(helper.sock, &answer, 1))
    {
        // Keep the helper's stderr file small; it writes with O_APPEND.
        if (::lseek(helper.err_fd, 0, SEEK_END) > (1 << 20))
            (void)!::ftruncate(helper.err_fd, 0);
        return ProbeResult::survived;
    }
    // The helper died on this input.
    ::close(helper.sock);
    int status = 0;
    while (::waitpid(helper.pid, &status, 0) < 0 && errno == EINTR)
    {}
    helper.pid = -1;
    const std::string err = helper_stderr();
    // In the helper only Binaryen and scout's two thin wrappers run, and the
    // wrappers catch every exception; a sanitizer report exits with 99. So
    // SIGABRT is Binaryen's assert() or WASM_UNREACHABLE, and exit code 1 its
    // Fatal(). Their message is on stderr when the parser stops; the
    // validator's goes into the std::cerr that validation_errors has
    // redirected to a string, and is lost.
    const bool binaryen_abort = WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
    const bool binaryen_fatal = WIFEXITED(status) && WEXITSTATUS(status) == 1;
    if (!binaryen_abort && !binaryen_fatal)
        return ProbeResult::other_death;
    *message = err.empty() ? std::string(binaryen_abort ? "SIGABRT" : "exit code 1") +
                                 ", no message (during validation: std::cerr was captured)\n"
                           : err;
    ++exits;
    save(wasm, *message);
    return ProbeResult::binaryen_exit;
}

}  // namespace scout_fuzz
