// Module bignum through its host functions, as a script sees it: each function is looked up
// with find_host_function, called with i32 pointers into a MemoryView over a vector, with the
// field chosen by BlockContext::field. OpenSSL's BIGNUM is the oracle (an implementation that
// shares nothing with src/core/uint_arith.hpp); the moduli are spelled out here again.

#include "eei.hpp"
#include "field.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <openssl/bn.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

using namespace scout;

using scout_test::contains;

namespace {

using Bytes = std::vector<uint8_t>;
using Bn = std::unique_ptr<BIGNUM, decltype(&BN_free)>;

// ------------------------------------------------------------ the OpenSSL oracle

Bn bn()
{
    return Bn(BN_new(), BN_free);
}

Bn bn_hex(const char* hex)
{
    BIGNUM* x = nullptr;
    BN_hex2bn(&x, hex);
    return Bn(x, BN_free);
}

Bn bn_le(const Bytes& b)
{
    return Bn(BN_lebin2bn(b.data(), static_cast<int>(b.size()), nullptr), BN_free);
}

Bn bn_be(const Bytes& b)
{
    return Bn(BN_bin2bn(b.data(), static_cast<int>(b.size()), nullptr), BN_free);
}

Bytes le_of(const BIGNUM* x, size_t w)
{
    Bytes b(w);
    EXPECT_EQ(BN_bn2lebinpad(x, b.data(), static_cast<int>(w)), static_cast<int>(w));
    return b;
}

Bytes be_of(const BIGNUM* x, size_t w)
{
    Bytes b(w);
    EXPECT_EQ(BN_bn2binpad(x, b.data(), static_cast<int>(w)), static_cast<int>(w));
    return b;
}

Bn pow2(int bits)
{
    Bn r = bn();
    BN_zero(r.get());
    BN_set_bit(r.get(), bits);
    return r;
}

struct Ctx
{
    BN_CTX* ctx = BN_CTX_new();
    ~Ctx() { BN_CTX_free(ctx); }
    operator BN_CTX*() const { return ctx; }
};

std::string hex(const Bytes& b)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string s;
    for (uint8_t x : b)
        s += {digits[x >> 4], digits[x & 15]};
    return s;
}

/// A little-endian draw as big-endian bytes of the same number.
Bytes reversed(Bytes b)
{
    std::reverse(b.begin(), b.end());
    return b;
}

// ------------------------------------------------------------ fields, restated

struct FieldSpec
{
    FieldId id;
    const char* modulus_hex;
    size_t width;
};

const FieldSpec& spec(FieldId id)
{
    static const FieldSpec specs[] = {
        {FieldId::bn128, "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47", 32},
        {FieldId::secp256k1, "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f",
         32},
        {FieldId::bls12_381,
         "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9fefff"
         "fffffaaab",
         48},
    };
    for (const auto& s : specs)
        if (s.id == id)
            return s;
    throw std::logic_error("no such field");
}

/// p, R = 2^(8W), R mod p and R^-1 mod p of one field, by OpenSSL.
struct FieldOracle
{
    explicit FieldOracle(FieldId id)
      : width(spec(id).width)
      , p(bn_hex(spec(id).modulus_hex))
      , r(pow2(8 * int(width)))
    {
        BN_nnmod(r_mod_p.get(), r.get(), p.get(), ctx);
        BN_mod_inverse(r_inv.get(), r_mod_p.get(), p.get(), ctx);
    }

    size_t width;
    Ctx ctx;
    Bn p;
    Bn r;
    Bn r_mod_p = bn();
    Bn r_inv = bn();
};

// ------------------------------------------------------------ inputs

constexpr uint64_t seed = 0xb16b16;

/// Random W-byte numbers shaped to reach the corners: uniform bytes, bytes drawn from {00,
/// 01, 7f, 80, ff, random}, short numbers (high bytes zero), numbers near `near` (a modulus)
/// and near 2^(8W), and tiny ones.
class Gen
{
public:
    Gen(uint64_t s, size_t w, const BIGNUM* near = nullptr)
      : rng_(s)
      , w_(w)
      , near_(near)
    {}

