// The arithmetic layer of module bignum (src/core/uint_arith.hpp), checked against OpenSSL's
// BIGNUM as an independent oracle: edge values, carries and borrows across every limb, and
// thousands of seeded random cases per operation and per width. The constants are also
// checked against the ones scout.ts hard-coded (its bn128, secp256k1 and bls12 branches).

#include "uint_arith.hpp"

#include <gtest/gtest.h>
#include <openssl/bn.h>

#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace scout::arith;

namespace {

// ------------------------------------------------------------ the OpenSSL oracle

using Bn = std::unique_ptr<BIGNUM, decltype(&BN_free)>;

Bn bn()
{
    return Bn(BN_new(), BN_free);
}

Bn bn_from_le(const uint8_t* bytes, size_t n)
{
    return Bn(BN_lebin2bn(bytes, static_cast<int>(n), nullptr), BN_free);
}

template <size_t N> Bn to_bn(const Uint<N>& x)
{
    uint8_t le[8 * N];
    store_le(x, le);
    return bn_from_le(le, 8 * N);
}

/// Limbs of a non-negative BIGNUM; fails the test when it does not fit.
template <size_t N> Uint<N> from_bn(const BIGNUM* x)
{
    uint8_t le[8 * N];
    EXPECT_FALSE(BN_is_negative(x));
    EXPECT_EQ(BN_bn2lebinpad(x, le, 8 * N), static_cast<int>(8 * N)) << "does not fit";
    return load_le<N>(le);
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

template <size_t N> std::string hex(const Uint<N>& x)
{
    std::ostringstream out;
    out << "0x" << std::hex;
    for (size_t i = N; i-- > 0;)
    {
        out.width(16);
        out.fill('0');
        out << x[i];
    }
    return out.str();
}

// ------------------------------------------------------------ inputs

constexpr uint64_t seed = 0x5c0b16;

/// Random numbers shaped to reach the corners: uniform limbs, 32-bit digits drawn from
/// {0, 1, 0x7fffffff, 0x80000000, 0xffffffff, random}, short numbers (high limbs zero), and
/// numbers near `near` (a modulus: near - 3 ... near + 2^32) and near 2^(64N).
template <size_t N> class Gen
{
public:
    explicit Gen(uint64_t s, Uint<N> near = {})
      : rng_(s)
      , near_(near)
    {}

    Uint<N> operator()()
    {
        Uint<N> x{};
        switch (rng_() % 8)
        {
        case 0:
        case 1:
        case 2:
            for (auto& l : x)
                l = rng_();
            break;
        case 3:
            for (auto& l : x)
                l = digit() | (digit() << 32);
            break;
        case 4: {
            for (auto& l : x)
                l = rng_();
            const size_t keep = rng_() % (N + 1);
            for (size_t i = keep; i < N; ++i)
                x[i] = 0;
            break;
        }
        case 5: {
            if (is_zero(near_))
                return (*this)();
            Uint<N> d{};
            d[0] = rng_() % 4 == 0 ? rng_() % 4 : rng_() & 0xffffffff;
            if (rng_() % 2 == 0)
                sub(x, near_, d);
            else
                add(x, near_, d);
            break;
        }
        case 6: {
            Uint<N> d{};
            d[0] = rng_() % 1000;
            sub(x, Uint<N>{}, d);  // 2^(64N) - d
            break;
        }
        default:
            for (auto& l : x)
                l = rng_();
            x[N - 1] >>= rng_() % 64;
            break;
        }
        return x;
    }

    uint64_t next() { return rng_(); }

private:
    uint64_t digit()
    {
        static constexpr uint64_t digits[] = {0, 1, 0x7fffffff, 0x80000000, 0xffffffff};
        const auto k = rng_() % 6;
        return k < 5 ? digits[k] : (rng_() & 0xffffffff);
    }

    std::mt19937_64 rng_;
    Uint<N> near_;
};

/// 0, 1, 2, 2^(64k) - 1 and 2^(64k) for every limb boundary, 2^(64N) - 1, 2^(64N) - 2, and,
/// when p is given, p - 2, p - 1, p, p + 1, 2p - 1, 2p (when below 2^(64N)) and (p - 1) / 2.
template <size_t N> std::vector<Uint<N>> edge_values(const Uint<N>* p = nullptr)
{
    std::vector<Uint<N>> v;
    v.push_back({});
    v.push_back({1});
    v.push_back({2});
    for (size_t k = 1; k <= N; ++k)
    {
        Uint<N> below{};
        for (size_t i = 0; i < k; ++i)
            below[i] = ~uint64_t{0};
        v.push_back(below);
        if (k < N)
        {
            Uint<N> at{};
            at[k] = 1;
            v.push_back(at);
        }
    }
    Uint<N> max_minus_1;
    sub(max_minus_1, Uint<N>{}, Uint<N>{2});
    v.push_back(max_minus_1);
    if (p != nullptr)
    {
        Uint<N> x;
        sub(x, *p, Uint<N>{2});
        v.push_back(x);
        sub(x, *p, Uint<N>{1});
        v.push_back(x);
        v.push_back(*p);
        add(x, *p, Uint<N>{1});
        v.push_back(x);
        Uint<N> two_p;
        if (add(two_p, *p, *p) == 0)
        {
            sub(x, two_p, Uint<N>{1});
            v.push_back(x);
            v.push_back(two_p);
        }
        x = *p;
        for (size_t i = 0; i < N; ++i)
            x[i] = (x[i] >> 1) | (i + 1 < N ? x[i + 1] << 63 : 0);
        v.push_back(x);
    }
    return v;
}

/// Stops a randomized test after a few reported mismatches.
struct Failures
{
    int count = 0;
    bool stop() const { return count >= 5; }
};

}  // namespace

// ------------------------------------------------------------ bytes and hex

TEST(UintArith, ByteOrders)
{
    uint8_t bytes[32];
    for (int i = 0; i < 32; ++i)
        bytes[i] = static_cast<uint8_t>(i + 1);
    const auto le = load_le<4>(bytes);
    EXPECT_EQ(le[0], 0x0807060504030201u);
    EXPECT_EQ(le[3], 0x201f1e1d1c1b1a19u);
    const auto be = load_be<4>(bytes);
    EXPECT_EQ(be[3], 0x0102030405060708u);
    EXPECT_EQ(be[0], 0x191a1b1c1d1e1f20u);
    uint8_t out[32];
    store_le(le, out);
    EXPECT_EQ(std::vector<uint8_t>(out, out + 32), std::vector<uint8_t>(bytes, bytes + 32));
    store_be(be, out);
    EXPECT_EQ(std::vector<uint8_t>(out, out + 32), std::vector<uint8_t>(bytes, bytes + 32));
}

TEST(UintArith, FromHex)
{
    EXPECT_EQ(from_hex<2>("1"), (Uint<2>{1, 0}));
    EXPECT_EQ(from_hex<2>("10000000000000000"), (Uint<2>{0, 1}));
    EXPECT_EQ(from_hex<2>("ABCdef0123456789ffffffffffffffff"),
              (Uint<2>{0xffffffffffffffff, 0xabcdef0123456789}));
    EXPECT_THROW(from_hex<1>(""), std::invalid_argument);
    EXPECT_THROW(from_hex<1>("12345678123456781"), std::invalid_argument);
    EXPECT_THROW(from_hex<1>("0x12"), std::invalid_argument);
}

// ------------------------------------------------------------ integers

TEST(UintArith, CarryAndBorrowAcrossEveryLimb)
{
    for (size_t k = 1; k <= 6; ++k)
    {
        Uint<6> below{};  // 2^(64k) - 1
        for (size_t i = 0; i < k; ++i)
            below[i] = ~uint64_t{0};
        Uint<6> r;
        const uint64_t carry = add(r, below, Uint<6>{1});
        Uint<6> expected{};
        if (k < 6)
            expected[k] = 1;
        EXPECT_EQ(r, expected) << k;
        EXPECT_EQ(carry, k == 6 ? 1u : 0u) << k;
        const uint64_t borrow = sub(r, expected, Uint<6>{1});
        EXPECT_EQ(r, below) << k;
        EXPECT_EQ(borrow, k == 6 ? 1u : 0u) << k;
    }
    Uint<4> r;
    EXPECT_EQ(sub(r, Uint<4>{}, Uint<4>{1}), 1u);
    EXPECT_EQ(r, (Uint<4>{~0ull, ~0ull, ~0ull, ~0ull}));
    EXPECT_EQ(add(r, r, r), 1u);  // aliasing: (2^256 - 1) * 2 = 2^257 - 2
    EXPECT_EQ(r, (Uint<4>{~1ull, ~0ull, ~0ull, ~0ull}));
    const Uint<4> max{~0ull, ~0ull, ~0ull, ~0ull};
    EXPECT_EQ(mul_low(max, max), (Uint<4>{1}));  // (-1)^2
    const auto wide = mul_wide(max, max);        // 2^512 - 2^257 + 1
    EXPECT_EQ(wide, (Uint<8>{1, 0, 0, 0, ~1ull, ~0ull, ~0ull, ~0ull}));
}

template <size_t N> void random_integer_ops(uint64_t s, int cases)
{
    Ctx ctx;
    Gen<N> gen(s);
    const Bn mod = pow2(64 * N);
    Bn e = bn();
    Failures f;
    for (int i = 0; i < cases && !f.stop(); ++i)
    {
        const Uint<N> a = gen(), b = gen();
        const Bn ba = to_bn(a), bb = to_bn(b);
        auto report = [&](const char* op) {
            ++f.count;
            ADD_FAILURE() << op << " N=" << N << " seed " << s << " case " << i << " a=" << hex(a)
                          << " b=" << hex(b);
        };

        Uint<N> r;
        uint64_t carry = add(r, a, b);
        BN_add(e.get(), ba.get(), bb.get());
        const bool expect_carry = BN_cmp(e.get(), mod.get()) >= 0;
        BN_nnmod(e.get(), e.get(), mod.get(), ctx);
        if (r != from_bn<N>(e.get()) || carry != (expect_carry ? 1u : 0u))
            report("add");

        carry = sub(r, a, b);
        BN_sub(e.get(), ba.get(), bb.get());
        const bool expect_borrow = BN_is_negative(e.get());
        BN_nnmod(e.get(), e.get(), mod.get(), ctx);
        if (r != from_bn<N>(e.get()) || carry != (expect_borrow ? 1u : 0u))
            report("sub");

        BN_mul(e.get(), ba.get(), bb.get(), ctx);
        if (mul_wide(a, b) != from_bn<2 * N>(e.get()))
            report("mul_wide");
        BN_mask_bits(e.get(), 64 * N);
        if (mul_low(a, b) != from_bn<N>(e.get()))
            report("mul_low");

        if (!is_zero(b))
        {
            Uint<N> q, rem;
            divmod(a, b, q, rem);
            Bn eq = bn(), er = bn();
            BN_div(eq.get(), er.get(), ba.get(), bb.get(), ctx);
            if (q != from_bn<N>(eq.get()) || rem != from_bn<N>(er.get()))
                report("divmod");
        }

        const int c = compare(a, b);
        if (c != BN_cmp(ba.get(), bb.get()))
            report("compare");
    }
}

TEST(UintArith, RandomIntegerOps256)
{
    random_integer_ops<4>(seed, 10000);
}

TEST(UintArith, RandomIntegerOps384)
{
    random_integer_ops<6>(seed + 1, 10000);
}

// Algorithm D's rare steps: a quotient estimate two too large, and the add-back (D6). The
// first three are the "add back required" and "signed mult-sub" cases of Hacker's Delight's
// divmnu test table (32-bit digits, least significant first).
TEST(UintArith, DivmodKnuthCorners)
{
    struct Case
    {
        std::vector<uint32_t> u, v;
    };
    const std::vector<Case> cases = {
        {{0x00000000, 0x0000fffe, 0x80000000}, {0x0000ffff, 0x00000000, 0x80000000}},
        {{0x00000003, 0x00000000, 0x80000000, 0x00000000}, {0x00000001, 0x00000000, 0x20000000}},
        {{0x00000003, 0x00000000, 0x00008000, 0x00000000}, {0x00000001, 0x00000000, 0x00002000}},
        {{0, 0, 0x8000, 0x7fff}, {1, 0, 0x8000}},
        {{0, 0xfffe, 0, 0x8000}, {0xffff, 0x8000}},
        {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff}},
        {{0x89abcdef, 0x01234567, 0, 0}, {0x00000000, 0x00000001}},
    };
    Ctx ctx;
    for (const auto& c : cases)
    {
        uint64_t u[4] = {}, v[4] = {}, q[4], r[4];
        for (size_t i = 0; i < c.u.size(); ++i)
            u[i / 2] |= uint64_t{c.u[i]} << (32 * (i % 2));
        for (size_t i = 0; i < c.v.size(); ++i)
            v[i / 2] |= uint64_t{c.v[i]} << (32 * (i % 2));
        divmod(u, 2, v, 2, q, r);
        const Uint<2> uu{u[0], u[1]}, vv{v[0], v[1]};
        Bn eq = bn(), er = bn();
        BN_div(eq.get(), er.get(), to_bn(uu).get(), to_bn(vv).get(), ctx);
        EXPECT_EQ((Uint<2>{q[0], q[1]}), from_bn<2>(eq.get())) << hex(uu) << " / " << hex(vv);
        EXPECT_EQ((Uint<2>{r[0], r[1]}), from_bn<2>(er.get())) << hex(uu) << " % " << hex(vv);
    }
}

