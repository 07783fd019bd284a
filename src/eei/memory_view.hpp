#pragma once
/// A bounds-checked view of a wasm instance's linear memory. The EEI is written
/// once against this view; every engine hands one to host functions.

#include "trap.hpp"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace scout {

/// One memory range a host function read or wrote (recorded for --trace).
struct MemoryAccess
{
    uint32_t ptr = 0;
    uint64_t length = 0;
    bool write = false;
};

class MemoryView
{
public:
    MemoryView() = default;
    MemoryView(uint8_t* data, size_t size) noexcept
      : data_(data)
      , size_(size)
    {}

    /// When set, every successful read() and write() is appended here.
    void record_to(std::vector<MemoryAccess>* accesses) noexcept { accesses_ = accesses; }

    size_t size() const noexcept { return size_; }

    /// Traps unless [ptr, ptr + length) lies inside memory. 64-bit arithmetic,
    /// so ptr + length cannot wrap for 32-bit wasm arguments.
    void check(uint32_t ptr, uint64_t length, const char* what) const
    {
        if (uint64_t{ptr} + length > size_)
            throw Trap(TrapKind::host,
                       std::string(what) + ": memory range [" + std::to_string(ptr) + ", " +
                           std::to_string(uint64_t{ptr} + length) +
                           ") is out of bounds (memory size " + std::to_string(size_) + ")");
    }

    /// Pointer to `length` readable bytes at ptr (checked).
    const uint8_t* read(uint32_t ptr, uint64_t length, const char* what) const
    {
        check(ptr, length, what);
        if (accesses_)
            accesses_->push_back({ptr, length, false});
        return data_ + ptr;
    }

    /// Copies `length` bytes from src to memory at ptr (checked).
    void write(uint32_t ptr, const uint8_t* src, uint64_t length, const char* what)
    {
        check(ptr, length, what);
        if (length != 0)
            std::memcpy(data_ + ptr, src, length);
        if (accesses_)
            accesses_->push_back({ptr, length, true});
    }

private:
    uint8_t* data_ = nullptr;
    size_t size_ = 0;
    std::vector<MemoryAccess>* accesses_ = nullptr;
};

}  // namespace scout