    Bytes operator()()  // little-endian
    {
        Bytes b(w_, 0);
        switch (rng_() % 8)
        {
        case 0:
        case 1:
        case 2:
            for (auto& x : b)
                x = byte();
            break;
        case 3: {
            static constexpr uint8_t picks[] = {0x00, 0x01, 0x7f, 0x80, 0xff};
            for (auto& x : b)
            {
                const auto k = rng_() % 6;
                x = k < 5 ? picks[k] : byte();
            }
            break;
        }
        case 4: {
            const size_t keep = rng_() % (w_ + 1);
            for (size_t i = 0; i < keep; ++i)
                b[i] = byte();
            break;
        }
        case 5:
            if (near_ != nullptr)
            {
                Bn x = bn();
                BN_copy(x.get(), near_);
                const auto d = rng_() % 4 == 0 ? rng_() % 4 : rng_() & 0xffffffff;
                if (rng_() % 2 == 0)
                    BN_sub_word(x.get(), d);
                else
                    BN_add_word(x.get(), d);
                return le_of(x.get(), w_);
            }
            [[fallthrough]];
        case 6: {
            // 2^(8W) - d
            for (auto& x : b)
                x = 0xff;
            b[0] = static_cast<uint8_t>(0xff - rng_() % 200);
            break;
        }
        default:
            b[0] = static_cast<uint8_t>(rng_() % 4);
            break;
        }
        return b;
    }

private:
    uint8_t byte() { return static_cast<uint8_t>(rng_()); }

    std::mt19937_64 rng_;
    size_t w_;
    const BIGNUM* near_;
};

/// W-byte little-endian edge values: 0, 1, 2, 2^(64k) - 1 and 2^(64k) at every limb
/// boundary, 2^(8W) - 1, and, when p is given, p - 1, p, p + 1, 2p - 1 and 2p when below
/// 2^(8W).
std::vector<Bytes> edge_values(size_t w, const BIGNUM* p)
{
    std::vector<Bn> v;
    for (unsigned k : {0u, 1u, 2u})
    {
        v.push_back(bn());
        BN_set_word(v.back().get(), k);
    }
    for (size_t bits = 64; bits <= 8 * w; bits += 64)
    {
        v.push_back(pow2(int(bits)));
        BN_sub_word(v.back().get(), 1);
        if (bits < 8 * w)
            v.push_back(pow2(int(bits)));
    }
    if (p != nullptr)
        for (int k : {-1, 0, 1})
            for (int mult : {1, 2})
            {
                Bn x = bn();
                BN_copy(x.get(), p);
                if (mult == 2)
                    BN_lshift1(x.get(), x.get());
                if (k < 0)
                    BN_sub_word(x.get(), 1);
                else if (k > 0)
                    BN_add_word(x.get(), 1);
                if (BN_num_bits(x.get()) <= int(8 * w))
                    v.push_back(std::move(x));
            }
    std::vector<Bytes> out;
    for (const auto& x : v)
        out.push_back(le_of(x.get(), w));
    return out;
}

// ------------------------------------------------------------ the harness side

const HostFunction& host(const std::string& name)
{
    const HostFunction* f = find_host_function("bignum", name);
    if (f == nullptr)
        throw std::runtime_error("no host function bignum." + name);
    return *f;
}

/// Where the operands live: a, b, a third input (mulMod's m) and two outputs.
constexpr uint32_t at_a = 0x100, at_b = 0x200, at_c = 0x300, at_out = 0x400, at_out2 = 0x500;

class BignumHost : public ::testing::Test
{
protected:
    static constexpr uint32_t memory_size = 65536;

    BignumHost()
      : memory(memory_size, 0)
      , view(memory.data(), memory.size())
    {}

