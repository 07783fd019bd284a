#pragma once
/// Ahead-of-time compilation support for engines that turn a module into native
/// code (wasm2c_engine.cpp): where compiled objects are cached, their keys,
/// running the external tools, and installing a finished object atomically.
///
/// The cache folder is $SCOUT_CACHE_DIR/<engine> when SCOUT_CACHE_DIR is set
/// (and not empty), else ${XDG_CACHE_HOME:-$HOME/.cache}/scout/<engine>.
/// Objects are named by their key (64 hex digits of a SHA-256) and written
/// under a temporary name first, then renamed into place, so that parallel
/// workers compiling the same module never see a partial file: the last
/// rename wins, and each one installs a complete, identical object.

#include "bytes.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace scout::aot {

/// The cache folder for `engine` (not created).
std::filesystem::path cache_dir(std::string_view engine);

/// Incremental SHA-256 (OpenSSL) of the parts of a cache key. Each part is
/// length-prefixed, so ("ab", "c") and ("a", "bc") differ.
class KeyHasher
{
public:
    KeyHasher();
    ~KeyHasher();
    KeyHasher(const KeyHasher&) = delete;
    KeyHasher& operator=(const KeyHasher&) = delete;

    KeyHasher& add(std::string_view part);
    KeyHasher& add(const Bytes& part);
    /// 64 lower-case hex digits; the hasher cannot be used afterwards.
    std::string hex();

private:
    void* ctx_;  // EVP_MD_CTX
};

/// SHA-256 of some bytes, as 64 lower-case hex digits.
std::string sha256_hex(std::string_view data);

/// What a finished command did.
struct CommandResult
{
    int exit_code = -1;  ///< -1: it could not be started or was killed
    std::string output;  ///< stdout and stderr together
};

/// Runs `argv` (argv[0] looked up in PATH), stdin from /dev/null, stdout and
/// stderr captured through `log_file` (created or truncated). Never uses a shell.
/// The command leads a process group of its own, killed whole when this
/// process is stopped (child_process.hpp), and dies with the calling thread.
CommandResult run_command(const std::vector<std::string>& argv,
                          const std::filesystem::path& log_file);

/// The first line of `program --version` ("" when it cannot be run).
std::string tool_identity(const std::string& program, const std::filesystem::path& scratch_dir);

/// The first line of `program --version`, remembered in `memo_dir` under a
/// stamp of the executable (its canonical path, size, modification time and
/// inode): a changed or replaced binary is asked again. "" when it cannot run.
std::string tool_identity_memoized(const std::string& program,
                                   const std::filesystem::path& memo_dir);

/// A fresh private folder inside `parent` (created with its parents), removed
/// with its contents by the destructor. Named .tmp-<pid>-XXXXXX, so that the
/// folder of a process killed before its destructor ran can be found and
/// removed (remove_orphan_scratch, remove_dead_scratch).
class ScratchDir
{
public:
    explicit ScratchDir(const std::filesystem::path& parent);
    ~ScratchDir();
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

/// Removes the scratch folders process `owner` left in `dir` and dir/tools
/// (the parent of a worker it killed calls this).
void remove_orphan_scratch(const std::filesystem::path& dir, pid_t owner);
/// Removes the scratch folders in `dir` and dir/tools of processes that no
/// longer exist.
void remove_dead_scratch(const std::filesystem::path& dir);

/// Moves `built` to `target` with rename(2) (atomic within one file system),
/// `built` synced to the disk first and the folder after: readers see either
/// no file or a complete one, also after a crash. Throws std::runtime_error.
void install_atomically(const std::filesystem::path& built, const std::filesystem::path& target);

/// Appends to `object` its seal: a line "scout-sha256:" with 64 hex digits
/// of a SHA-256 over `key` and the object's bytes. The dynamic loader ignores
/// bytes past an ELF object's last section, so a sealed object loads as it is.
void seal_object(const std::filesystem::path& object, std::string_view key);
/// "" when `object` ends with the seal of its own bytes under `key`; else why
/// not (truncated, changed, another key's object, unreadable).
std::string check_sealed_object(const std::filesystem::path& object, std::string_view key);

void write_text(const std::filesystem::path& path, std::string_view text);
std::string read_text(const std::filesystem::path& path);

}  // namespace scout::aot