// Dividend and divisor of different lengths, as mulMod (8 by 4 limbs) and R^2 mod p (13 by
// 6 limbs) use them, with divisors of every significant length.
TEST(UintArith, RandomDivmodMixedSizes)
{
    Ctx ctx;
    std::mt19937_64 rng(seed + 2);
    Gen<16> gen(seed + 3);
    const std::vector<std::pair<size_t, size_t>> shapes = {{8, 4}, {13, 6}, {16, 16}, {16, 1},
                                                           {2, 3}, {5, 5},  {1, 1},   {12, 7}};
    Failures f;
    for (const auto& [m, n] : shapes)
        for (int i = 0; i < 600 && !f.stop(); ++i)
        {
            const Uint<16> ux = gen(), vx = gen();
            uint64_t u[16] = {}, v[16] = {}, q[16], r[16];
            for (size_t k = 0; k < m; ++k)
                u[k] = ux[k];
            const size_t used = 1 + rng() % n;  // significant limbs of the divisor
            for (size_t k = 0; k < used; ++k)
                v[k] = vx[k];
            if (v[used - 1] == 0)
                v[used - 1] = 1 + (rng() >> (rng() % 64));
            divmod(u, m, v, n, q, r);
            Uint<16> uu{}, vv{}, qq{}, rr{};
            for (size_t k = 0; k < m; ++k)
                uu[k] = u[k], qq[k] = q[k];
            for (size_t k = 0; k < n; ++k)
                vv[k] = v[k], rr[k] = r[k];
            Bn eq = bn(), er = bn();
            BN_div(eq.get(), er.get(), to_bn(uu).get(), to_bn(vv).get(), ctx);
            if (qq != from_bn<16>(eq.get()) || rr != from_bn<16>(er.get()))
            {
                ++f.count;
                ADD_FAILURE() << "divmod " << m << "x" << n << " seed " << seed + 2 << "/"
                              << seed + 3 << " case " << i << " u=" << hex(uu) << " v=" << hex(vv);
            }
        }
}

