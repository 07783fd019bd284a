#pragma once
/// Fixed-width unsigned integers on 64-bit limbs and Montgomery arithmetic modulo an odd
/// prime: the arithmetic behind module `bignum` of the EEI (eei_bignum.cpp).
///
/// Why hand-written rather than OpenSSL's BIGNUM: these functions run on the per-call hot
/// path of a script (one pairing check makes hundreds of thousands of `f1m_mul` calls), so a
/// call must cost tens of nanoseconds: fixed sizes known at compile time, no allocation, no
/// length bookkeeping. BIGNUM allocates per value and handles variable lengths; it is the
/// independent oracle of the tests instead (test/unit/uint_arith_test.cpp and
/// test/unit/eei_bignum_test.cpp compare thousands of random and edge cases against it).
///
/// A number is `Uint<N>`: N 64-bit limbs, least significant first. The same templates serve
/// N = 4 (256 bits: bn128, secp256k1, the 256-bit functions) and N = 6 (384 bits: BLS12-381).

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

namespace scout::arith {

template <size_t N> using Uint = std::array<uint64_t, N>;

using u128 = unsigned __int128;

// ------------------------------------------------------------------ bytes

/// Whether limbs can be copied as bytes (the limb array is then the little-endian encoding).
inline constexpr bool little_endian_host = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;

/// Reads 8N bytes, least significant byte first.
template <size_t N> Uint<N> load_le(const uint8_t* bytes)
{
    Uint<N> x{};
    if constexpr (little_endian_host)
        std::memcpy(x.data(), bytes, 8 * N);
    else
        for (size_t i = 0; i < N; ++i)
            for (size_t k = 0; k < 8; ++k)
                x[i] |= uint64_t{bytes[8 * i + k]} << (8 * k);
    return x;
}

/// Writes 8N bytes, least significant byte first.
template <size_t N> void store_le(const Uint<N>& x, uint8_t* bytes)
{
    if constexpr (little_endian_host)
        std::memcpy(bytes, x.data(), 8 * N);
    else
        for (size_t i = 0; i < N; ++i)
            for (size_t k = 0; k < 8; ++k)
                bytes[8 * i + k] = static_cast<uint8_t>(x[i] >> (8 * k));
}

/// Reads 8N bytes, most significant byte first.
template <size_t N> Uint<N> load_be(const uint8_t* bytes)
{
    Uint<N> x{};
    for (size_t i = 0; i < N; ++i)
        for (size_t k = 0; k < 8; ++k)
            x[N - 1 - i] = (x[N - 1 - i] << 8) | bytes[8 * i + k];
    return x;
}

/// Writes 8N bytes, most significant byte first.
template <size_t N> void store_be(const Uint<N>& x, uint8_t* bytes)
{
    for (size_t i = 0; i < N; ++i)
        for (size_t k = 0; k < 8; ++k)
            bytes[8 * i + k] = static_cast<uint8_t>(x[N - 1 - i] >> (56 - 8 * k));
}

/// Parses big-endian hex digits (no 0x, at most 16N digits). Throws std::invalid_argument.
template <size_t N> Uint<N> from_hex(std::string_view hex)
{
    if (hex.empty() || hex.size() > 16 * N)
        throw std::invalid_argument("from_hex: need 1 to " + std::to_string(16 * N) + " digits");
    Uint<N> x{};
    size_t bit = 0;
    for (size_t i = hex.size(); i-- > 0; bit += 4)
    {
        const char c = hex[i];
        uint64_t d;
        if (c >= '0' && c <= '9')
            d = static_cast<uint64_t>(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = static_cast<uint64_t>(c - 'a') + 10;
        else if (c >= 'A' && c <= 'F')
            d = static_cast<uint64_t>(c - 'A') + 10;
        else
            throw std::invalid_argument("from_hex: not a hex digit");
        x[bit / 64] |= d << (bit % 64);
    }
    return x;
}

// ------------------------------------------------------------------ integers

template <size_t N> bool is_zero(const Uint<N>& a)
{
    uint64_t any = 0;
    for (size_t i = 0; i < N; ++i)
        any |= a[i];
    return any == 0;
}

/// -1, 0 or 1 as a <, ==, > b.
template <size_t N> int compare(const Uint<N>& a, const Uint<N>& b)
{
    for (size_t i = N; i-- > 0;)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return 0;
}

/// r = (a + b) mod 2^(64N); returns the carry out (0 or 1). r may alias a or b.
template <size_t N> uint64_t add(Uint<N>& r, const Uint<N>& a, const Uint<N>& b)
{
    uint64_t carry = 0;
    for (size_t i = 0; i < N; ++i)
    {
        const u128 s = u128{a[i]} + b[i] + carry;
        r[i] = static_cast<uint64_t>(s);
        carry = static_cast<uint64_t>(s >> 64);
    }
    return carry;
}

/// r = (a - b) mod 2^(64N); returns the borrow out (0 or 1). r may alias a or b.
template <size_t N> uint64_t sub(Uint<N>& r, const Uint<N>& a, const Uint<N>& b)
{
    uint64_t borrow = 0;
    for (size_t i = 0; i < N; ++i)
    {
        const u128 d = u128{a[i]} - b[i] - borrow;
        r[i] = static_cast<uint64_t>(d);
        borrow = static_cast<uint64_t>(d >> 64) & 1;  // the high word is 0 or all ones
    }
    return borrow;
}

/// The full product a * b, 2N limbs.
template <size_t N> Uint<2 * N> mul_wide(const Uint<N>& a, const Uint<N>& b)
{
    Uint<2 * N> r{};
    for (size_t i = 0; i < N; ++i)
    {
        uint64_t carry = 0;
        for (size_t j = 0; j < N; ++j)
        {
            const u128 s = u128{a[j]} * b[i] + r[i + j] + carry;
            r[i + j] = static_cast<uint64_t>(s);
            carry = static_cast<uint64_t>(s >> 64);
        }
        r[i + N] = carry;
    }
    return r;
}

/// a * b mod 2^(64N) (the low half of the product).
template <size_t N> Uint<N> mul_low(const Uint<N>& a, const Uint<N>& b)
{
    Uint<N> r{};
    for (size_t i = 0; i < N; ++i)
    {
        uint64_t carry = 0;
        for (size_t j = 0; i + j < N; ++j)
        {
            const u128 s = u128{a[j]} * b[i] + r[i + j] + carry;
            r[i + j] = static_cast<uint64_t>(s);
            carry = static_cast<uint64_t>(s >> 64);
        }
    }
    return r;
}

/// Largest dividend divmod accepts, in limbs.
inline constexpr size_t max_divmod_limbs = 16;

/// q = u / v and r = u mod v for u of m limbs and v of n limbs (v != 0, m and n at most
/// max_divmod_limbs). q gets m limbs, r gets n limbs; they may alias u or v (the inputs are
/// read before anything is written). Knuth, TAOCP vol. 2, 4.3.1, Algorithm D, on 32-bit
/// digits. Throws std::invalid_argument for v = 0 or a size out of range (callers check v
/// first: a zero divisor is a trap, not a bug).
void divmod(const uint64_t* u, size_t m, const uint64_t* v, size_t n, uint64_t* q, uint64_t* r);

/// q = u / v, r = u mod v (v != 0).
template <size_t N> void divmod(const Uint<N>& u, const Uint<N>& v, Uint<N>& q, Uint<N>& r)
{
    Uint<N> qq, rr;
    divmod(u.data(), N, v.data(), N, qq.data(), rr.data());
    q = qq;
    r = rr;
}

// ------------------------------------------------------------------ Montgomery

/// Arithmetic modulo an odd p < R = 2^(64N) in the Montgomery representation of websnark
/// (x is held as x * R mod p). Every function accepts any input below R, not only reduced
/// ones, and returns the fully reduced result (< p) of its formula applied to the integer
/// inputs: a script passing unreduced values gets the mathematically right answer.
template <size_t N> class MontgomeryField
{
public:
    static constexpr size_t limbs = N;
    static constexpr size_t bytes = 8 * N;

    /// Precomputes -p^-1 mod 2^64 and R^2 mod p. Throws std::invalid_argument unless p is odd
    /// and greater than 1.
    explicit MontgomeryField(const Uint<N>& p)
      : p_(p)
    {
        if ((p[0] & 1) == 0 || compare(p, Uint<N>{1}) <= 0)
            throw std::invalid_argument("MontgomeryField: the modulus must be odd and > 1");
        // Newton's iteration for p^-1 mod 2^64: p * p = 1 mod 8 for odd p, so p is its own
        // inverse to 3 bits, and each step doubles the correct bits (3, 6, 12, 24, 48, 96).
        uint64_t inv = p[0];
        for (int i = 0; i < 5; ++i)
            inv *= 2 - p[0] * inv;
        inv_ = 0 - inv;
        // R^2 = 2^(128N): 2N + 1 limbs, the top one 1.
        uint64_t r2_full[2 * N + 1] = {};
        r2_full[2 * N] = 1;
        uint64_t quotient[2 * N + 1];
        divmod(r2_full, 2 * N + 1, p_.data(), N, quotient, r2_.data());
    }

    const Uint<N>& modulus() const { return p_; }
    /// -p^-1 mod 2^64, the constant of each reduction step.
    uint64_t inv() const { return inv_; }
    /// R^2 mod p: multiplying by it (Montgomery) enters the representation.
    const Uint<N>& r_squared() const { return r2_; }

    /// a mod p, for any a < R. One comparison for a reduced input, one subtraction for an
    /// input below 2p; a division only beyond.
    Uint<N> reduce(Uint<N> a) const
    {
        if (compare(a, p_) < 0)
            return a;
        arith::sub(a, a, p_);
        if (compare(a, p_) < 0)
            return a;
        Uint<N> q, r;
        divmod(a, p_, q, r);
        return r;
    }

    /// a * b * R^-1 mod p: Montgomery multiplication, coarsely integrated operand scanning
    /// (CIOS; Koc, Acar, Kaliski, "Analyzing and Comparing Montgomery Multiplication
    /// Algorithms", 1996). For any a, b < R the accumulator stays below a + p < 2R (N limbs
    /// plus one bit); the result is then reduced fully, whatever R/p is.
    Uint<N> mul(const Uint<N>& a, const Uint<N>& b) const
    {
        uint64_t t[N + 2] = {};
        for (size_t i = 0; i < N; ++i)
        {
            // t += a * b[i]
            uint64_t carry = 0;
            for (size_t j = 0; j < N; ++j)
            {
                const u128 s = u128{a[j]} * b[i] + t[j] + carry;
                t[j] = static_cast<uint64_t>(s);
                carry = static_cast<uint64_t>(s >> 64);
            }
            u128 s = u128{t[N]} + carry;
            t[N] = static_cast<uint64_t>(s);
            t[N + 1] = static_cast<uint64_t>(s >> 64);
            // t = (t + m * p) / 2^64 with m chosen so that the low limb cancels.
            const uint64_t m = t[0] * inv_;
            s = u128{m} * p_[0] + t[0];
            carry = static_cast<uint64_t>(s >> 64);
            for (size_t j = 1; j < N; ++j)
            {
                s = u128{m} * p_[j] + t[j] + carry;
                t[j - 1] = static_cast<uint64_t>(s);
                carry = static_cast<uint64_t>(s >> 64);
            }
            s = u128{t[N]} + carry;
            t[N - 1] = static_cast<uint64_t>(s);
            t[N] = t[N + 1] + static_cast<uint64_t>(s >> 64);
        }
        // t < a + p < R + p: N limbs and t[N], 0 or 1. Below 2p (reduced inputs) one
        // subtraction finishes; beyond, a division.
        Uint<N> r;
        for (size_t i = 0; i < N; ++i)
            r[i] = t[i];
        if (t[N] == 0 && compare(r, p_) < 0)
            return r;
        t[N] -= arith::sub(r, r, p_);
        if (t[N] == 0 && compare(r, p_) < 0)
            return r;
        for (size_t i = 0; i < N; ++i)
            t[i] = r[i];
        uint64_t q[N + 1];
        divmod(t, N + 1, p_.data(), N, q, r.data());
        return r;
    }

    Uint<N> square(const Uint<N>& a) const { return mul(a, a); }

    /// (a + b) mod p.
    Uint<N> add(const Uint<N>& a, const Uint<N>& b) const
    {
        Uint<N> r;
        const uint64_t carry = arith::add(r, reduce(a), reduce(b));  // < 2p
        if (carry != 0 || compare(r, p_) >= 0)
            arith::sub(r, r, p_);
        return r;
    }

    /// (a - b) mod p.
    Uint<N> sub(const Uint<N>& a, const Uint<N>& b) const
    {
        Uint<N> r;
        if (arith::sub(r, reduce(a), reduce(b)) != 0)
            arith::add(r, r, p_);
        return r;
    }

    /// a * R mod p: into the Montgomery representation.
    Uint<N> to_montgomery(const Uint<N>& a) const { return mul(a, r2_); }

    /// a * R^-1 mod p: out of the Montgomery representation.
    Uint<N> from_montgomery(const Uint<N>& a) const { return mul(a, Uint<N>{1}); }

private:
    Uint<N> p_;
    uint64_t inv_ = 0;
    Uint<N> r2_{};
};

// ------------------------------------------------------------------ the EEI's fields

/// The base fields of module bignum's f1m_* functions (src/field.hpp names them), built once.
const MontgomeryField<4>& bn128_field();      ///< 0x30644e72...d87cfd47, R = 2^256
const MontgomeryField<4>& secp256k1_field();  ///< 2^256 - 2^32 - 977, R = 2^256
const MontgomeryField<6>& bls12_381_field();  ///< 0x1a0111ea...ffffaaab, R = 2^384

}  // namespace scout::arith
