#pragma once
/// Child processes that never outlive scout: workers (isolation.hpp) and the
/// C compiler of the wasm2c engine (aot_cache.hpp).
///
/// - spawn() forks and, in the child, before exec: optionally makes it the
///   leader of a process group of its own (so a compiler driver and its cc1
///   and as can be killed together), asks the kernel to send it a signal when
///   the thread that started it ends (PR_SET_PDEATHSIG), then checks that its
///   parent is still the process that started it (a parent that died before
///   the prctl would never send it): if not, the child exits at once.
/// - A started child is tracked (Tracked) until it has exited, so that
///   signal_children() (async-signal-safe) can reach every live one, and its
///   whole group when it leads one.
/// - install_interrupt_handlers(): SIGTERM, SIGINT and SIGHUP stop every
///   tracked child; then either the process dies of the signal itself (a
///   worker; an in-process run, whose blocks cannot be interrupted), or it
///   carries on (an isolated run: interrupted() says so, the suite reports
///   what finished). A second signal always ends the process.

#include <csignal>
#include <filesystem>
#include <string>
#include <sys/types.h>
#include <vector>

namespace scout::child {

struct SpawnOptions
{
    /// The executable; when empty, argv[0], looked up in PATH when it holds no '/'.
    std::string program;
    /// The child leads a new process group (its id is the child's pid).
    bool own_group = false;
    /// Sent to the child when the thread that started it ends (0: none).
    int death_signal = SIGKILL;
    /// Standard input from /dev/null (else inherited).
    bool stdin_null = true;
    /// >= 0: becomes the child's standard output.
    int stdout_fd = -1;
    /// Not empty: standard output and error go to this file (created or truncated, 0600).
    std::filesystem::path output_file;
};

/// The path of the executable `program` names (a path, or a name looked up in
/// PATH); empty when there is none.
std::string find_program(const std::string& program);

/// Starts `argv`. Throws std::runtime_error when the program is not found or
/// fork() fails. The child is not tracked: wrap it in a Tracked at once.
pid_t spawn(const std::vector<std::string>& argv, const SpawnOptions& options);

/// Keeps a started child reachable by signal_children() until wait() or the
/// destructor (which kills it with SIGKILL, its group too, and reaps it).
class Tracked
{
public:
    Tracked(pid_t pid, bool group);
    ~Tracked();
    Tracked(const Tracked&) = delete;
    Tracked& operator=(const Tracked&) = delete;

    pid_t pid() const { return pid_; }
    /// Sends `sig` to the child, or to its whole group when it leads one.
    void signal(int sig) const;
    /// Waits until the child exits, stops tracking it, reaps it; returns its
    /// waitpid status. After this, signal() does nothing.
    int wait();

private:
    pid_t pid_;
    bool group_;
    int slot_ = -1;
    bool reaped_ = false;
};

/// Sends `sig` to every tracked child (to its group when it leads one).
/// Async-signal-safe.
void signal_children(int sig);

enum class OnInterrupt
{
    die,       ///< stop the children, then die of the signal
    carry_on,  ///< stop the children (SIGTERM), remember the signal, go on
};

/// Installs the handlers of SIGTERM, SIGINT and SIGHUP for this process
/// (replacing any earlier installation's mode).
void install_interrupt_handlers(OnInterrupt mode);

/// The signal that interrupted the run (carry_on mode); 0 when none.
int interrupted();

/// "SIGTERM", "SIGINT", ...
std::string signal_name(int sig);

}  // namespace scout::child
