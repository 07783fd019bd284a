/// Module debug: printing from scripts (ewasm/scout, scout.ts). Output goes to
/// the block's debug_output, which the report tags with file, block and env.

#include "eei_groups.hpp"
#include "hex.hpp"

#include <string>

namespace scout::eei {
namespace {

constexpr auto i32 = ValType::i32;
constexpr auto i64 = ValType::i64;

/// Longest memory range shown by printMem/printMemHex; longer ones are cut
/// with a note, so one call cannot flood the report.
constexpr uint32_t max_shown_bytes = 4096;

Value print32(BlockContext& block, MemoryView&, const Value* args)
{
    const uint32_t v = args[0].i32();
    block.add_debug("print32: " + std::to_string(v) + " (i32 " +
                    std::to_string(static_cast<int32_t>(v)) + ")");
    return {};
}

Value print64(BlockContext& block, MemoryView&, const Value* args)
{
    const uint64_t v = args[0].i64();
    block.add_debug("print64: " + std::to_string(v) + " (i64 " +
                    std::to_string(static_cast<int64_t>(v)) + ")");
    return {};
}

std::string cut_note(uint32_t length)
{
    return length > max_shown_bytes ? " ... (" + std::to_string(length) + " bytes, first " +
                                          std::to_string(max_shown_bytes) + " shown)"
                                    : "";
}

Value print_mem(BlockContext& block, MemoryView& memory, const Value* args)
{
    const uint32_t length = args[1].i32();
    const uint8_t* p = memory.read(args[0].i32(), length, "debug.printMem");
    const std::string text = printable(std::string(p, p + std::min(length, max_shown_bytes)));
    block.add_debug("printMem: \"" + text + "\"" + cut_note(length));
    return {};
}

Value print_mem_hex(BlockContext& block, MemoryView& memory, const Value* args)
{
    const uint32_t length = args[1].i32();
    const uint8_t* p = memory.read(args[0].i32(), length, "debug.printMemHex");
    block.add_debug("printMemHex: " + to_hex(p, std::min(length, max_shown_bytes)) +
                    cut_note(length));
    return {};
}

}  // namespace

std::vector<HostFunction> debug_functions()
{
    return {
        {"debug", "print32", {{i32}, {}}, print32},
        {"debug", "print64", {{i64}, {}}, print64},
        {"debug", "printMem", {{i32, i32}, {}}, print_mem},
        {"debug", "printMemHex", {{i32, i32}, {}}, print_mem_hex},
    };
}

}  // namespace scout::eei
