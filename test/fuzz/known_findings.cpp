#include "known_findings.hpp"

namespace scout_fuzz {
namespace {

/// Reads an unsigned LEB128 of at most 5 bytes (u32); nullopt past the end.
std::optional<uint64_t> leb(const uint8_t*& p, const uint8_t* end)
{
    uint64_t value = 0;
    for (int shift = 0; shift < 35; shift += 7)
    {
        if (p >= end)
            return std::nullopt;
        const uint8_t byte = *p++;
        value |= uint64_t(byte & 0x7f) << shift;
        if ((byte & 0x80) == 0)
            return value;
    }
    return std::nullopt;
}

// Limits of the checks: far above anything real (V8 allows 50,000 locals per
// function; scout's tables grow to 2^20 entries at most).
constexpr uint64_t max_locals = 50'000;
// ... and many functions of 49,999 locals each add up (1,345 bytes reached
// 4 GB): a limit for the whole module too.
constexpr uint64_t max_module_locals = 1'000'000;
constexpr uint64_t max_table = uint64_t{1} << 20;
constexpr uint64_t max_types = 65'536;

// Binaryen reads a LEB up to the end of the input, not of its section or
// function body: so do these checks (`input_end`); they walk entries only
// within the section (`end`).

KnownFinding types(const uint8_t* p, const uint8_t* end, const uint8_t* input_end)
{
    const auto count = leb(p, input_end);
    // A function type takes at least 3 bytes (0x60, 0 params, 0 results): a
    // count above the section's size is a lie; small lies cost nothing.
    const uint64_t left = p < end ? static_cast<uint64_t>(end - p) : 0;
    if (count && *count > left && *count > max_types)
        return KnownFinding::huge_type_count;
    return KnownFinding::none;
}

KnownFinding code(const uint8_t* p, const uint8_t* end, const uint8_t* input_end)
{
    const auto bodies = leb(p, end);
    if (!bodies)
        return KnownFinding::none;
    uint64_t module_locals = 0;
    for (uint64_t b = 0; b < *bodies && p < end; ++b)
    {
        const auto body_size = leb(p, input_end);
        if (!body_size)
            return KnownFinding::none;
        // Binaryen reads the local declarations before it checks the body's
        // size against anything: so read them even when the size lies.
        const uint8_t* q = p;
        const auto groups = leb(q, input_end);
        uint64_t locals = 0;
        for (uint64_t g = 0; groups && g < *groups; ++g)
        {
            const auto n = leb(q, input_end);
            if (!n || q >= input_end)
                break;
            ++q;  // the value type
            locals += *n;
            module_locals += *n;
            if (locals > max_locals || module_locals > max_module_locals)
                return KnownFinding::huge_local_count;
        }
        if (*body_size > static_cast<uint64_t>(end - p))
            return KnownFinding::none;
        p += *body_size;
    }
    return KnownFinding::none;
}

KnownFinding tables(const uint8_t* p, const uint8_t* end, const uint8_t* input_end)
{
    const auto count = leb(p, end);
    if (!count)
        return KnownFinding::none;
    for (uint64_t t = 0; t < *count; ++t)
    {
        if (end - p < 2)
            return KnownFinding::none;
        p += 1;  // reference type
        const uint8_t flags = *p++;
        const auto initial = leb(p, input_end);
        if (!initial)
            return KnownFinding::none;
        if (*initial > max_table)
            return KnownFinding::huge_table;
        if (flags & 1)
            if (!leb(p, end))
                return KnownFinding::none;
    }
    return KnownFinding::none;
}

}  // namespace

const char* to_string(KnownFinding k)
{
    switch (k)
    {
    case KnownFinding::huge_type_count:
        return "F5 huge type count";
    case KnownFinding::huge_local_count:
        return "F6 huge local count";
    case KnownFinding::huge_table:
        return "F7 huge table";
    default:
        return "none";
    }
}

KnownFinding known_finding(const uint8_t* wasm, size_t size)
{
    if (size < 8)
        return KnownFinding::none;
    const uint8_t* p = wasm + 8;
    const uint8_t* end = wasm + size;
    while (p < end)
    {
        const uint8_t id = *p++;
        const auto len = leb(p, end);
        if (!len || *len > static_cast<uint64_t>(end - p))
            return KnownFinding::none;
        const uint8_t* payload_end = p + *len;
        KnownFinding k = KnownFinding::none;
        if (id == 1)
            k = types(p, payload_end, end);
        else if (id == 4)
            k = tables(p, payload_end, end);
        else if (id == 10)
            k = code(p, payload_end, end);
        if (k != KnownFinding::none)
            return k;
        p = payload_end;
    }
    return KnownFinding::none;
}

}  // namespace scout_fuzz
