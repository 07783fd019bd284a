#pragma once
/// Engine-neutral descriptions of wasm values, function types and a module's
/// imports and exports, so that the EEI and the runner never see an engine's
/// own types.

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace scout {

enum class ValType : uint8_t
{
    i32,
    i64,
    f32,
    f64,
    other,  ///< v128, reference types: never part of an EEI signature
};

/// A function signature.
struct FuncType
{
    std::vector<ValType> params;
    std::vector<ValType> results;

    bool operator==(const FuncType& o) const { return params == o.params && results == o.results; }
    bool operator!=(const FuncType& o) const { return !(*this == o); }
};

/// "(i32, i32) -> i32", "() -> ()".
std::string to_string(const FuncType& type);
const char* to_string(ValType type);

/// A module or field name as it may be shown in a message: wasm names are
/// arbitrary bytes, so anything outside printable ASCII becomes \xNN.
std::string printable(const std::string& name);

/// Text for a terminal: only its control characters (a newline that would
/// fake a report line, an escape sequence) become \xNN; backslashes and UTF-8
/// stay, so text already made printable() reads the same.
std::string terminal_safe(const std::string& text);

/// Whether `text` is well-formed UTF-8 (no overlong forms, no surrogates).
bool valid_utf8(const std::string& text);

/// `text` itself when it is valid UTF-8, else printable(text): for reports
/// whose format must be UTF-8 (JSON, JUnit XML), keeping a file name that is
/// not UTF-8 readable and unambiguous (printable() escapes backslashes too).
std::string utf8_or_escaped(const std::string& text);

/// A wasm value as raw bits; the signature says how to read it.
struct Value
{
    uint64_t bits = 0;

    static Value from_i32(uint32_t v) { return Value{v}; }
    static Value from_i64(uint64_t v) { return Value{v}; }
    uint32_t i32() const { return static_cast<uint32_t>(bits); }
    uint64_t i64() const { return bits; }
};

/// Whether a value of type `t` has 64 bits (i64, f64) or 32 (i32, f32).
constexpr bool is_64_bit(ValType t)
{
    return t == ValType::i64 || t == ValType::f64;
}

/// The bits of `raw` that a value of type `t` has: all 64 for i64 and f64, the
/// low 32 for i32 and f32 (an f32 as its IEEE bits, never converted), so that
/// what an engine left in the high half of a slot is never read.
constexpr uint64_t bits_of(ValType t, uint64_t raw)
{
    return is_64_bit(t) ? raw : static_cast<uint32_t>(raw);
}

enum class ExternKind : uint8_t
{
    function,
    memory,
    table,
    global,
    tag,
};
const char* to_string(ExternKind kind);

/// One import of a module.
struct ImportDesc
{
    std::string module;
    std::string field;
    ExternKind kind = ExternKind::function;
    FuncType type;  ///< for functions
};

/// One export of a module.
struct ExportDesc
{
    std::string name;
    ExternKind kind = ExternKind::function;
    FuncType type;  ///< for functions
};

/// What the EEI and the runner need to know of a loaded module.
struct ModuleInterface
{
    std::vector<ImportDesc> imports;
    std::vector<ExportDesc> exports;

    const ExportDesc* find_export(const std::string& name) const
    {
        for (const auto& e : exports)
            if (e.name == name)
                return &e;
        return nullptr;
    }
};

}  // namespace scout
