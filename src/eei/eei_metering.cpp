/// Module metering: the host side of gas metering (metering.hpp). Metered
/// modules call useGas at the entry of every straight-line region.

#include "eei_groups.hpp"

#include <string>

namespace scout::eei {
namespace {

Value use_gas(BlockContext& block, MemoryView&, const Value* args)
{
    const uint64_t cost = args[0].i64();
    // Saturating: a cost near 2^64 must not wrap the count back under the limit.
    block.gas_used = cost > UINT64_MAX - block.gas_used ? UINT64_MAX : block.gas_used + cost;
    if (block.gas_used > block.gas_limit)
        throw Trap(TrapKind::out_of_gas, "out of gas: gas limit of " +
                                             std::to_string(block.gas_limit) + " exceeded (" +
                                             std::to_string(block.gas_used) + " charged)");
    return {};
}

}  // namespace

std::vector<HostFunction> metering_functions()
{
    return {{"metering", "useGas", {{ValType::i64}, {}}, use_gas}};
}

}  // namespace scout::eei
