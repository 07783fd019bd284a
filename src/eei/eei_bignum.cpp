/// Module bignum: 256-bit integer arithmetic (ewasm/scout, scout.ts) and websnark's
/// Montgomery field arithmetic as bound by scout.ts (f1m_*, int_*). The reference, with the
/// peers each function comes from and where scout differs, is docs/eei.md, section bignum.
///
/// Every function reads all of its inputs and checks all of its output ranges before it
/// writes anything, so outputs may alias inputs and a trapping call leaves memory unchanged.

#include "eei_groups.hpp"
#include "uint_arith.hpp"

#include <type_traits>

namespace scout::eei {
namespace {

using namespace scout::arith;

constexpr auto i32 = ValType::i32;

// ------------------------------------------------------------ 256-bit, big-endian

using U256 = Uint<4>;

U256 read_be256(MemoryView& memory, uint32_t ptr, const char* what)
{
    return load_be<4>(memory.read(ptr, 32, what));
}

void write_be256(MemoryView& memory, uint32_t ptr, const U256& x, const char* what)
{
    uint8_t out[32];
    store_be(x, out);
    memory.write(ptr, out, 32, what);
}

Value add256(BlockContext&, MemoryView& memory, const Value* args)
{
    constexpr const char* what = "bignum.add256";
    const U256 a = read_be256(memory, args[0].i32(), what);
    const U256 b = read_be256(memory, args[1].i32(), what);
    U256 c;
    arith::add(c, a, b);
    write_be256(memory, args[2].i32(), c, what);
    return {};
}

Value sub256(BlockContext&, MemoryView& memory, const Value* args)
{
    constexpr const char* what = "bignum.sub256";
    const U256 a = read_be256(memory, args[0].i32(), what);
    const U256 b = read_be256(memory, args[1].i32(), what);
    U256 c;
    arith::sub(c, a, b);
    write_be256(memory, args[2].i32(), c, what);
    return {};
}

Value mul256(BlockContext&, MemoryView& memory, const Value* args)
{
    constexpr const char* what = "bignum.mul256";
    const U256 a = read_be256(memory, args[0].i32(), what);
    const U256 b = read_be256(memory, args[1].i32(), what);
    write_be256(memory, args[2].i32(), mul_low(a, b), what);
    return {};
}

Value div256(BlockContext&, MemoryView& memory, const Value* args)
{
    constexpr const char* what = "bignum.div256";
    const U256 a = read_be256(memory, args[0].i32(), what);
    const U256 b = read_be256(memory, args[1].i32(), what);
    memory.check(args[2].i32(), 32, what);
    if (is_zero(b))
        throw Trap(TrapKind::host, "bignum.div256: division by zero");
    U256 q, r;
    divmod(a, b, q, r);
    write_be256(memory, args[2].i32(), q, what);
    return {};
}

Value mul_mod(BlockContext&, MemoryView& memory, const Value* args)
{
    constexpr const char* what = "bignum.mulMod";
    const U256 a = read_be256(memory, args[0].i32(), what);
    const U256 b = read_be256(memory, args[1].i32(), what);
    const U256 m = read_be256(memory, args[2].i32(), what);
    memory.check(args[3].i32(), 32, what);
    if (is_zero(m))
        throw Trap(TrapKind::host, "bignum.mulMod: modulus is zero");
    const Uint<8> product = mul_wide(a, b);  // the full 512 bits
    Uint<8> q;
    U256 r;
    divmod(product.data(), 8, m.data(), 4, q.data(), r.data());
    write_be256(memory, args[3].i32(), r, what);
    return {};
}

// ------------------------------------------------------------ websnark, little-endian

/// Calls fn with the Montgomery field of the block (src/field.hpp): its limb count sets the
/// operand width, W = 32 or 48 bytes.
template <typename Fn> void with_field(const BlockContext& block, Fn&& fn)
{
    switch (block.field)
    {
    case FieldId::secp256k1:
        fn(secp256k1_field());
        break;
    case FieldId::bls12_381:
        fn(bls12_381_field());
        break;
    default:
        fn(bn128_field());
        break;
    }
}

template <size_t N> Uint<N> read_le(MemoryView& memory, uint32_t ptr, const char* what)
{
    return load_le<N>(memory.read(ptr, 8 * N, what));
}

template <size_t N>
void write_le(MemoryView& memory, uint32_t ptr, const Uint<N>& x, const char* what)
{
    uint8_t out[8 * N];
    store_le(x, out);
    memory.write(ptr, out, 8 * N, what);
}

/// (a, b, out) -> (): out = op(field, a, b).
template <typename Op>
void binary(BlockContext& block, MemoryView& memory, const Value* args, const char* what, Op op)
{
    with_field(block, [&](const auto& field) {
        constexpr size_t N = std::decay_t<decltype(field)>::limbs;
        const Uint<N> a = read_le<N>(memory, args[0].i32(), what);
        const Uint<N> b = read_le<N>(memory, args[1].i32(), what);
        write_le<N>(memory, args[2].i32(), op(field, a, b), what);
    });
}

/// (a, out) -> (): out = op(field, a).
template <typename Op>
void unary(BlockContext& block, MemoryView& memory, const Value* args, const char* what, Op op)
{
    with_field(block, [&](const auto& field) {
        constexpr size_t N = std::decay_t<decltype(field)>::limbs;
        const Uint<N> a = read_le<N>(memory, args[0].i32(), what);
        write_le<N>(memory, args[1].i32(), op(field, a), what);
    });
}

// One function per EEI entry, each the same few lines (duplicates lists them):
// binary() and unary() hold the logic, and what differs, the field operation,
// is the lambda; a table of lambdas would only hide the names the EEI table uses.

Value f1m_mul(BlockContext& block, MemoryView& memory, const Value* args)
{
    binary(block, memory, args, "bignum.f1m_mul",
           [](const auto& f, const auto& a, const auto& b) { return f.mul(a, b); });
    return {};
}

Value f1m_square(BlockContext& block, MemoryView& memory, const Value* args)
{
    unary(block, memory, args, "bignum.f1m_square",
          [](const auto& f, const auto& a) { return f.square(a); });
    return {};
}

Value f1m_add(BlockContext& block, MemoryView& memory, const Value* args)
{
    binary(block, memory, args, "bignum.f1m_add",
           [](const auto& f, const auto& a, const auto& b) { return f.add(a, b); });
    return {};
}

Value f1m_sub(BlockContext& block, MemoryView& memory, const Value* args)
{
    binary(block, memory, args, "bignum.f1m_sub",
           [](const auto& f, const auto& a, const auto& b) { return f.sub(a, b); });
    return {};
}

Value f1m_to_montgomery(BlockContext& block, MemoryView& memory, const Value* args)
{
    unary(block, memory, args, "bignum.f1m_toMontgomery",
          [](const auto& f, const auto& a) { return f.to_montgomery(a); });
    return {};
}

Value f1m_from_montgomery(BlockContext& block, MemoryView& memory, const Value* args)
{
    unary(block, memory, args, "bignum.f1m_fromMontgomery",
          [](const auto& f, const auto& a) { return f.from_montgomery(a); });
    return {};
}

Value int_add(BlockContext& block, MemoryView& memory, const Value* args)
{
    uint64_t carry = 0;
    binary(block, memory, args, "bignum.int_add", [&](const auto&, const auto& a, const auto& b) {
        auto r = a;
        carry = arith::add(r, a, b);
        return r;
    });
    return Value::from_i32(static_cast<uint32_t>(carry));
}

Value int_sub(BlockContext& block, MemoryView& memory, const Value* args)
{
    uint64_t borrow = 0;
    binary(block, memory, args, "bignum.int_sub", [&](const auto&, const auto& a, const auto& b) {
        auto r = a;
        borrow = arith::sub(r, a, b);
        return r;
    });
    return Value::from_i32(static_cast<uint32_t>(borrow));
}

Value int_mul(BlockContext& block, MemoryView& memory, const Value* args)
{
    binary(block, memory, args, "bignum.int_mul",
           [](const auto&, const auto& a, const auto& b) { return mul_low(a, b); });
    return {};
}

/// (a, b, quotient, remainder) -> (). When both outputs are the same range the remainder,
/// written second, is what remains (as in scout.ts).
Value int_div(BlockContext& block, MemoryView& memory, const Value* args)
{
    constexpr const char* what = "bignum.int_div";
    with_field(block, [&](const auto& field) {
        constexpr size_t N = std::decay_t<decltype(field)>::limbs;
        const Uint<N> a = read_le<N>(memory, args[0].i32(), what);
        const Uint<N> b = read_le<N>(memory, args[1].i32(), what);
        memory.check(args[2].i32(), 8 * N, what);
        memory.check(args[3].i32(), 8 * N, what);
        if (is_zero(b))
            throw Trap(TrapKind::host, "bignum.int_div: division by zero");
        Uint<N> q, r;
        divmod(a, b, q, r);
        write_le<N>(memory, args[2].i32(), q, what);
        write_le<N>(memory, args[3].i32(), r, what);
    });
    return {};
}

}  // namespace

std::vector<HostFunction> bignum_functions()
{
    return {
        {"bignum", "add256", {{i32, i32, i32}, {}}, add256},
        {"bignum", "sub256", {{i32, i32, i32}, {}}, sub256},
        {"bignum", "mul256", {{i32, i32, i32}, {}}, mul256},
        {"bignum", "div256", {{i32, i32, i32}, {}}, div256},
        {"bignum", "mulMod", {{i32, i32, i32, i32}, {}}, mul_mod},
        {"bignum", "f1m_mul", {{i32, i32, i32}, {}}, f1m_mul},
        {"bignum", "f1m_square", {{i32, i32}, {}}, f1m_square},
        {"bignum", "f1m_add", {{i32, i32, i32}, {}}, f1m_add},
        {"bignum", "f1m_sub", {{i32, i32, i32}, {}}, f1m_sub},
        {"bignum", "f1m_toMontgomery", {{i32, i32}, {}}, f1m_to_montgomery},
        {"bignum", "f1m_fromMontgomery", {{i32, i32}, {}}, f1m_from_montgomery},
        {"bignum", "int_add", {{i32, i32, i32}, {i32}}, int_add},
        {"bignum", "int_sub", {{i32, i32, i32}, {i32}}, int_sub},
        {"bignum", "int_mul", {{i32, i32, i32}, {}}, int_mul},
        {"bignum", "int_div", {{i32, i32, i32, i32}, {}}, int_div},
    };
}

}  // namespace scout::eei
