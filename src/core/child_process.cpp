#include "child_process.hpp"

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <pthread.h>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace scout::child {
namespace {

/// Tracked children: a pid, or minus the pid of a group leader; 0 is free.
/// Fixed and lock-free, so that signal handlers can read it.
constexpr int max_tracked = 4096;
std::atomic<pid_t> tracked[max_tracked];

/// The process whose handlers these are: a child between fork and exec still
/// has them, and must not signal its parent's children.
std::atomic<pid_t> handler_owner{0};
std::atomic<int> handler_mode{0};  // OnInterrupt
std::atomic<int> interrupted_by{0};

constexpr int handled_signals[] = {SIGTERM, SIGINT, SIGHUP};

void die_of(int sig)
{
    struct sigaction sa = {};
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    ::sigaction(sig, &sa, nullptr);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
    ::raise(sig);
    ::_exit(128 + sig);
}

void on_signal(int sig)
{
    const int saved_errno = errno;
    if (::getpid() != handler_owner.load())
        ::_exit(128 + sig);  // a child that has not reached exec yet
    int expected = 0;
    const bool first = interrupted_by.compare_exchange_strong(expected, sig);
    if (!first || handler_mode.load() == static_cast<int>(OnInterrupt::die))
    {
        // Workers die at once; so does an in-process run, and any run on a
        // second signal. Their children first: no worker, compiler or cc1
        // outlives this process.
        signal_children(SIGKILL);
        die_of(sig);
    }
    // An isolated run: stop the workers, which stop their compilers; the
    // suite sees them end and reports what finished.
    signal_children(SIGTERM);
    errno = saved_errno;
}

}  // namespace

std::string find_program(const std::string& program)
{
    if (program.empty())
        return {};
    if (program.find('/') != std::string::npos)
        return ::access(program.c_str(), X_OK) == 0 ? program : std::string();
    const char* path = std::getenv("PATH");
    const std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
    size_t start = 0;
    while (start <= dirs.size())
    {
        const size_t end = std::min(dirs.find(':', start), dirs.size());
        // The folder, "/", the name: one string built in place, returned by move.
        std::string candidate = dirs.substr(start, end - start);
        if (candidate.empty())
            candidate = ".";
        candidate.append("/").append(program);
        struct stat st;
        if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
            ::access(candidate.c_str(), X_OK) == 0)
            return candidate;
        start = end + 1;
    }
    return {};
}

pid_t spawn(const std::vector<std::string>& argv, const SpawnOptions& options)
{
    if (argv.empty())
        throw std::runtime_error("nothing to run");
    const std::string path = find_program(options.program.empty() ? argv[0] : options.program);
    if (path.empty())
        throw std::runtime_error(argv[0] + ": not found");
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);

    // Everything the child needs is ready before fork(): after it, the child
    // of a threaded process may only make async-signal-safe calls.
    int out_fd = -1;
    if (!options.output_file.empty())
    {
        out_fd =
            ::open(options.output_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (out_fd < 0)
            throw std::runtime_error("cannot create " + options.output_file.string() + ": " +
                                     std::strerror(errno));
    }
    const int null_fd = options.stdin_null ? ::open("/dev/null", O_RDONLY | O_CLOEXEC) : -1;
    const pid_t parent = ::getpid();

    // No handler may run in the child before it resets them.
    sigset_t all, previous;
    sigfillset(&all);
    ::pthread_sigmask(SIG_SETMASK, &all, &previous);
    const pid_t pid = ::fork();
    if (pid == 0)
    {
        struct sigaction dfl = {};
        dfl.sa_handler = SIG_DFL;
        sigemptyset(&dfl.sa_mask);
        for (int sig : handled_signals)
            ::sigaction(sig, &dfl, nullptr);
        if (options.own_group)
            ::setpgid(0, 0);
        if (options.death_signal != 0)
            ::prctl(PR_SET_PDEATHSIG, options.death_signal);
        // The parent may have died before the prctl: then no signal would come.
        if (::getppid() != parent)
            ::_exit(127);
        if (null_fd >= 0)
            ::dup2(null_fd, STDIN_FILENO);
        if (options.stdout_fd >= 0)
            ::dup2(options.stdout_fd, STDOUT_FILENO);
        if (out_fd >= 0)
        {
            ::dup2(out_fd, STDOUT_FILENO);
            ::dup2(out_fd, STDERR_FILENO);
        }
        sigset_t none;
        sigemptyset(&none);
        ::pthread_sigmask(SIG_SETMASK, &none, nullptr);
        ::execve(path.c_str(), args.data(), environ);
        ::_exit(127);
    }
    const int fork_errno = errno;
    ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    if (out_fd >= 0)
        ::close(out_fd);
    if (null_fd >= 0)
        ::close(null_fd);
    if (pid < 0)
        throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(fork_errno));
    if (options.own_group)
        ::setpgid(pid, pid);  // as the child does: whichever runs first
    return pid;
}

Tracked::Tracked(pid_t pid, bool group)
  : pid_(pid)
  , group_(group)
{
    const pid_t value = group ? -pid : pid;
    for (int i = 0; i < max_tracked; ++i)
    {
        pid_t free = 0;
        if (tracked[i].compare_exchange_strong(free, value))
        {
            slot_ = i;
            break;
        }
    }
    // Interrupted before it was tracked: the handler could not reach it. (With
    // all slots taken, a child is not tracked: it still dies with its thread.)
    if (interrupted() != 0)
        signal(SIGTERM);
}

Tracked::~Tracked()
{
    if (reaped_)
        return;
    signal(SIGKILL);
    wait();
}

void Tracked::signal(int sig) const
{
    if (reaped_ || sig == 0)
        return;
    ::kill(group_ ? -pid_ : pid_, sig);
    if (group_)
        ::kill(pid_, sig);  // the leader, should it have left the group
}

int Tracked::wait()
{
    if (reaped_)
        return 0;
    // Exited but not reaped yet: its pid cannot be reused while it is tracked.
    siginfo_t info;
    while (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR)
    {}
    if (group_)
        ::kill(-pid_, SIGKILL);  // what the leader left behind (a compiler's cc1)
    if (slot_ >= 0)
        tracked[slot_].store(0);
    slot_ = -1;
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR)
    {}
    reaped_ = true;
    return status;
}

void signal_children(int sig)
{
    for (auto& t : tracked)
    {
        const pid_t v = t.load();
        if (v > 0)
            ::kill(v, sig);
        else if (v < 0)
        {
            ::kill(v, sig);  // the group
            ::kill(-v, sig);
        }
    }
}

void install_interrupt_handlers(OnInterrupt mode)
{
    handler_mode.store(static_cast<int>(mode));
    handler_owner.store(::getpid());
    struct sigaction sa = {};
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    for (int sig : handled_signals)
        sigaddset(&sa.sa_mask, sig);
    for (int sig : handled_signals)
        ::sigaction(sig, &sa, nullptr);
}

int interrupted()
{
    return interrupted_by.load();
}

std::string signal_name(int sig)
{
    const char* abbrev = sigabbrev_np(sig);
    return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

}  // namespace scout::child