    Value call(const std::string& name, const std::vector<uint32_t>& pointers)
    {
        const HostFunction& f = host(name);
        EXPECT_EQ(pointers.size(), f.type.params.size()) << name;
        std::vector<Value> args;
        for (uint32_t p : pointers)
            args.push_back(Value::from_i32(p));
        return f.fn(ctx, view, args.data());
    }

    void put(uint32_t at, const Bytes& b) { std::copy(b.begin(), b.end(), memory.begin() + at); }
    Bytes get(uint32_t at, size_t n) const
    {
        return Bytes(memory.begin() + at, memory.begin() + at + n);
    }

    /// Runs f expecting a host trap; returns its message.
    static std::string trap_of(const std::function<void()>& f)
    {
        try
        {
            f();
        }
        catch (const Trap& t)
        {
            EXPECT_EQ(t.kind(), TrapKind::host) << t.what();
            return t.what();
        }
        ADD_FAILURE() << "no trap";
        return {};
    }

    std::vector<uint8_t> memory;
    MemoryView view;
    BlockContext ctx;
};

struct Signature
{
    const char* name;
    size_t pointers;
    bool returns_i32;
    bool field_width;  ///< operands of W bytes (the block's field) rather than 32
};

const std::vector<Signature>& signatures()
{
    static const std::vector<Signature> all = {
        {"add256", 3, false, false},
        {"sub256", 3, false, false},
        {"mul256", 3, false, false},
        {"div256", 3, false, false},
        {"mulMod", 4, false, false},
        {"f1m_mul", 3, false, true},
        {"f1m_square", 2, false, true},
        {"f1m_add", 3, false, true},
        {"f1m_sub", 3, false, true},
        {"f1m_toMontgomery", 2, false, true},
        {"f1m_fromMontgomery", 2, false, true},
        {"int_add", 3, true, true},
        {"int_sub", 3, true, true},
        {"int_mul", 3, false, true},
        {"int_div", 4, false, true},
    };
    return all;
}

const FieldId all_fields[] = {FieldId::bn128, FieldId::secp256k1, FieldId::bls12_381};

}  // namespace

// ------------------------------------------------------------ registry

TEST(BignumRegistry, EveryFunctionInBothImportStyles)
{
    for (const auto& s : signatures())
    {
        SCOPED_TRACE(s.name);
        const HostFunction* own = find_host_function("bignum", s.name);
        ASSERT_NE(own, nullptr);
        EXPECT_EQ(own, find_host_function("env", std::string("bignum_") + s.name));
        EXPECT_STREQ(own->module, "bignum");
        FuncType expected;
        expected.params.assign(s.pointers, ValType::i32);
        if (s.returns_i32)
            expected.results = {ValType::i32};
        EXPECT_EQ(own->type, expected) << to_string(own->type);
    }
    size_t count = 0;
    for (const auto& f : host_functions())
        count += std::string(f.module) == "bignum";
    EXPECT_EQ(count, signatures().size());
}

// ------------------------------------------------------------ 256-bit, big-endian

TEST_F(BignumHost, Add256IsBigEndianWithCarriesAcrossBytes)
{
    // a = 0x12 << 248 | (2^64 - 1): the carry of + 1 crosses the low limb into byte 23.
    Bytes a(32, 0), b(32, 0), expected(32, 0);
    a[0] = 0x12;
    for (int i = 24; i < 32; ++i)
        a[i] = 0xff;
    b[31] = 0x01;
    expected[0] = 0x12;
    expected[23] = 0x01;
    put(at_a, a);
    put(at_b, b);
    call("add256", {at_a, at_b, at_out});
    EXPECT_EQ(hex(get(at_out, 32)), hex(expected));
    call("sub256", {at_out, at_b, at_out});
    EXPECT_EQ(hex(get(at_out, 32)), hex(a));
}