TEST(UintArith, DivmodRejectsZeroAndBadSizes)
{
    uint64_t u[2] = {5, 0}, v[2] = {0, 0}, q[2], r[2];
    EXPECT_THROW(divmod(u, 2, v, 2, q, r), std::invalid_argument);
    v[0] = 1;
    EXPECT_THROW(divmod(u, 0, v, 2, q, r), std::invalid_argument);
    EXPECT_THROW(divmod(u, 17, v, 2, q, r), std::invalid_argument);
}

// ------------------------------------------------------------ Montgomery fields

namespace {

/// The oracle of one field: p, R = 2^(64N) and R^-1 mod p, computed by OpenSSL.
template <size_t N> struct FieldOracle
{
    explicit FieldOracle(const MontgomeryField<N>& f)
      : p(to_bn(f.modulus()))
    {
        const Bn r = pow2(64 * N);
        BN_nnmod(r_mod_p.get(), r.get(), p.get(), ctx);
        BN_mod_inverse(r_inv.get(), r_mod_p.get(), p.get(), ctx);
    }

    Uint<N> mont_mul(const Uint<N>& a, const Uint<N>& b)
    {
        BN_mod_mul(e.get(), to_bn(a).get(), to_bn(b).get(), p.get(), ctx);
        BN_mod_mul(e.get(), e.get(), r_inv.get(), p.get(), ctx);
        return from_bn<N>(e.get());
    }
    Uint<N> add(const Uint<N>& a, const Uint<N>& b)
    {
        BN_add(e.get(), to_bn(a).get(), to_bn(b).get());
        BN_nnmod(e.get(), e.get(), p.get(), ctx);
        return from_bn<N>(e.get());
    }
    Uint<N> sub(const Uint<N>& a, const Uint<N>& b)
    {
        BN_sub(e.get(), to_bn(a).get(), to_bn(b).get());
        BN_nnmod(e.get(), e.get(), p.get(), ctx);
        return from_bn<N>(e.get());
    }
    Uint<N> to_mont(const Uint<N>& a)
    {
        BN_mod_mul(e.get(), to_bn(a).get(), r_mod_p.get(), p.get(), ctx);
        return from_bn<N>(e.get());
    }
    Uint<N> from_mont(const Uint<N>& a)
    {
        BN_mod_mul(e.get(), to_bn(a).get(), r_inv.get(), p.get(), ctx);
        return from_bn<N>(e.get());
    }
    Uint<N> reduce(const Uint<N>& a)
    {
        BN_nnmod(e.get(), to_bn(a).get(), p.get(), ctx);
        return from_bn<N>(e.get());
    }

    Ctx ctx;
    Bn p;
    Bn r_mod_p = bn();
    Bn r_inv = bn();
    Bn e = bn();
};

/// Checks every operation of `f` on (a, b) against the oracle; false on a mismatch.
template <size_t N>
bool check_field_ops(const MontgomeryField<N>& f, FieldOracle<N>& o, const Uint<N>& a,
                     const Uint<N>& b, std::string& failed)
{
    if (f.mul(a, b) != o.mont_mul(a, b))
        failed = "mul";
    else if (f.square(a) != o.mont_mul(a, a))
        failed = "square";
    else if (f.add(a, b) != o.add(a, b))
        failed = "add";
    else if (f.sub(a, b) != o.sub(a, b))
        failed = "sub";
    else if (f.to_montgomery(a) != o.to_mont(a))
        failed = "to_montgomery";
    else if (f.from_montgomery(a) != o.from_mont(a))
        failed = "from_montgomery";
    else if (f.reduce(a) != o.reduce(a))
        failed = "reduce";
    else
        return true;
    return false;
}

template <size_t N> void field_edges(const MontgomeryField<N>& f)
{
    FieldOracle<N> o(f);
    const auto values = edge_values<N>(&f.modulus());
    for (const auto& a : values)
        for (const auto& b : values)
        {
            std::string failed;
            EXPECT_TRUE(check_field_ops(f, o, a, b, failed))
                << failed << " a=" << hex(a) << " b=" << hex(b);
        }
}

template <size_t N> void field_random(const MontgomeryField<N>& f, uint64_t s, int cases)
{
    FieldOracle<N> o(f);
    Gen<N> gen(s, f.modulus());
    Failures fails;
    int unreduced = 0;
    for (int i = 0; i < cases && !fails.stop(); ++i)
    {
        const Uint<N> a = gen(), b = gen();
        if (compare(a, f.modulus()) >= 0 || compare(b, f.modulus()) >= 0)
            ++unreduced;
        std::string failed;
        if (!check_field_ops(f, o, a, b, failed))
        {
            ++fails.count;
            ADD_FAILURE() << failed << " seed " << s << " case " << i << " a=" << hex(a)
                          << " b=" << hex(b);
        }
    }
    // The generator must exercise inputs >= p in every field, secp256k1's included.
    EXPECT_GT(unreduced, cases / 10);
}

}  // namespace

