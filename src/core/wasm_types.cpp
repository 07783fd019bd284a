#include "wasm_types.hpp"

namespace scout {

const char* to_string(ValType type)
{
    switch (type)
    {
    case ValType::i32:
        return "i32";
    case ValType::i64:
        return "i64";
    case ValType::f32:
        return "f32";
    case ValType::f64:
        return "f64";
    default:
        return "other";
    }
}

namespace {

/// `text` with every byte `escape` selects written as \xNN.
template <typename Escape> std::string escape_bytes(const std::string& text, Escape escape)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(text.size());
    for (const char ch : text)
    {
        const auto c = static_cast<unsigned char>(ch);
        if (!escape(c))
            out += ch;
        else
        {
            out += "\\x";
            out += digits[c >> 4];
            out += digits[c & 0xf];
        }
    }
    return out;
}

}  // namespace

std::string printable(const std::string& name)
{
    return escape_bytes(name, [](unsigned char c) { return c < 0x20 || c >= 0x7f || c == '\\'; });
}

std::string terminal_safe(const std::string& text)
{
    return escape_bytes(text, [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

bool valid_utf8(const std::string& text)
{
    // Written out rather than taken from a library: the check is the table of
    // RFC 3629's well-formed byte sequences, a dozen lines, and no library the
    // project links offers it on its own.
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const auto* end = p + text.size();
    while (p < end)
    {
        const unsigned c = *p;
        size_t n = 0;
        unsigned lo = 0x80, hi = 0xbf;  // bounds of the second byte
        if (c < 0x80)
            n = 0;
        else if (c >= 0xc2 && c <= 0xdf)
            n = 1;
        else if (c >= 0xe0 && c <= 0xef)
        {
            n = 2;
            lo = c == 0xe0 ? 0xa0 : 0x80;
            hi = c == 0xed ? 0x9f : 0xbf;
        }
        else if (c >= 0xf0 && c <= 0xf4)
        {
            n = 3;
            lo = c == 0xf0 ? 0x90 : 0x80;
            hi = c == 0xf4 ? 0x8f : 0xbf;
        }
        else
            return false;
        if (static_cast<size_t>(end - p) <= n)
            return n == 0;
        for (size_t i = 1; i <= n; ++i)
        {
            const unsigned b = p[i];
            if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xbf))
                return false;
        }
        p += n + 1;
    }
    return true;
}

std::string utf8_or_escaped(const std::string& text)
{
    return valid_utf8(text) ? text : printable(text);
}

std::string to_string(const FuncType& type)
{
    auto list = [](const std::vector<ValType>& types) {
        std::string out = "(";
        for (size_t i = 0; i < types.size(); ++i)
            out += (i ? ", " : "") + std::string(to_string(types[i]));
        return out + ")";
    };
    return list(type.params) + " -> " + list(type.results);
}

const char* to_string(ExternKind kind)
{
    switch (kind)
    {
    case ExternKind::function:
        return "function";
    case ExternKind::memory:
        return "memory";
    case ExternKind::table:
        return "table";
    case ExternKind::global:
        return "global";
    default:
        return "tag";
    }
}

}  // namespace scout