TEST_F(BignumHost, TwoFiftySixBitWrapAround)
{
    const Bytes max(32, 0xff), zero(32, 0);
    Bytes one(32, 0);
    one[31] = 1;
    put(at_a, max);
    put(at_b, one);
    call("add256", {at_a, at_b, at_out});
    EXPECT_EQ(get(at_out, 32), zero);  // 2^256 - 1 + 1
    put(at_a, zero);
    call("sub256", {at_a, at_b, at_out});
    EXPECT_EQ(get(at_out, 32), max);  // 0 - 1
    put(at_a, max);
    put(at_b, max);
    call("mul256", {at_a, at_b, at_out});
    EXPECT_EQ(get(at_out, 32), one);  // (-1) * (-1)
    put(at_b, one);
    call("div256", {at_a, at_b, at_out});
    EXPECT_EQ(get(at_out, 32), max);
    put(at_a, one);
    put(at_b, max);
    call("div256", {at_a, at_b, at_out});
    EXPECT_EQ(get(at_out, 32), zero);
}

TEST_F(BignumHost, MulModUsesTheFull512BitProduct)
{
    // (2^256 - 1)^2 mod (2^256 - 3) = 4: modulo 2^256 first would give 1.
    const Bytes max(32, 0xff);
    Bytes m(32, 0xff);
    m[31] = 0xfd;
    put(at_a, max);
    put(at_b, max);
    put(at_c, m);
    call("mulMod", {at_a, at_b, at_c, at_out});
    Bytes four(32, 0);
    four[31] = 4;
    EXPECT_EQ(hex(get(at_out, 32)), hex(four));
}

TEST_F(BignumHost, DivisionByZeroAndZeroModulusTrapAndWriteNothing)
{
    Bytes a(32, 0x11);
    put(at_a, a);
    put(at_out, Bytes(32, 0xee));
    const auto before = memory;
    auto msg = trap_of([&] { call("div256", {at_a, at_b, at_out}); });
    EXPECT_EQ(msg, "bignum.div256: division by zero");
    EXPECT_EQ(memory, before);
    msg = trap_of([&] { call("mulMod", {at_a, at_a, at_b, at_out}); });
    EXPECT_EQ(msg, "bignum.mulMod: modulus is zero");
    EXPECT_EQ(memory, before);
}

TEST_F(BignumHost, TwoFiftySixBitRandomAgainstOpenSsl)
{
    Ctx bctx;
    Gen gen(seed, 32);
    const Bn mod = pow2(256);
    Bn e = bn(), rem = bn();
    int failures = 0;
    const int cases = 10000;
    for (int i = 0; i < cases && failures < 5; ++i)
    {
        const Bytes a = reversed(gen()), b = reversed(gen()), m = reversed(gen());
        const Bn ba = bn_be(a), bb = bn_be(b), bm = bn_be(m);
        put(at_a, a);
        put(at_b, b);
        put(at_c, m);
        auto check = [&](const char* name, const Bytes& expected) {
            if (get(at_out, 32) != expected)
            {
                ++failures;
                ADD_FAILURE() << name << " seed " << seed << " case " << i << " a=" << hex(a)
                              << " b=" << hex(b) << " m=" << hex(m) << ": got "
                              << hex(get(at_out, 32)) << ", expected " << hex(expected);
            }
        };

        call("add256", {at_a, at_b, at_out});
        BN_add(e.get(), ba.get(), bb.get());
        BN_mask_bits(e.get(), 256);
        check("add256", be_of(e.get(), 32));

        call("sub256", {at_a, at_b, at_out});
        BN_sub(e.get(), ba.get(), bb.get());
        BN_nnmod(e.get(), e.get(), mod.get(), bctx);
        check("sub256", be_of(e.get(), 32));

        call("mul256", {at_a, at_b, at_out});
        BN_mul(e.get(), ba.get(), bb.get(), bctx);
        BN_mask_bits(e.get(), 256);
        check("mul256", be_of(e.get(), 32));

        if (!BN_is_zero(bb.get()))
        {
            call("div256", {at_a, at_b, at_out});
            BN_div(e.get(), rem.get(), ba.get(), bb.get(), bctx);
            check("div256", be_of(e.get(), 32));
        }
        if (!BN_is_zero(bm.get()))
        {
            call("mulMod", {at_a, at_b, at_c, at_out});
            BN_mod_mul(e.get(), ba.get(), bb.get(), bm.get(), bctx);
            check("mulMod", be_of(e.get(), 32));
        }
    }
}

