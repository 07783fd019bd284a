#pragma once
/// Writing files so that no failure loses or corrupts what was there: every
/// write goes to a temporary file in the same folder, every write, flush,
/// fsync and close is checked, and only a complete file is renamed over the
/// old one (then the folder is synced). On any failure the old file is as it
/// was, the temporary is removed, and a WriteError says what failed.

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace scout {

/// A file could not be written; the message names it and the failing step.
class WriteError : public std::runtime_error
{
public:
    WriteError(const std::string& file, const std::string& reason)
      : std::runtime_error(file + ": " + reason)
      , reason_(reason)
    {}
    /// The message without the file name.
    const std::string& reason() const { return reason_; }

private:
    std::string reason_;
};

/// Replaces the content of the existing file `path` with `data`. A symbolic
/// link is followed: its target is replaced and the link stays. The new file
/// keeps the old one's permission bits. A file its owner may not write
/// (read-only) is refused.
void replace_file_contents(const std::filesystem::path& path, std::string_view data);

/// Whether `a` and `b` are the same file (device and inode, through symbolic
/// links); false when either does not exist.
bool same_file(const std::filesystem::path& a, const std::filesystem::path& b);

/// A file written as a stream and put in place only when complete: a report
/// given with --output. Until commit() the target is untouched; an
/// AtomicOutputFile destroyed without commit() removes its temporary file.
/// A target that exists and is not a regular file (a device, a pipe) is
/// written in place, its writes still checked.
class AtomicOutputFile
{
public:
    /// Creates the temporary file beside `path`. Throws WriteError.
    explicit AtomicOutputFile(std::filesystem::path path);
    ~AtomicOutputFile();
    AtomicOutputFile(const AtomicOutputFile&) = delete;
    AtomicOutputFile& operator=(const AtomicOutputFile&) = delete;

    std::ostream& stream() { return out_; }
    const std::filesystem::path& path() const { return path_; }

    /// Flushes, syncs and closes the temporary file, checking each step, and
    /// renames it over the target. Throws WriteError (the target untouched).
    void commit();

private:
    std::filesystem::path path_;
    std::filesystem::path temp_;
    std::ofstream out_;
    bool committed_ = false;
    bool direct_ = false;  ///< a device or pipe, written in place
};

}  // namespace scout