TEST(MontgomeryField, ConstantsMatchOpenSslAndScoutTs)
{
    // -p^-1 mod 2^64: the low limb of the r_inv scout.ts used (128-bit limbs for bn128 and
    // secp256k1, 192-bit for bls12).
    EXPECT_EQ(bn128_field().inv(), 0x87d20782e4866389u);
    EXPECT_EQ(secp256k1_field().inv(), 0xd838091dd2253531u);
    EXPECT_EQ(bls12_381_field().inv(), 0x89f3fffcfffcfffdu);
    EXPECT_EQ(bn128_field().modulus()[0] * bn128_field().inv(), ~uint64_t{0});
    EXPECT_EQ(bls12_381_field().modulus()[0] * bls12_381_field().inv(), ~uint64_t{0});
    // R^2 mod p: scout.ts's r_squared constants.
    EXPECT_EQ(bn128_field().r_squared(),
              from_hex<4>("06d89f71cab8351f47ab1eff0a417ff6b5e71911d44501fbf32cfc5b538afa89"));
    EXPECT_EQ(secp256k1_field().r_squared(), from_hex<4>("1000007a2000e90a1"));
    EXPECT_EQ(bls12_381_field().r_squared(),
              from_hex<6>("11988fe592cae3aa9a793e85b519952d67eb88a9939d83c08de5476c4c95b6d5"
                          "0a76e6a609d104f1f4df1f341c341746"));
    // ... and OpenSSL's.
    Ctx ctx;
    for (int w : {4, 6})
    {
        const Bn p = w == 4 ? to_bn(bn128_field().modulus()) : to_bn(bls12_381_field().modulus());
        Bn r2 = bn();
        BN_nnmod(r2.get(), pow2(128 * w).get(), p.get(), ctx);
        if (w == 4)
            EXPECT_EQ(bn128_field().r_squared(), from_bn<4>(r2.get()));
        else
            EXPECT_EQ(bls12_381_field().r_squared(), from_bn<6>(r2.get()));
    }
}