TEST_F(BignumHost, TwoFiftySixBitOutputMayAliasInputs)
{
    Gen gen(seed + 1, 32);
    for (int i = 0; i < 200; ++i)
    {
        const Bytes a = reversed(gen()), b = reversed(gen());
        Bytes m = reversed(gen());
        m[0] |= 0x80;  // non-zero
        for (const char* name : {"add256", "sub256", "mul256", "div256", "mulMod"})
        {
            SCOPED_TRACE(std::string(name) + " case " + std::to_string(i));
            const bool mulmod = std::string(name) == "mulMod";
            Bytes divisor = b;
            if (std::string(name) == "div256")
                divisor[31] |= 1;
            // Reference: separate output.
            put(at_a, a);
            put(at_b, divisor);
            put(at_c, m);
            if (mulmod)
                call(name, {at_a, at_b, at_c, at_out});
            else
                call(name, {at_a, at_b, at_out});
            const Bytes expected = get(at_out, 32);
            // out == a, out == b, (and out == m).
            const std::vector<uint32_t> targets = mulmod ? std::vector<uint32_t>{at_a, at_b, at_c}
                                                         : std::vector<uint32_t>{at_a, at_b};
            for (uint32_t target : targets)
            {
                put(at_a, a);
                put(at_b, divisor);
                put(at_c, m);
                if (mulmod)
                    call(name, {at_a, at_b, at_c, target});
                else
                    call(name, {at_a, at_b, target});
                EXPECT_EQ(get(target, 32), expected) << "out at " << target;
            }
        }
        // a == b == out: squaring in place.
        put(at_a, a);
        put(at_b, a);
        call("mul256", {at_a, at_b, at_out});
        const Bytes square = get(at_out, 32);
        call("mul256", {at_a, at_a, at_a});
        EXPECT_EQ(get(at_a, 32), square);
    }
}

// ------------------------------------------------------------ websnark, little-endian

