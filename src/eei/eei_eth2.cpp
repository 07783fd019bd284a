/// Module eth2: the core of the phase 2 EEI (ewasm/scout, scout.ts, scout.cpp).

#include "eei_groups.hpp"

#include <string>

namespace scout::eei {
namespace {

constexpr auto i32 = ValType::i32;

Value load_pre_state_root(BlockContext& block, MemoryView& memory, const Value* args)
{
    memory.write(args[0].i32(), block.pre_state.data(), block.pre_state.size(),
                 "eth2.loadPreStateRoot");
    return {};
}

Value block_data_size(BlockContext& block, MemoryView&, const Value*)
{
    return Value::from_i32(static_cast<uint32_t>(block.block_data->size()));
}

// Copies block[offset, offset + length). ewasm/scout sliced [offset, length),
// which is wrong for any offset other than 0; this is the documented fix.
Value block_data_copy(BlockContext& block, MemoryView& memory, const Value* args)
{
    const uint32_t ptr = args[0].i32();
    const uint64_t offset = args[1].i32();
    const uint64_t length = args[2].i32();
    const Bytes& data = *block.block_data;
    if (offset + length > data.size())
        throw Trap(TrapKind::host,
                   "eth2.blockDataCopy: block data range [" + std::to_string(offset) + ", " +
                       std::to_string(offset + length) + ") is out of bounds (block data size " +
                       std::to_string(data.size()) + ")");
    memory.write(ptr, data.data() + offset, length, "eth2.blockDataCopy");
    return {};
}

Value save_post_state_root(BlockContext& block, MemoryView& memory, const Value* args)
{
    const uint8_t* src = memory.read(args[0].i32(), 32, "eth2.savePostStateRoot");
    std::copy(src, src + 32, block.post_state.begin());
    block.post_state_saved = true;
    return {};
}

Value push_new_deposit(BlockContext& block, MemoryView& memory, const Value* args)
{
    const uint32_t length = args[1].i32();
    const uint8_t* src = memory.read(args[0].i32(), length, "eth2.pushNewDeposit");
    auto deposit = Deposit::decode(src, length, block.deposit_layout);
    if (!deposit)
        throw Trap(TrapKind::host, "eth2.pushNewDeposit: a deposit is " +
                                       std::to_string(Deposit::encoded_size) +
                                       " bytes (pubkey 48, withdrawal_credentials 32, amount 8, "
                                       "signature 96), got " +
                                       std::to_string(length));
    if (block.deposits.size() >= block.max_deposits)
        throw Trap(TrapKind::resource,
                   "eth2.pushNewDeposit: more than " + std::to_string(block.max_deposits) +
                       " deposits in one block (" +
                       std::to_string(block.max_deposits * Deposit::encoded_size) +
                       " bytes; --max-deposits)");
    if (block.file_deposits_before + block.deposits.size() >= block.max_file_deposits)
        throw Trap(TrapKind::resource, "eth2.pushNewDeposit: more than " +
                                           std::to_string(block.max_file_deposits) +
                                           " deposits in one file (the per-file limit)");
    block.deposits.push_back(*deposit);
    return {};
}

Value use_ticks(BlockContext& block, MemoryView&, const Value* args)
{
    block.ticks_used += args[0].i32();
    if (block.ticks_used > block.tick_budget)
        throw Trap(TrapKind::out_of_ticks,
                   "eth2.useTicks: tick budget of " + std::to_string(block.tick_budget) +
                       " exhausted (" + std::to_string(block.ticks_used) + " ticks requested)");
    return {};
}

}  // namespace

std::vector<HostFunction> eth2_functions()
{
    return {
        {"eth2", "loadPreStateRoot", {{i32}, {}}, load_pre_state_root},
        {"eth2", "blockDataSize", {{}, {i32}}, block_data_size},
        {"eth2", "blockDataCopy", {{i32, i32, i32}, {}}, block_data_copy},
        {"eth2", "savePostStateRoot", {{i32}, {}}, save_post_state_root},
        {"eth2", "pushNewDeposit", {{i32, i32}, {}}, push_new_deposit},
        {"eth2", "useTicks", {{i32}, {}}, use_ticks},
    };
}

}  // namespace scout::eei
