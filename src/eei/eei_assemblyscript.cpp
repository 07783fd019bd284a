/// AssemblyScript's own host imports, all in module `env`:
/// - `abort(message, fileName, line, column)`: every AssemblyScript script
///   imports it (assert, unreachable code, failed bounds checks). It always
///   traps, with the message and the source position.
/// - `trace(message, n, a0, a4)`: AssemblyScript's print; a line of debug
///   output, formatted as AssemblyScript's JavaScript loader formats it.
/// - `seed() -> f64` (Math.random's seed) is refused at load: runs must be
///   deterministic (refused_import_reason).
///
/// Strings are AssemblyScript `String` objects: `ptr` points at UTF-16LE code
/// units and the u32 at `ptr - 4` is their length in bytes (the `rtSize` field
/// of the runtime header of std/assembly/rt/common.ts). Every runtime since
/// `~lib/rt` has it there: the 16-byte header of the `~lib/rt/stub` builds of
/// scout.ts and biturbo (AssemblyScript master, late 2019) as well as the
/// 20-byte header of current releases. The older layout (AssemblyScript <= 0.6,
/// std/assembly/internal/string.ts: length in code units at `ptr`, characters
/// from `ptr + 4`) is not decoded.

#include "eei_groups.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <string>

namespace scout::eei {
namespace {

constexpr auto i32 = ValType::i32;
constexpr auto f64 = ValType::f64;

/// At most this many UTF-16 code units of one string are decoded.
constexpr uint32_t max_code_units = 1024;

std::string hex32(uint32_t v)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    do
    {
        out.insert(out.begin(), digits[v & 0xf]);
        v >>= 4;
    } while (v != 0);
    return "0x" + out;
}

void append_utf8(std::string& out, uint32_t cp)
{
    if (cp < 0x20 || cp == 0x7f)
    {
        // Control characters stay visible and cannot break the report's lines.
        static constexpr char digits[] = "0123456789abcdef";
        out += "\\x";
        out += digits[cp >> 4];
        out += digits[cp & 0xf];
    }
    else if (cp < 0x80)
        out += static_cast<char>(cp);
    else if (cp < 0x800)
    {
        out += static_cast<char>(0xc0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    }
    else if (cp < 0x10000)
    {
        out += static_cast<char>(0xe0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    }
    else
    {
        out += static_cast<char>(0xf0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    }
}

/// UTF-16LE code units to UTF-8; a surrogate that is not part of a pair
/// becomes U+FFFD.
std::string utf16le_to_utf8(const uint8_t* p, uint32_t units)
{
    auto unit = [p](uint32_t i) {
        const uint8_t* at = p + size_t{2} * i;
        return static_cast<uint32_t>(at[0] | (at[1] << 8));
    };
    std::string out;
    for (uint32_t i = 0; i < units; ++i)
    {
        const uint32_t u = unit(i);
        if (u >= 0xd800 && u <= 0xdbff && i + 1 < units)
        {
            const uint32_t next = unit(i + 1);
            if (next >= 0xdc00 && next <= 0xdfff)
            {
                append_utf8(out, 0x10000 + ((u - 0xd800) << 10) + (next - 0xdc00));
                ++i;
                continue;
            }
        }
        append_utf8(out, (u >= 0xd800 && u <= 0xdfff) ? 0xfffd : u);
    }
    return out;
}

/// The AssemblyScript string at `ptr` as UTF-8, for a message. Never traps: a
/// header outside memory gives `<unreadable <what> at 0x...>`; a string longer
/// than max_code_units or running past the end of memory is cut, with a note.
std::string read_as_string(const MemoryView& memory, uint32_t ptr, const char* what)
{
    const uint64_t size = memory.size();
    if (ptr < 4 || ptr > size)
        return std::string("<unreadable ") + what + " at " + hex32(ptr) + ">";
    const uint8_t* header = memory.read(ptr - 4, 4, what);
    const uint32_t byte_length = static_cast<uint32_t>(header[0]) | (header[1] << 8) |
                                 (header[2] << 16) | (static_cast<uint32_t>(header[3]) << 24);
    const uint32_t units = byte_length / 2;
    const uint32_t in_memory = static_cast<uint32_t>(std::min<uint64_t>((size - ptr) / 2, units));
    const uint32_t shown = std::min(in_memory, max_code_units);
    std::string text = utf16le_to_utf8(memory.read(ptr, uint64_t{shown} * 2, what), shown);
    if (shown < units)
        text += "...<" + std::to_string(shown) + " of " + std::to_string(units) + " code units" +
                (in_memory < units && shown == in_memory ? ", the rest is past the end of memory>"
                                                         : " shown>");
    return text;
}

Value as_abort(BlockContext&, MemoryView& memory, const Value* args)
{
    const uint32_t message = args[0].i32();
    const uint32_t file = args[1].i32();
    const uint32_t line = args[2].i32();
    const uint32_t column = args[3].i32();

    // Null pointers (AssemblyScript passes null for an absent message) and
    // empty strings leave their part out.
    std::string text = "abort";
    if (message != 0)
    {
        const auto m = read_as_string(memory, message, "message");
        if (!m.empty())
            text += ": " + m;
    }
    std::string where = file != 0 ? read_as_string(memory, file, "file name") : "";
    if (where.empty() && (line != 0 || column != 0))
        where = "<unknown file>";
    if (!where.empty())
        text += " at " + where + ":" + std::to_string(line) + ":" + std::to_string(column);
    throw Trap(TrapKind::host, text);
}

Value as_trace(BlockContext& block, MemoryView& memory, const Value* args)
{
    // AssemblyScript's loader: `trace: ${getString(msg)}${n ? " " : ""}${args.slice(0,
    // n).join(", ")}`. A null message reads as the empty string there (its length
    // header is read from outside memory as 0); n is a signed i32 and slice(0, n)
    // takes at most the five values there are, or for a negative n counts from
    // the end.
    const uint32_t message = args[0].i32();
    const auto n = static_cast<int32_t>(args[1].i32());
    constexpr int32_t values = 5;
    const int32_t shown = n >= 0 ? std::min(n, values) : std::max(0, values + n);
    std::string text = "trace: ";
    if (message != 0)
        text += read_as_string(memory, message, "message");
    if (n != 0)
        text += " ";
    for (int32_t i = 0; i < shown; ++i)
    {
        double v = 0;
        std::memcpy(&v, &args[2 + i].bits, sizeof v);
        text += (i ? ", " : "") + js_number_string(v);
    }
    block.add_debug(std::move(text));
    return {};
}

}  // namespace

std::string js_number_string(double v)
{
    // ECMAScript's Number::toString(10): the shortest digits that read back
    // as v (what std::to_chars gives), placed by the decimal exponent.
    if (v != v)
        return "NaN";
    if (v == 0)
        return "0";  // -0 as well
    if (v < 0)
        return "-" + js_number_string(-v);
    if (v > 1.7976931348623157e308)
        return "Infinity";
    char buffer[64];
    const auto r = std::to_chars(buffer, buffer + sizeof buffer, v, std::chars_format::scientific);
    const std::string sci(buffer, r.ptr);  // "d.ddde+XX" or "de-XX"
    const auto e = sci.find('e');
    std::string digits = sci.substr(0, e);
    digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
    const int k = static_cast<int>(digits.size());
    const int n = std::stoi(sci.substr(e + 1)) + 1;  // v = 0.digits x 10^n
    if (k <= n && n <= 21)
        return digits + std::string(static_cast<size_t>(n - k), '0');
    if (0 < n && n <= 21)
        return digits.substr(0, static_cast<size_t>(n)) + "." +
               digits.substr(static_cast<size_t>(n));
    if (-6 < n && n <= 0)
        return "0." + std::string(static_cast<size_t>(-n), '0') + digits;
    const std::string exponent = (n - 1 < 0 ? "-" : "+") + std::to_string(std::abs(n - 1));
    return digits.substr(0, 1) + (k > 1 ? "." + digits.substr(1) : "") + "e" + exponent;
}

const char* refused_import_reason(std::string_view module, std::string_view field)
{
    if (module == "env" && field == "seed")
        return "AssemblyScript's Math.random seed is not provided: a block must give the same "
               "result on every run and every engine, so scout gives scripts no source of "
               "randomness (use a generator seeded from the block data instead of Math.random)";
    return nullptr;
}

std::vector<HostFunction> assemblyscript_functions()
{
    // Module "env" itself: resolves as env.abort only (find_host_function does
    // not apply the env.<module>_<name> style to module env).
    return {
        {"env", "abort", {{i32, i32, i32, i32}, {}}, as_abort},
        {"env", "trace", {{i32, i32, f64, f64, f64, f64, f64}, {}}, as_trace},
    };
}

}  // namespace scout::eei