TEST(MontgomeryField, KnownAnswers)
{
    // R mod p, "one" in Montgomery form (Python big integers).
    EXPECT_EQ(bn128_field().to_montgomery(Uint<4>{1}),
              from_hex<4>("0e0a77c19a07df2f666ea36f7879462c0a78eb28f5c70b3dd35d438dc58f0d9d"));
    EXPECT_EQ(secp256k1_field().to_montgomery(Uint<4>{1}), from_hex<4>("1000003d1"));
    EXPECT_EQ(bls12_381_field().to_montgomery(Uint<6>{1}),
              from_hex<6>("15f65ec3fa80e4935c071a97a256ec6d77ce5853705257455f48985753c758ba"
                          "ebf4000bc40c0002760900000002fffd"));
    EXPECT_EQ(bn128_field().from_montgomery(bn128_field().to_montgomery(Uint<4>{7})), (Uint<4>{7}));
}

TEST(MontgomeryField, RejectsEvenOrTrivialModulus)
{
    EXPECT_THROW(MontgomeryField<4>(Uint<4>{10}), std::invalid_argument);
    EXPECT_THROW(MontgomeryField<4>(Uint<4>{1}), std::invalid_argument);
    EXPECT_THROW(MontgomeryField<4>(Uint<4>{}), std::invalid_argument);
    EXPECT_NO_THROW(MontgomeryField<4>(Uint<4>{3}));
}

