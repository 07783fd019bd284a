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

std::string printable(const std::string& name)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (const char ch : name)
    {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x20 && c < 0x7f && c != '\\')
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
