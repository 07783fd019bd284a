#pragma once
/// Helpers shared by the unit tests: temporary folders, files, and wasm
/// modules compiled from WAT text with wabt's wat2wasm at test time.

#include "bytes.hpp"

#include <openssl/sha.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>

namespace scout_test {

namespace fs = std::filesystem;

/// A fresh folder under the system temp folder, removed with its contents.
class TempDir
{
public:
    TempDir()
    {
        static std::atomic<unsigned> counter{0};
        std::random_device rd;
        for (int attempt = 0; attempt < 100; ++attempt)
        {
            const auto name = "scout-unit-" + std::to_string(::getpid()) + "-" +
                              std::to_string(counter++) + "-" + std::to_string(rd());
            const auto candidate = fs::temp_directory_path() / name;
            if (fs::create_directory(candidate))
            {
                path_ = candidate;
                return;
            }
        }
        throw std::runtime_error("cannot create a temporary folder");
    }
    ~TempDir()
    {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const fs::path& path() const { return path_; }
    fs::path operator/(const fs::path& p) const { return path_ / p; }

private:
    fs::path path_;
};

/// Changes the current directory for the lifetime of the object.
class ScopedChdir
{
public:
    explicit ScopedChdir(const fs::path& to)
      : previous_(fs::current_path())
    {
        fs::current_path(to);
    }
    ~ScopedChdir()
    {
        std::error_code ec;
        fs::current_path(previous_, ec);
    }
    ScopedChdir(const ScopedChdir&) = delete;
    ScopedChdir& operator=(const ScopedChdir&) = delete;

private:
    fs::path previous_;
};

inline void write_file(const fs::path& path, const std::string& text)
{
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out)
        throw std::runtime_error("cannot write " + path.string());
}

inline void write_file(const fs::path& path, const scout::Bytes& bytes)
{
    write_file(path, std::string(bytes.begin(), bytes.end()));
}

inline scout::Bytes read_file(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read " + path.string());
    return scout::Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

/// Compiles WAT text with /usr/bin/wat2wasm (`flags` are extra options, e.g.
/// "--no-check"). Throws std::runtime_error when wat2wasm fails.
inline scout::Bytes wat(const std::string& text, const std::string& flags = "")
{
    TempDir dir;
    const auto in = dir / "module.wat";
    const auto out = dir / "module.wasm";
    const auto log = dir / "wat2wasm.log";
    write_file(in, text);
    const std::string command = "/usr/bin/wat2wasm " + flags + " '" + in.string() + "' -o '" +
                                out.string() + "' > '" + log.string() + "' 2>&1";
    if (std::system(command.c_str()) != 0)
    {
        const auto msg = read_file(log);
        throw std::runtime_error("wat2wasm failed: " + std::string(msg.begin(), msg.end()));
    }
    return read_file(out);
}

/// SHA-256 of a string, computed with OpenSSL (independent of the harness).
inline scout::Bytes32 sha256(const std::string& text)
{
    scout::Bytes32 out{};
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), out.data());
    return out;
}

/// Lower-case hex of bytes, written here so the tests do not depend on the
/// harness's own encoder for expected values.
template <typename Container> std::string hex_of(const Container& bytes)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (uint8_t b : bytes)
    {
        out += digits[b >> 4];
        out += digits[b & 0xf];
    }
    return out;
}

/// 32 bytes of `byte`: a root that is easy to recognise.
inline scout::Bytes32 filled(uint8_t byte)
{
    scout::Bytes32 r{};
    r.fill(byte);
    return r;
}

/// Whether `text` contains `part`.
inline bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

/// WAT of a module importing eth2.savePostStateRoot ($save) and exporting a
/// 1-page memory, with `body` as main and `extra` as more module fields.
inline std::string script(const std::string& body, const std::string& extra = "")
{
    return "(module\n"
           "  (import \"eth2\" \"savePostStateRoot\" (func $save (param i32)))\n"
           "  (memory (export \"memory\") 1)\n" +
           extra + "\n  (func (export \"main\")\n" + body + "))\n";
}

/// WAT: main saves the pre-state root unchanged, imports in the eth2 module style.
inline const std::string copy_eth2_style = R"((module
  (import "eth2" "loadPreStateRoot" (func $load (param i32)))
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (call $load (i32.const 0))
    (call $save (i32.const 0))))
)";

/// The same in the env style (eth2_ prefixed names), through address 64.
inline const std::string copy_env_style = R"((module
  (import "env" "eth2_loadPreStateRoot" (func $load (param i32)))
  (import "env" "eth2_savePostStateRoot" (func $save (param i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (call $load (i32.const 64))
    (call $save (i32.const 64))))
)";

}  // namespace scout_test
