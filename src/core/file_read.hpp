#pragma once
/// Reading the files a run is given (vectors, scripts, libraries, modules to
/// inspect): one guarded reader for every command, so none of them can be
/// made to block on a FIFO, read /dev/zero until memory runs out, or choke on
/// a folder.

#include "bytes.hpp"

#include <cstdint>
#include <filesystem>
#include <stdexcept>

namespace scout {

/// A file could not be read; what() is the reason, without the file name
/// (callers add the file and the line that named it).
class FileReadError : public std::runtime_error
{
public:
    enum class Kind
    {
        cannot_open,  ///< missing, or no permission
        not_a_file,   ///< a folder, FIFO, socket or device
        too_big,      ///< over the size cap
        cannot_read,  ///< an I/O error while reading
    };
    FileReadError(Kind kind, const std::string& reason)
      : std::runtime_error(reason)
      , kind(kind)
    {}
    Kind kind;
};

/// The whole content of `path`, which must be a regular file of at most
/// `max_bytes`. The file is opened without blocking and checked on the open
/// descriptor (a folder, FIFO, socket or device is refused; so is a file that
/// grows past the cap while it is read). Throws FileReadError.
Bytes read_regular_file(const std::filesystem::path& path, uintmax_t max_bytes);

}  // namespace scout
