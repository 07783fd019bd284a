#pragma once
/// Hex encoding and decoding as used by Scout's YAML vectors.

#include "bytes.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace scout {

/// Decodes hex with or without a leading "0x"/"0X"; both cases of digits are
/// accepted. Returns nullopt and sets *error (if given) to a one-line reason on
/// odd length or a non-hex character.
std::optional<Bytes> decode_hex(std::string_view text, std::string* error = nullptr);

/// Lower-case hex without prefix.
std::string to_hex(const uint8_t* data, size_t size);

template <typename Container> std::string to_hex(const Container& bytes)
{
    return to_hex(bytes.data(), bytes.size());
}

}  // namespace scout
