#pragma once
/// Internal to the Binaryen engine: raw values, the fast evaluator's
/// representation of wasm values, and their conversions to and from
/// Binaryen's wasm::Literal and wasm::Flow.
///
/// Binaryen's interpreter passes every value as a wasm::Literal inside a
/// wasm::Flow (a small vector of Literals plus a branch target), and Literal's
/// copy, assignment and destructor live in libbinaryen.so: profiled, a fifth
/// of the time went to copying Literals. ScoutRunner's fast paths pass the
/// values of the numeric types as raw bits instead: an i32 or f32 in the low 32
/// bits (zero-extended), an i64 or f64 in all 64. A Literal is only made where
/// a value crosses into code that still speaks Flow.

#include <wasm-interpreter.h>
#include <wasm.h>

#include <cstdint>
#include <cstring>

namespace scout::binaryen {

/// none, unreachable, i32, i64, f32, f64: the types the fast paths evaluate.
inline bool is_raw(wasm::Type t)
{
    return t.getID() <= wasm::Type::f64;
}

/// The raw bits of a literal of a numeric type.
inline uint64_t raw_of(const wasm::Literal& l)
{
    switch (l.type.getBasic())
    {
    case wasm::Type::i32:
        return static_cast<uint32_t>(l.geti32());
    case wasm::Type::i64:
        return static_cast<uint64_t>(l.geti64());
    case wasm::Type::f32:
        return static_cast<uint32_t>(l.reinterpreti32());
    case wasm::Type::f64:
        return static_cast<uint64_t>(l.reinterpreti64());
    default:
        WASM_UNREACHABLE("not a raw value");
    }
}

/// A Flow holding the raw value `bits` of type `t` (no value for none).
inline wasm::Flow flow_of(wasm::Type t, uint64_t bits)
{
    wasm::Flow flow;
    switch (t.getBasic())
    {
    case wasm::Type::i32:
        flow.values.emplace_back(static_cast<int32_t>(static_cast<uint32_t>(bits)));
        break;
    case wasm::Type::i64:
        flow.values.emplace_back(static_cast<int64_t>(bits));
        break;
    case wasm::Type::f32: {
        const uint32_t b = static_cast<uint32_t>(bits);
        float f;
        std::memcpy(&f, &b, sizeof f);
        flow.values.emplace_back(f);  // Literal(float) keeps the bits, NaN payloads included
        break;
    }
    case wasm::Type::f64: {
        double d;
        std::memcpy(&d, &bits, sizeof d);
        flow.values.emplace_back(d);
        break;
    }
    default:
        break;
    }
    return flow;
}

/// The literal of type `t` (numeric) whose raw bits are `bits`.
inline wasm::Literal literal_of(wasm::Type t, uint64_t bits)
{
    return flow_of(t, bits).values[0];
}

}  // namespace scout::binaryen
