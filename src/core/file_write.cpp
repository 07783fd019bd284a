#include "file_write.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace scout {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const fs::path& file, const std::string& step, int error)
{
    throw WriteError(file.string(), step + ": " + std::strerror(error));
}

/// A unique temporary file beside `target` (mkstemp), opened for writing.
int make_temp(const fs::path& target, fs::path& temp)
{
    std::string pattern = target.string() + ".scout-XXXXXX";
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    const int fd = ::mkstemp(name.data());
    if (fd < 0)
        fail(target, "cannot create a temporary file beside it", errno);
    temp = fs::path(name.data());
    return fd;
}

/// fsync of the folder holding `file`, so that a rename survives a crash.
void sync_folder(const fs::path& file)
{
    const fs::path folder = file.has_parent_path() ? file.parent_path() : fs::path(".");
    const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return;  // the rename happened; only its durability is unconfirmed
    ::fsync(fd);
    ::close(fd);
}

/// Syncs, closes and renames `temp` (open as `fd`) over `target`; removes
/// `temp` and throws on any failure.
void finish(int fd, const fs::path& temp, const fs::path& target)
{
    int error = 0;
    std::string step;
    if (::fsync(fd) != 0)
    {
        error = errno;
        step = "cannot sync";
    }
    if (::close(fd) != 0 && error == 0)
    {
        error = errno;
        step = "cannot close";
    }
    if (error == 0 && ::rename(temp.c_str(), target.c_str()) != 0)
    {
        error = errno;
        step = "cannot rename the new content into place";
    }
    if (error != 0)
    {
        ::unlink(temp.c_str());
        fail(target, step + " (the old file is unchanged)", error);
    }
    sync_folder(target);
}

}  // namespace

void replace_file_contents(const fs::path& path, std::string_view data)
{
    std::error_code ec;
    const fs::path target = fs::canonical(path, ec);  // through symbolic links
    if (ec)
        fail(path, "cannot resolve", ec.value());
    struct stat st
    {};
    if (::stat(target.c_str(), &st) != 0)
        fail(target, "cannot stat", errno);
    if (!S_ISREG(st.st_mode))
        throw WriteError(target.string(), "not a regular file");
    // Read-only: no write permission for this user, or (for root, whom
    // access(2) lets write anything) no write bit at all.
    if (::access(target.c_str(), W_OK) != 0 || (st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0)
        throw WriteError(target.string(), "the file is read-only; scout does not rewrite it");

    fs::path temp;
    const int fd = make_temp(target, temp);
    const auto abandon = [&](const std::string& step, int error) {
        ::close(fd);
        ::unlink(temp.c_str());
        fail(target, step + " (the old file is unchanged)", error);
    };
    if (::fchmod(fd, st.st_mode & 07777) != 0)
        abandon("cannot set the permissions of the new content", errno);
    // (Owner and group stay the writer's: only root could give the file to
    // another user, and scout does not run as another user's file keeper.)
    size_t done = 0;
    while (done < data.size())
    {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            abandon("cannot write the new content", n < 0 ? errno : EIO);
        done += static_cast<size_t>(n);
    }
    finish(fd, temp, target);
}

bool same_file(const fs::path& a, const fs::path& b)
{
    struct stat sa
    {};
    struct stat sb
    {};
    return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

AtomicOutputFile::AtomicOutputFile(fs::path path)
  : path_(std::move(path))
{
    std::error_code ec;
    if (fs::exists(path_, ec) && !fs::is_regular_file(path_, ec))
    {
        // A device or a pipe (/dev/stdout, a FIFO): written in place, since
        // nothing can be renamed over it; every write is still checked.
        direct_ = true;
        out_.open(path_, std::ios::binary | std::ios::trunc);
        if (!out_)
            fail(path_, "cannot open for writing", errno);
        return;
    }
    const int fd = make_temp(path_, temp_);
    // mkstemp makes 0600; a report is an ordinary file (0666 less the umask).
    const mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(fd, 0666 & ~mask);
    ::close(fd);
    out_.open(temp_, std::ios::binary | std::ios::trunc);
    if (!out_)
    {
        const int error = errno;
        ::unlink(temp_.c_str());
        fail(path_, "cannot write the temporary file " + temp_.string(), error);
    }
}

AtomicOutputFile::~AtomicOutputFile()
{
    if (!committed_ && !direct_)
    {
        out_.close();
        ::unlink(temp_.c_str());
    }
}

void AtomicOutputFile::commit()
{
    out_.flush();
    const bool written = static_cast<bool>(out_);
    out_.close();
    if (direct_)
    {
        committed_ = true;
        if (!written || out_.fail())
            throw WriteError(path_.string(), "cannot write the report");
        return;
    }
    if (!written || out_.fail())
    {
        ::unlink(temp_.c_str());
        committed_ = true;
        throw WriteError(path_.string(), std::string("cannot write the report (disk full?); ") +
                                             (fs::exists(path_) ? "the old file is unchanged"
                                                                : "nothing was written"));
    }
    committed_ = true;  // from here the temporary is finish()'s to remove
    const int fd = ::open(temp_.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
    {
        const int error = errno;
        ::unlink(temp_.c_str());
        fail(path_, "cannot reopen the temporary file", error);
    }
    finish(fd, temp_, path_);
}

}  // namespace scout