namespace {

/// What one field function should produce: its output(s) and its return value.
struct Expected
{
    Bytes out;
    Bytes out2;  ///< int_div's remainder
    uint32_t result = 0;
};

/// The oracle for the f1m_* and int_* functions on (a, b), W-byte little-endian.
Expected oracle(FieldOracle& o, const std::string& name, const Bytes& a, const Bytes& b)
{
    const size_t w = o.width;
    const Bn ba = bn_le(a), bb = bn_le(b);
    Bn e = bn();
    Expected x;
    BN_CTX* ctx = o.ctx;
    if (name == "f1m_mul" || name == "f1m_square")
    {
        BN_mod_mul(e.get(), ba.get(), name == "f1m_mul" ? bb.get() : ba.get(), o.p.get(), ctx);
        BN_mod_mul(e.get(), e.get(), o.r_inv.get(), o.p.get(), ctx);
    }
    else if (name == "f1m_add")
    {
        BN_add(e.get(), ba.get(), bb.get());
        BN_nnmod(e.get(), e.get(), o.p.get(), ctx);
    }
    else if (name == "f1m_sub")
    {
        BN_sub(e.get(), ba.get(), bb.get());
        BN_nnmod(e.get(), e.get(), o.p.get(), ctx);
    }
    else if (name == "f1m_toMontgomery")
        BN_mod_mul(e.get(), ba.get(), o.r_mod_p.get(), o.p.get(), ctx);
    else if (name == "f1m_fromMontgomery")
        BN_mod_mul(e.get(), ba.get(), o.r_inv.get(), o.p.get(), ctx);
    else if (name == "int_add")
    {
        BN_add(e.get(), ba.get(), bb.get());
        x.result = BN_cmp(e.get(), o.r.get()) >= 0 ? 1 : 0;
        BN_mask_bits(e.get(), int(8 * w));
    }
    else if (name == "int_sub")
    {
        BN_sub(e.get(), ba.get(), bb.get());
        x.result = BN_is_negative(e.get()) ? 1 : 0;
        BN_nnmod(e.get(), e.get(), o.r.get(), ctx);
    }
    else if (name == "int_mul")
    {
        BN_mul(e.get(), ba.get(), bb.get(), ctx);
        BN_mask_bits(e.get(), int(8 * w));
    }
    else if (name == "int_div")
    {
        Bn rem = bn();
        BN_div(e.get(), rem.get(), ba.get(), bb.get(), ctx);
        x.out2 = le_of(rem.get(), w);
    }
    else
        throw std::logic_error("no oracle for " + name);
    x.out = le_of(e.get(), w);
    return x;
}

const char* const field_functions[] = {
    "f1m_mul", "f1m_square", "f1m_add", "f1m_sub", "f1m_toMontgomery", "f1m_fromMontgomery",
    "int_add", "int_sub",    "int_mul", "int_div"};

bool is_unary(const std::string& name)
{
    return name == "f1m_square" || name == "f1m_toMontgomery" || name == "f1m_fromMontgomery";
}

}  // namespace

class BignumField : public BignumHost, public ::testing::WithParamInterface<FieldId>
{
protected:
    BignumField()
      : o(GetParam())
      , w(o.width)
    {
        ctx.field = GetParam();
    }

    /// Calls `name` on (a, b) with outputs at at_out (and at_out2); returns what it wrote.
    Expected run(const std::string& name, const Bytes& a, const Bytes& b)
    {
        put(at_a, a);
        put(at_b, b);
        Expected got;
        if (is_unary(name))
            call(name, {at_a, at_out});
        else if (name == "int_div")
            call(name, {at_a, at_b, at_out, at_out2});
        else
            got.result = call(name, {at_a, at_b, at_out}).i32();
        got.out = get(at_out, w);
        if (name == "int_div")
            got.out2 = get(at_out2, w);
        return got;
    }

    /// Compares one call with the oracle; false (and a failure naming the case) on a mismatch.
    bool agree(const std::string& name, const Bytes& a, const Bytes& b, const std::string& where)
    {
        if (name == "int_div" && BN_is_zero(bn_le(b).get()))
            return true;
        const Expected want = oracle(o, name, a, b);
        const Expected got = run(name, a, b);
        if (got.out == want.out && got.out2 == want.out2 && got.result == want.result)
            return true;
        ADD_FAILURE() << name << " (" << to_string(GetParam()) << ") " << where << " a=" << hex(a)
                      << " b=" << hex(b) << ": got " << hex(got.out) << " " << hex(got.out2) << " "
                      << got.result << ", expected " << hex(want.out) << " " << hex(want.out2)
                      << " " << want.result;
        return false;
    }

    FieldOracle o;
    size_t w;
};

INSTANTIATE_TEST_SUITE_P(Fields, BignumField, ::testing::ValuesIn(all_fields),
                         [](const auto& info) {
                             std::string n = to_string(info.param);
                             for (auto& c : n)
                                 if (c == '-')
                                     c = '_';
                             return n;
                         });

TEST_P(BignumField, WidthFollowsTheField)
{
    EXPECT_EQ(w, field_width(GetParam()));
}

TEST_P(BignumField, EdgeValuesAgainstOpenSsl)
{
    const auto values = edge_values(w, o.p.get());
    for (const char* name : field_functions)
        for (const auto& a : values)
            for (const auto& b : values)
                agree(name, a, b, "edge");
}

