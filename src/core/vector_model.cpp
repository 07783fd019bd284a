#include "vector_model.hpp"

#include <cstring>

namespace scout {

const char* to_string(DepositLayout layout)
{
    return layout == DepositLayout::ssz ? "ssz" : "ewasm";
}

std::string describe(DepositLayout layout)
{
    return layout == DepositLayout::ssz ? "ssz (amount little-endian, as SSZ)"
                                        : "ewasm (amount big-endian, as ewasm/scout)";
}

std::optional<DepositLayout> parse_deposit_layout(const std::string& name)
{
    if (name == "ewasm")
        return DepositLayout::ewasm;
    if (name == "ssz")
        return DepositLayout::ssz;
    return std::nullopt;
}

std::optional<Deposit> Deposit::decode(const uint8_t* data, size_t size, DepositLayout layout)
{
    if (size != encoded_size)
        return std::nullopt;
    Deposit d;
    const uint8_t* p = data;
    std::memcpy(d.pubkey.data(), p, pubkey_size);
    p += pubkey_size;
    std::memcpy(d.withdrawal_credentials.data(), p, withdrawal_credentials_size);
    p += withdrawal_credentials_size;
    for (int i = 0; i < 8; ++i)
        d.amount = d.amount << 8 | p[layout == DepositLayout::ssz ? 7 - i : i];
    p += 8;
    std::memcpy(d.signature.data(), p, signature_size);
    return d;
}

Bytes Deposit::encode(DepositLayout layout) const
{
    Bytes out;
    out.reserve(encoded_size);
    out.insert(out.end(), pubkey.begin(), pubkey.end());
    out.insert(out.end(), withdrawal_credentials.begin(), withdrawal_credentials.end());
    for (int i = 0; i < 8; ++i)
        out.push_back(
            static_cast<uint8_t>(amount >> (8 * (layout == DepositLayout::ssz ? i : 7 - i))));
    out.insert(out.end(), signature.begin(), signature.end());
    return out;
}

bool Deposit::operator==(const Deposit& other) const
{
    return pubkey == other.pubkey && withdrawal_credentials == other.withdrawal_credentials &&
           amount == other.amount && signature == other.signature;
}

}  // namespace scout