TEST(MontgomeryField, EdgeValuesBn128)
{
    field_edges(bn128_field());
}

TEST(MontgomeryField, EdgeValuesSecp256k1)
{
    field_edges(secp256k1_field());
}

TEST(MontgomeryField, EdgeValuesBls12_381)
{
    field_edges(bls12_381_field());
}

TEST(MontgomeryField, RandomBn128)
{
    field_random(bn128_field(), seed + 10, 10000);
}

TEST(MontgomeryField, RandomSecp256k1)
{
    field_random(secp256k1_field(), seed + 11, 10000);
}

TEST(MontgomeryField, RandomBls12_381)
{
    field_random(bls12_381_field(), seed + 12, 10000);
}

// A small modulus makes R/p huge (2^191): mul, add and sub must still reach a fully reduced
// result (the division fallback of the "any input below R" guarantee).
TEST(MontgomeryField, SmallModulus)
{
    const MontgomeryField<4> f(Uint<4>{0xffffffffffffffc5u, 1});  // 2^65 - 59
    FieldOracle<4> o(f);
    Gen<4> gen(seed + 13, f.modulus());
    for (int i = 0; i < 300; ++i)
    {
        const Uint<4> a = gen(), b = gen();
        EXPECT_EQ(f.mul(a, b), o.mont_mul(a, b)) << i;
        EXPECT_EQ(f.add(a, b), o.add(a, b)) << i;
        EXPECT_EQ(f.sub(a, b), o.sub(a, b)) << i;
    }
}
