#pragma once
/// Byte containers shared by the vector model, the EEI and the runner.

#include <array>
#include <cstdint>
#include <vector>

namespace scout {

/// A variable-length byte string (block data, deposits, wasm binaries).
using Bytes = std::vector<uint8_t>;

/// A 32-byte state root.
using Bytes32 = std::array<uint8_t, 32>;

}  // namespace scout
