#include "field.hpp"

namespace scout {

const char* to_string(FieldId field)
{
    switch (field)
    {
    case FieldId::secp256k1:
        return "secp256k1";
    case FieldId::bls12_381:
        return "bls12-381";
    default:
        return "bn128";
    }
}

std::optional<FieldId> parse_field(std::string_view name)
{
    if (name == "bn128" || name == "alt_bn128" || name == "bn254")
        return FieldId::bn128;
    if (name == "secp256k1")
        return FieldId::secp256k1;
    if (name == "bls12-381" || name == "bls12_381" || name == "bls12381")
        return FieldId::bls12_381;
    return std::nullopt;
}

size_t field_width(FieldId field)
{
    return field == FieldId::bls12_381 ? 48 : 32;
}

}  // namespace scout
