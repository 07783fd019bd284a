#include "hex.hpp"

namespace scout {
namespace {
int nibble(char c) noexcept
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
}  // namespace

// Hand-written: OpenSSL's OPENSSL_hexstr2buf wants ':'-separated or plain
// pairs but gives no position of the offending character, which the error
// message needs; the loop is a dozen lines.
std::optional<Bytes> decode_hex(std::string_view text, std::string* error)
{
    size_t prefix = 0;  // positions in messages count from the start, 0x included
    if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
    {
        text.remove_prefix(2);
        prefix = 2;
    }
    if (text.size() % 2 != 0)
    {
        if (error)
            *error = "odd number of hex digits (" + std::to_string(text.size()) + ")";
        return std::nullopt;
    }
    Bytes out(text.size() / 2);
    for (size_t i = 0; i < out.size(); ++i)
    {
        const int hi = nibble(text[2 * i]);
        const int lo = nibble(text[2 * i + 1]);
        if (hi < 0 || lo < 0)
        {
            if (error)
            {
                const size_t pos = hi < 0 ? 2 * i : 2 * i + 1;
                const char c = text[pos];
                std::string shown = (c >= 0x20 && c < 0x7f) ? std::string{'\'', c, '\''}
                                                            : "byte " + std::to_string(uint8_t(c));
                *error = "invalid hex character " + shown + " at position " +
                         std::to_string(prefix + pos);
            }
            return std::nullopt;
        }
        out[i] = static_cast<uint8_t>(hi << 4 | lo);
    }
    return out;
}

std::string to_hex(const uint8_t* data, size_t size)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(size * 2, '0');
    for (size_t i = 0; i < size; ++i)
    {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 0xf];
    }
    return out;
}

}  // namespace scout
