#include "uint_arith.hpp"

namespace scout::arith {
namespace {

constexpr size_t max_digits = 2 * max_divmod_limbs;

/// Number of significant 32-bit digits (at least 1 unless x is all zero).
size_t significant(const uint32_t* x, size_t n)
{
    while (n > 0 && x[n - 1] == 0)
        --n;
    return n;
}

int leading_zeros(uint32_t x)
{
    return x == 0 ? 32 : __builtin_clz(x);
}

}  // namespace

void divmod(const uint64_t* u, size_t m, const uint64_t* v, size_t n, uint64_t* q, uint64_t* r)
{
    if (m == 0 || n == 0 || m > max_divmod_limbs || n > max_divmod_limbs)
        throw std::invalid_argument("divmod: operand size out of range");

    // 32-bit digits, least significant first: the 64-bit products of Algorithm D then fit a
    // uint64_t, and the code stays the textbook one (Hacker's Delight, divmnu).
    uint32_t ud[max_digits + 1] = {};
    uint32_t vd[max_digits] = {};
    for (size_t i = 0; i < m; ++i)
    {
        ud[2 * i] = static_cast<uint32_t>(u[i]);
        ud[2 * i + 1] = static_cast<uint32_t>(u[i] >> 32);
    }
    for (size_t i = 0; i < n; ++i)
    {
        vd[2 * i] = static_cast<uint32_t>(v[i]);
        vd[2 * i + 1] = static_cast<uint32_t>(v[i] >> 32);
    }
    const size_t ul = significant(ud, 2 * m);
    const size_t vl = significant(vd, 2 * n);
    if (vl == 0)
        throw std::invalid_argument("divmod: division by zero");

    uint32_t qd[max_digits] = {};
    uint32_t rd[max_digits] = {};

    if (ul < vl)
    {
        // u < v: quotient 0, remainder u (which fits the n limbs of r, as u < v).
        for (size_t i = 0; i < ul; ++i)
            rd[i] = ud[i];
    }
    else if (vl == 1)
    {
        // Short division by one digit.
        const uint64_t d = vd[0];
        uint64_t rem = 0;
        for (size_t j = ul; j-- > 0;)
        {
            const uint64_t cur = (rem << 32) | ud[j];
            qd[j] = static_cast<uint32_t>(cur / d);
            rem = cur % d;
        }
        rd[0] = static_cast<uint32_t>(rem);
    }
    else
    {
        constexpr uint64_t base = uint64_t{1} << 32;
        // D1: normalise so that the divisor's top digit has its high bit set; the dividend
        // gains a digit.
        const int s = leading_zeros(vd[vl - 1]);
        uint32_t vn[max_digits];
        uint32_t un[max_digits + 1];
        for (size_t i = vl - 1; i > 0; --i)
            vn[i] =
                static_cast<uint32_t>((uint64_t{vd[i]} << s) | (uint64_t{vd[i - 1]} >> (32 - s)));
        vn[0] = static_cast<uint32_t>(uint64_t{vd[0]} << s);
        un[ul] = static_cast<uint32_t>(uint64_t{ud[ul - 1]} >> (32 - s));
        for (size_t i = ul - 1; i > 0; --i)
            un[i] =
                static_cast<uint32_t>((uint64_t{ud[i]} << s) | (uint64_t{ud[i - 1]} >> (32 - s)));
        un[0] = static_cast<uint32_t>(uint64_t{ud[0]} << s);

        for (size_t j = ul - vl + 1; j-- > 0;)
        {
            // D3: estimate the quotient digit from the top two digits; at most 2 too large.
            const uint64_t top = (uint64_t{un[j + vl]} << 32) | un[j + vl - 1];
            uint64_t qhat = top / vn[vl - 1];
            uint64_t rhat = top % vn[vl - 1];
            while (qhat >= base || qhat * vn[vl - 2] > ((rhat << 32) | un[j + vl - 2]))
            {
                --qhat;
                rhat += vn[vl - 1];
                if (rhat >= base)
                    break;
            }
            // D4: multiply and subtract.
            uint64_t carry = 0;
            uint64_t borrow = 0;
            for (size_t i = 0; i < vl; ++i)
            {
                const uint64_t p = qhat * vn[i] + carry;
                carry = p >> 32;
                const uint64_t d = uint64_t{un[i + j]} - (p & 0xffffffff) - borrow;
                un[i + j] = static_cast<uint32_t>(d);
                borrow = d >> 63;  // d is negative exactly when it wrapped
            }
            const uint64_t d = uint64_t{un[j + vl]} - carry - borrow;
            un[j + vl] = static_cast<uint32_t>(d);
            qd[j] = static_cast<uint32_t>(qhat);
            if ((d >> 63) != 0)
            {
                // D6: the estimate was one too large (rare): add the divisor back.
                --qd[j];
                uint64_t c = 0;
                for (size_t i = 0; i < vl; ++i)
                {
                    const uint64_t t = uint64_t{un[i + j]} + vn[i] + c;
                    un[i + j] = static_cast<uint32_t>(t);
                    c = t >> 32;
                }
                un[j + vl] = static_cast<uint32_t>(un[j + vl] + c);
            }
        }
        // D8: the remainder is the low vl digits of un, shifted back.
        for (size_t i = 0; i < vl; ++i)
            rd[i] = static_cast<uint32_t>((uint64_t{un[i]} >> s) |
                                          ((uint64_t{un[i + 1]} << (32 - s)) & 0xffffffff));
    }

    for (size_t i = 0; i < m; ++i)
        q[i] = uint64_t{qd[2 * i]} | (uint64_t{qd[2 * i + 1]} << 32);
    for (size_t i = 0; i < n; ++i)
        r[i] = uint64_t{rd[2 * i]} | (uint64_t{rd[2 * i + 1]} << 32);
}

const MontgomeryField<4>& bn128_field()
{
    static const MontgomeryField<4> field(
        from_hex<4>("30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47"));
    return field;
}

const MontgomeryField<4>& secp256k1_field()
{
    static const MontgomeryField<4> field(
        from_hex<4>("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f"));
    return field;
}

const MontgomeryField<6>& bls12_381_field()
{
    static const MontgomeryField<6> field(
        from_hex<6>("1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153"
                    "ffffb9feffffffffaaab"));
    return field;
}

}  // namespace scout::arith
