#include "file_read.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace scout {

Bytes read_regular_file(const std::filesystem::path& path, uintmax_t max_bytes)
{
    // O_NONBLOCK: opening a FIFO nobody writes to returns at once (and the
    // check below refuses it) instead of waiting for a writer.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        throw FileReadError(FileReadError::Kind::cannot_open,
                            errno == ENOENT ? std::string("not found")
                                            : std::string("cannot open: ") + std::strerror(errno));
    struct Closer
    {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st
    {};
    if (::fstat(fd, &st) != 0)
        throw FileReadError(FileReadError::Kind::cannot_read,
                            std::string("cannot stat: ") + std::strerror(errno));
    if (S_ISDIR(st.st_mode))
        throw FileReadError(FileReadError::Kind::not_a_file, "is a folder, not a file");
    if (!S_ISREG(st.st_mode))
        throw FileReadError(FileReadError::Kind::not_a_file,
                            "is not a regular file (a FIFO, socket or device)");
    const auto mib = [](uintmax_t n) { return std::to_string(n >> 20) + " MiB"; };
    if (static_cast<uintmax_t>(st.st_size) > max_bytes)
        throw FileReadError(FileReadError::Kind::too_big,
                            "is " + mib(static_cast<uintmax_t>(st.st_size)) +
                                ", more than the limit of " + mib(max_bytes));
    Bytes bytes(static_cast<size_t>(st.st_size));
    size_t done = 0;
    while (true)
    {
        if (done == bytes.size())
        {
            if (bytes.size() >= max_bytes)
            {
                // At the cap: one more byte means the file grew past it.
                uint8_t extra = 0;
                const ssize_t n = ::read(fd, &extra, 1);
                if (n > 0)
                    throw FileReadError(FileReadError::Kind::too_big, "grew past the limit of " +
                                                                          mib(max_bytes) +
                                                                          " while it was read");
                break;
            }
            bytes.resize(std::min<uintmax_t>(max_bytes, bytes.size() + (size_t{1} << 16)));
        }
        const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw FileReadError(FileReadError::Kind::cannot_read,
                                std::string("cannot read: ") + std::strerror(errno));
        if (n == 0)
            break;
        done += static_cast<size_t>(n);
    }
    bytes.resize(done);
    return bytes;
}

}  // namespace scout