TEST_P(BignumField, RandomAgainstOpenSsl)
{
    const uint64_t s = seed + 100 + static_cast<uint64_t>(GetParam());
    Gen gen(s, w, o.p.get());
    int failures = 0;
    int unreduced = 0;
    const int cases = 5000;
    for (int i = 0; i < cases && failures < 5; ++i)
    {
        const Bytes a = gen(), b = gen();
        if (BN_cmp(bn_le(a).get(), o.p.get()) >= 0)
            ++unreduced;
        for (const char* name : field_functions)
            if (!agree(name, a, b, "seed " + std::to_string(s) + " case " + std::to_string(i)))
                ++failures;
    }
    // Inputs >= p are part of the contract: make sure every field saw plenty.
    EXPECT_GT(unreduced, cases / 10);
}

TEST_P(BignumField, ReadsAndWritesExactlyWBytes)
{
    Gen gen(seed + 7, w, o.p.get());
    for (const char* name : field_functions)
    {
        SCOPED_TRACE(name);
        memory.assign(memory.size(), 0xcc);
        Bytes b = gen();
        b[0] |= 1;
        run(name, gen(), b);
        // Canary bytes on both sides of each output survive.
        EXPECT_EQ(memory[at_out - 1], 0xcc);
        EXPECT_EQ(memory[at_out + w], 0xcc);
        EXPECT_EQ(memory[at_out2 - 1], 0xcc);
        if (std::string(name) != "int_div")
            EXPECT_EQ(memory[at_out2], 0xcc);
        else
            EXPECT_EQ(memory[at_out2 + w], 0xcc);
    }
}

TEST_P(BignumField, OutputMayAliasInputs)
{
    Gen gen(seed + 8, w, o.p.get());
    for (int i = 0; i < 200; ++i)
    {
        const Bytes a = gen();
        Bytes b = gen();
        b[0] |= 1;  // a divisor for int_div
        for (const char* name : field_functions)
        {
            const std::string n = name;
            SCOPED_TRACE(n + " case " + std::to_string(i));
            const Expected want = oracle(o, n, a, b);
            if (is_unary(n))
            {
                put(at_a, a);
                call(n, {at_a, at_a});
                EXPECT_EQ(get(at_a, w), want.out);
                continue;
            }
            if (n == "int_div")
            {
                // quotient over a, remainder over b
                put(at_a, a);
                put(at_b, b);
                call(n, {at_a, at_b, at_a, at_b});
                EXPECT_EQ(get(at_a, w), want.out);
                EXPECT_EQ(get(at_b, w), want.out2);
                // quotient over b, remainder over a
                put(at_a, a);
                put(at_b, b);
                call(n, {at_a, at_b, at_b, at_a});
                EXPECT_EQ(get(at_b, w), want.out);
                EXPECT_EQ(get(at_a, w), want.out2);
                // one range for both: the remainder, written second, remains
                put(at_a, a);
                put(at_b, b);
                call(n, {at_a, at_b, at_out, at_out});
                EXPECT_EQ(get(at_out, w), want.out2);
                continue;
            }
            for (uint32_t target : {at_a, at_b})
            {
                put(at_a, a);
                put(at_b, b);
                EXPECT_EQ(call(n, {at_a, at_b, target}).i32(), want.result);
                EXPECT_EQ(get(target, w), want.out) << "out at " << target;
            }
            // a == b == out
            const Expected same = oracle(o, n, a, a);
            put(at_a, a);
            EXPECT_EQ(call(n, {at_a, at_a, at_a}).i32(), same.result);
            EXPECT_EQ(get(at_a, w), same.out);
        }
    }
}

