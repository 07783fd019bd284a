#pragma once
/// Internal to the Binaryen engine: BlockHost, what one block's instance of a
/// module sees outside itself: its linear memory and tables, its imports
/// (EEI host functions, a library's exports) and how traps and limits end the
/// block.

#include "block_context.hpp"
#include "eei.hpp"
#include "memory_view.hpp"
#include "module_code.hpp"
#include "scout_runner.hpp"

#include <wasm-interpreter.h>
#include <wasm.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <unordered_map>
#include <vector>

namespace scout::binaryen {

/// The size of a wasm page, in bytes.
constexpr uint64_t page_size = wasm::Memory::kPageSize;

/// The ExternalInterface of one instance (a script's or a library's) for one
/// block: memory, tables, host calls, traps.
class BlockHost final : public wasm::ModuleRunnerBase<ScoutRunner>::ExternalInterface
{
public:
    /// `linked`: the block's library instances, for imports bound to them.
    /// `memory_owner`: the host whose memory host functions see (the library's,
    /// when the module imports its memory from one; null: this host's own).
    BlockHost(BlockContext& block, const Bindings& bindings, uint64_t max_memory_bytes,
              const LinkedInstances* linked = nullptr, BlockHost* memory_owner = nullptr)
      : block_(block)
      , bindings_(bindings)
      , max_memory_bytes_(max_memory_bytes)
      , linked_(linked)
      , memory_owner_(memory_owner ? memory_owner : this)
    {}

    /// The linear memory instances of this host see.
    std::vector<uint8_t>& memory() { return memory_owner_->memory_; }

    /// Calls an EEI function with raw arguments (one per parameter); returns
    /// the raw result.
    uint64_t call_host(const HostFunction& f, const uint64_t* raw_args)
    {
        auto& memory = memory_owner_->memory_;
        MemoryView view(memory.data(), memory.size());
        return call_host_function(f, block_, view, raw_args);
    }

    void init(wasm::Module& module, ScoutRunner&) override;
    void importGlobals(std::map<wasm::Name, wasm::Literals>&, wasm::Module&) override;
    wasm::Literals callImport(wasm::Function* import, wasm::Literals& arguments) override;
    wasm::Literals callTable(wasm::Name table_name, wasm::Index index, wasm::HeapType sig,
                             wasm::Literals& arguments, wasm::Type results,
                             ScoutRunner& instance) override;
    bool growMemory(wasm::Address, wasm::Address new_size) override;
    bool growTable(wasm::Name name, const wasm::Literal& value, wasm::Index,
                   wasm::Index new_size) override;
    wasm::Index tableSize(wasm::Name name) override;
    void tableStore(wasm::Name name, wasm::Index index, const wasm::Literal& entry) override;
    wasm::Literal tableLoad(wasm::Name name, wasm::Index index) override;
    // Never return (they throw Trap): said so, the analysis of callers knows.
    [[noreturn]] void trap(const char* why) override;
    [[noreturn]] void hostLimit(const char* why) override;
    void throwException(const wasm::WasmException&) override;

    // Binaryen bounds-checks every access against the memory size before it
    // calls these, so they only move bytes (memcpy: unaligned-safe).
    template <typename T> T get(wasm::Address addr)
    {
        T v;
        std::memcpy(&v, memory_.data() + addr.addr, sizeof(T));
        return v;
    }
    template <typename T> void set(wasm::Address addr, T v)
    {
        std::memcpy(memory_.data() + addr.addr, &v, sizeof(T));
    }

    int8_t load8s(wasm::Address a) override { return get<int8_t>(a); }
    uint8_t load8u(wasm::Address a) override { return get<uint8_t>(a); }
    int16_t load16s(wasm::Address a) override { return get<int16_t>(a); }
    uint16_t load16u(wasm::Address a) override { return get<uint16_t>(a); }
    int32_t load32s(wasm::Address a) override { return get<int32_t>(a); }
    uint32_t load32u(wasm::Address a) override { return get<uint32_t>(a); }
    int64_t load64s(wasm::Address a) override { return get<int64_t>(a); }
    uint64_t load64u(wasm::Address a) override { return get<uint64_t>(a); }
    std::array<uint8_t, 16> load128(wasm::Address a) override
    {
        return get<std::array<uint8_t, 16>>(a);
    }
    void store8(wasm::Address a, int8_t v) override { set(a, v); }
    void store16(wasm::Address a, int16_t v) override { set(a, v); }
    void store32(wasm::Address a, int32_t v) override { set(a, v); }
    void store64(wasm::Address a, int64_t v) override { set(a, v); }
    void store128(wasm::Address a, const std::array<uint8_t, 16>& v) override { set(a, v); }

private:
    BlockContext& block_;
    const Bindings& bindings_;
    uint64_t max_memory_bytes_;
    const LinkedInstances* linked_;
    BlockHost* memory_owner_;
    std::vector<uint8_t> memory_;
    std::unordered_map<wasm::Name, std::vector<wasm::Literal>> tables_;
};

}  // namespace scout::binaryen
