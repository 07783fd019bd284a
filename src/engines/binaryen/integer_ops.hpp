#pragma once
/// Internal to the Binaryen engine: wasm's integer operations on raw values,
/// written once for both widths (uint32_t for i32, uint64_t for i64), for
/// ScoutRunner's fast path (eval_unary, eval_binary); and the order of
/// Binaryen's BinaryOp enumerators that the fast path relies on, checked at
/// compile time.

#include <wasm.h>

#include <cstdint>
#include <limits>

namespace scout::binaryen {

/// i32 or i64, named by the unsigned type that holds its raw bits.
template <typename U> struct IntWidth;

template <> struct IntWidth<uint32_t>
{
    using Signed = int32_t;
    static constexpr unsigned bits = 32;
    // Trap messages are ExpressionRunner::visitBinary's.
    static constexpr const char* div_s_by_0 = "i32.div_s by 0";
    static constexpr const char* div_s_overflow = "i32.div_s overflow";
    static constexpr const char* div_u_by_0 = "i32.div_u by 0";
    static constexpr const char* rem_s_by_0 = "i32.rem_s by 0";
    static constexpr const char* rem_u_by_0 = "i32.rem_u by 0";
};

template <> struct IntWidth<uint64_t>
{
    using Signed = int64_t;
    static constexpr unsigned bits = 64;
    static constexpr const char* div_s_by_0 = "i64.div_s by 0";
    static constexpr const char* div_s_overflow = "i64.div_s overflow";
    static constexpr const char* div_u_by_0 = "i64.div_u by 0";
    static constexpr const char* rem_s_by_0 = "i64.rem_s by 0";
    static constexpr const char* rem_u_by_0 = "i64.rem_u by 0";
};

template <typename U> inline U rotate_left(U x, U n)
{
    n &= IntWidth<U>::bits - 1;
    return n == 0 ? x : (x << n) | (x >> (IntWidth<U>::bits - n));
}

// rotate_left/rotate_right, count_leading/trailing_zeros: mirror images of
// each other, alike in shape only.
template <typename U> inline U rotate_right(U x, U n)
{
    n &= IntWidth<U>::bits - 1;
    return n == 0 ? x : (x >> n) | (x << (IntWidth<U>::bits - n));
}

template <typename U> inline U count_leading_zeros(U x)
{
    if (x == 0)
        return IntWidth<U>::bits;
    if constexpr (sizeof(U) == sizeof(unsigned))
        return static_cast<U>(__builtin_clz(x));
    else
        return static_cast<U>(__builtin_clzll(x));
}

template <typename U> inline U count_trailing_zeros(U x)
{
    if (x == 0)
        return IntWidth<U>::bits;
    if constexpr (sizeof(U) == sizeof(unsigned))
        return static_cast<U>(__builtin_ctz(x));
    else
        return static_cast<U>(__builtin_ctzll(x));
}

template <typename U> inline U population_count(U x)
{
    if constexpr (sizeof(U) == sizeof(unsigned))
        return static_cast<U>(__builtin_popcount(x));
    else
        return static_cast<U>(__builtin_popcountll(x));
}

/// The low bits of `x` that make a `Narrow`, sign-extended to the width of U
/// (i32.extend8_s, i64.extend32_s, i64.extend_i32_s, ...).
template <typename Narrow, typename U> inline U extend_signed(U x)
{
    using Signed = typename IntWidth<U>::Signed;
    return static_cast<U>(static_cast<Signed>(static_cast<Narrow>(x)));
}

// The integer binary operators of the fast path (ScoutRunner::fast_binary:
// `op <= wasm::GeUInt64`) are Binaryen's first fifty: AddInt32 to GeUInt32,
// then the same operators in the same order for i64, AddInt64 to GeUInt64.
// eval_binary evaluates an i64 operator as its i32 enumerator at width 64
// (op - int64_op_offset), so it relies on both orders, checked here.

/// How far each i64 operator's enumerator is from its i32 counterpart's.
constexpr int int64_op_offset = wasm::AddInt64 - wasm::AddInt32;

/// Whether the i32 operators are 0, 1, 2... in this order and each i64
/// operator is its i32 counterpart plus int64_op_offset.
constexpr bool int_binary_op_order_holds()
{
    constexpr wasm::BinaryOp pairs[][2] = {
        {wasm::AddInt32, wasm::AddInt64},   {wasm::SubInt32, wasm::SubInt64},
        {wasm::MulInt32, wasm::MulInt64},   {wasm::DivSInt32, wasm::DivSInt64},
        {wasm::DivUInt32, wasm::DivUInt64}, {wasm::RemSInt32, wasm::RemSInt64},
        {wasm::RemUInt32, wasm::RemUInt64}, {wasm::AndInt32, wasm::AndInt64},
        {wasm::OrInt32, wasm::OrInt64},     {wasm::XorInt32, wasm::XorInt64},
        {wasm::ShlInt32, wasm::ShlInt64},   {wasm::ShrSInt32, wasm::ShrSInt64},
        {wasm::ShrUInt32, wasm::ShrUInt64}, {wasm::RotLInt32, wasm::RotLInt64},
        {wasm::RotRInt32, wasm::RotRInt64}, {wasm::EqInt32, wasm::EqInt64},
        {wasm::NeInt32, wasm::NeInt64},     {wasm::LtSInt32, wasm::LtSInt64},
        {wasm::LtUInt32, wasm::LtUInt64},   {wasm::LeSInt32, wasm::LeSInt64},
        {wasm::LeUInt32, wasm::LeUInt64},   {wasm::GtSInt32, wasm::GtSInt64},
        {wasm::GtUInt32, wasm::GtUInt64},   {wasm::GeSInt32, wasm::GeSInt64},
        {wasm::GeUInt32, wasm::GeUInt64},
    };
    int expected = 0;
    for (const auto& pair : pairs)
    {
        if (pair[0] != expected++ || pair[1] - pair[0] != int64_op_offset)
            return false;
    }
    return expected == wasm::GeUInt32 + 1;
}

static_assert(wasm::AddInt32 == 0 && wasm::AddInt64 == wasm::GeUInt32 + 1,
              "op <= GeUInt64 must mean: an i32 integer operator, then an i64 one");
static_assert(int_binary_op_order_holds(),
              "the i64 integer operators must follow the i32 ones in the same order");
static_assert(wasm::GeUInt64 + 1 == wasm::AddFloat32,
              "the first operator after GeUInt64 must not be an integer one");

/// An integer binary operator at width U: `op` is its i32 enumerator
/// (AddInt32 to GeUInt32) for either width. `trap` is called with Binaryen's
/// message where the operation traps, and must not return.
template <typename U, typename TrapFn>
__attribute__((always_inline)) inline U int_binary(wasm::BinaryOp op, U a, U b, TrapFn&& trap)
{
    using W = IntWidth<U>;
    using S = typename W::Signed;
    constexpr U shift_mask = W::bits - 1;
    const S sa = static_cast<S>(a), sb = static_cast<S>(b);
    switch (op)
    {
    case wasm::AddInt32:
        return static_cast<U>(a + b);
    case wasm::SubInt32:
        return static_cast<U>(a - b);
    case wasm::MulInt32:
        return static_cast<U>(a * b);
    case wasm::DivSInt32:
        if (b == 0)
            trap(W::div_s_by_0);
        if (sa == std::numeric_limits<S>::min() && sb == -1)
            trap(W::div_s_overflow);
        return static_cast<U>(sa / sb);
    case wasm::DivUInt32:
        if (b == 0)
            trap(W::div_u_by_0);
        return a / b;
    case wasm::RemSInt32:
        if (b == 0)
            trap(W::rem_s_by_0);
        return sa == std::numeric_limits<S>::min() && sb == -1 ? 0 : static_cast<U>(sa % sb);
    case wasm::RemUInt32:
        if (b == 0)
            trap(W::rem_u_by_0);
        return a % b;
    case wasm::AndInt32:
        return a & b;
    case wasm::OrInt32:
        return a | b;
    case wasm::XorInt32:
        return a ^ b;
    case wasm::ShlInt32:
        return static_cast<U>(a << (b & shift_mask));
    case wasm::ShrSInt32:
        return static_cast<U>(sa >> (b & shift_mask));
    case wasm::ShrUInt32:
        return a >> (b & shift_mask);
    case wasm::RotLInt32:
        return rotate_left(a, b);
    case wasm::RotRInt32:
        return rotate_right(a, b);
    case wasm::EqInt32:
        return a == b;
    case wasm::NeInt32:
        return a != b;
    case wasm::LtSInt32:
        return sa < sb;
    case wasm::LtUInt32:
        return a < b;
    case wasm::LeSInt32:
        return sa <= sb;
    case wasm::LeUInt32:
        return a <= b;
    case wasm::GtSInt32:
        return sa > sb;
    case wasm::GtUInt32:
        return a > b;
    case wasm::GeSInt32:
        return sa >= sb;
    case wasm::GeUInt32:
        return a >= b;
    default:
        WASM_UNREACHABLE("not a fast binary op");
    }
}

}  // namespace scout::binaryen
