/// libFuzzer target: scout::decode_hex on arbitrary bytes (docs/fuzzing.md).
///
/// Properties, beyond "no crash, no sanitizer report":
///  - decode_hex with and without the error argument agree;
///  - a failure always sets a one-line error; a success never does;
///  - a success decodes exactly (size - prefix) / 2 bytes, and to_hex gives the
///    input digits back, lower-cased, without the prefix;
///  - decode_hex(to_hex(x)) == x for the decoded output, with and without "0x";
///  - decode_hex(to_hex(input bytes)) == input bytes.

#include "fuzz_check.hpp"
#include "hex.hpp"

#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using scout::Bytes;
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    std::string error;
    const auto decoded = scout::decode_hex(text, &error);
    const auto decoded_quiet = scout::decode_hex(text);
    FUZZ_CHECK(decoded.has_value() == decoded_quiet.has_value(),
               "error argument changes the result");

    if (!decoded)
    {
        FUZZ_CHECK(!error.empty(), "failure without a reason");
        FUZZ_CHECK(error.find('\n') == std::string::npos, "multi-line error '%s'", error.c_str());
        // "invalid hex character 'z' at position 4": the first non-digit,
        // counted from the start of the text (prefix included).
        const std::string marker = "at position ";
        if (const auto at = error.find(marker); at != std::string::npos)
        {
            const size_t pos = std::stoul(error.substr(at + marker.size()));
            const size_t start =
                (size >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) ? 2 : 0;
            FUZZ_CHECK(pos >= start && pos < size, "position %zu outside the digits", pos);
            FUZZ_CHECK(!std::isxdigit(static_cast<unsigned char>(text[pos])),
                       "position %zu is a digit", pos);
            for (size_t i = start; i < pos; ++i)
                FUZZ_CHECK(std::isxdigit(static_cast<unsigned char>(text[i])),
                           "position %zu is not the first bad character (%zu is)", pos, i);
        }
        else
            FUZZ_CHECK(error.rfind("odd number of hex digits", 0) == 0, "unknown error '%s'",
                       error.c_str());
    }
    else
    {
        FUZZ_CHECK(error.empty(), "success with an error '%s'", error.c_str());
        FUZZ_CHECK(*decoded == *decoded_quiet, "results differ");
        const bool prefixed = size >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
        const std::string_view digits = text.substr(prefixed ? 2 : 0);
        FUZZ_CHECK(decoded->size() * 2 == digits.size(), "%zu bytes from %zu digits",
                   decoded->size(), digits.size());
        const std::string hex = scout::to_hex(*decoded);
        std::string lower(digits);
        for (auto& c : lower)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        FUZZ_CHECK(hex == lower, "to_hex gives '%s' for digits '%s'", hex.c_str(), lower.c_str());
        const auto again = scout::decode_hex(hex);
        FUZZ_CHECK(again && *again == *decoded, "round trip without prefix");
        const auto again_prefixed = scout::decode_hex("0x" + hex);
        FUZZ_CHECK(again_prefixed && *again_prefixed == *decoded, "round trip with prefix");
    }

    // Any bytes survive the trip through hex.
    const Bytes raw(data, data + size);
    const auto raw_again = scout::decode_hex(scout::to_hex(raw));
    FUZZ_CHECK(raw_again && *raw_again == raw, "raw round trip");
    return 0;
}
