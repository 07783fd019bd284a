#pragma once
/// The prime fields of the websnark-style Montgomery host functions
/// (module bignum, f1m_* and int_*): which one a run uses, and its constants.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace scout {

enum class FieldId : uint8_t
{
    bn128,      ///< alt_bn128 base field, 32-byte operands, R = 2^256 (the default)
    secp256k1,  ///< secp256k1 base field, 32-byte operands, R = 2^256
    bls12_381,  ///< BLS12-381 base field, 48-byte operands, R = 2^384
};

/// "bn128", "secp256k1", "bls12-381".
const char* to_string(FieldId field);

/// Parses the names above (also "bls12_381", "bls12381", "alt_bn128"); nullopt otherwise.
std::optional<FieldId> parse_field(std::string_view name);

/// Operand width in bytes: 32, or 48 for BLS12-381.
size_t field_width(FieldId field);

}  // namespace scout