TEST_P(BignumField, MontgomeryRoundTripAndOne)
{
    Gen gen(seed + 9, w, o.p.get());
    Ctx bctx;
    for (int i = 0; i < 500; ++i)
    {
        const Bytes x = gen();
        put(at_a, x);
        call("f1m_toMontgomery", {at_a, at_b});
        call("f1m_fromMontgomery", {at_b, at_out});
        Bn reduced = bn();
        BN_nnmod(reduced.get(), bn_le(x).get(), o.p.get(), bctx);
        EXPECT_EQ(get(at_out, w), le_of(reduced.get(), w)) << hex(x);
    }
    // toMontgomery(1) is R mod p; f1m_mul by it is the identity on Montgomery forms.
    Bytes one(w, 0);
    one[0] = 1;
    put(at_a, one);
    call("f1m_toMontgomery", {at_a, at_b});
    EXPECT_EQ(get(at_b, w), le_of(o.r_mod_p.get(), w));
}

TEST_P(BignumField, IntDivByZeroTrapsAndWritesNothing)
{
    put(at_a, Bytes(w, 0x42));
    put(at_b, Bytes(w, 0));
    const auto before = memory;
    const auto msg = trap_of([&] { call("int_div", {at_a, at_b, at_out, at_out2}); });
    EXPECT_EQ(msg, "bignum.int_div: division by zero");
    EXPECT_EQ(memory, before);
}

TEST_P(BignumField, CarryAndBorrowResults)
{
    const Bytes max(w, 0xff), zero(w, 0);
    Bytes one(w, 0);
    one[0] = 1;
    EXPECT_EQ(run("int_add", max, one).result, 1u);
    EXPECT_EQ(run("int_add", max, one).out, zero);
    EXPECT_EQ(run("int_add", max, zero).result, 0u);
    EXPECT_EQ(run("int_sub", zero, one).result, 1u);
    EXPECT_EQ(run("int_sub", zero, one).out, max);
    EXPECT_EQ(run("int_sub", one, one).result, 0u);
    EXPECT_EQ(run("int_mul", max, max).out, one);
}

// ------------------------------------------------------------ pointers out of range

// Every pointer argument of every function, for every field: just past the end, at the end,
// in the middle of the 32-bit range and near 0xFFFFFFFF is a host trap that names the
// function and leaves memory unchanged; the last in-range position works.
TEST_P(BignumField, EveryPointerOutOfRangeTraps)
{
    Gen gen(seed + 10, 32);
    for (const auto& s : signatures())
    {
        const size_t width = s.field_width ? w : 32;
        const uint32_t last = memory_size - static_cast<uint32_t>(width);
        for (size_t arg = 0; arg < s.pointers; ++arg)
        {
            SCOPED_TRACE(std::string(s.name) + " argument " + std::to_string(arg));
            for (uint32_t bad : {last + 1, uint32_t{memory_size}, 0x80000000u,
                                 0xFFFFFFFFu - static_cast<uint32_t>(width) + 1, 0xFFFFFFFFu})
            {
                for (size_t i = 0; i < memory.size(); ++i)
                    memory[i] = static_cast<uint8_t>(i * 7 + 1);  // non-zero divisors
                std::vector<uint32_t> ptrs = {at_a, at_b, at_c, at_out2};
                ptrs.resize(s.pointers);
                ptrs[arg] = bad;
                const auto before = memory;
                const auto msg = trap_of([&] { call(s.name, ptrs); });
                EXPECT_TRUE(contains(msg, std::string("bignum.") + s.name + ": memory range [" +
                                              std::to_string(bad) + ", "))
                    << msg;
                EXPECT_TRUE(contains(msg, "out of bounds")) << msg;
                EXPECT_EQ(memory, before) << "a trapping call wrote to memory";
            }
            std::vector<uint32_t> ptrs = {at_a, at_b, at_c, at_out2};
            ptrs.resize(s.pointers);
            ptrs[arg] = last;
            EXPECT_NO_THROW(call(s.name, ptrs));
        }
    }
}
