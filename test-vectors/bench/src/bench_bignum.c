/* bench_bignum: 256-bit arithmetic, in wasm or through the EEI's bignum host
 * functions, for timing engines (docs/performance.md).
 *
 * Import style: modules "eth2" and "bignum" with bare names.
 *
 * Block data: mode (u32, little-endian) || n (u32, little-endian) || c (32
 * bytes, big-endian). Numbers are 256-bit, big-endian in memory as the EEI's
 * bignum functions take them.
 * Semantics: x = the pre-state root; n times x = (x * x + c) mod 2^256;
 * post-state root = x.
 *   mode 0: the arithmetic in wasm (8 limbs of 32 bits, schoolbook, the
 *           product truncated to 256 bits);
 *   mode 1: through bignum.mul256(x, x, t) and bignum.add256(t, c, x), two host
 *           calls per step.
 */

#include <stdint.h>

#define IMPORT(module, name) __attribute__((import_module(module), import_name(name)))

IMPORT("eth2", "loadPreStateRoot") void eth2_loadPreStateRoot(uint8_t* ptr);
IMPORT("eth2", "blockDataSize") uint32_t eth2_blockDataSize(void);
IMPORT("eth2", "blockDataCopy") void eth2_blockDataCopy(uint8_t* ptr, uint32_t offset, uint32_t length);
IMPORT("eth2", "savePostStateRoot") void eth2_savePostStateRoot(const uint8_t* ptr);
IMPORT("bignum", "mul256") void bignum_mul256(const uint8_t* a, const uint8_t* b, uint8_t* out);
IMPORT("bignum", "add256") void bignum_add256(const uint8_t* a, const uint8_t* b, uint8_t* out);

static uint8_t x_bytes[32], c_bytes[32], t_bytes[32];

/* Big-endian bytes <-> little-endian 32-bit limbs. */
static void to_limbs(const uint8_t in[32], uint32_t out[8])
{
    for (int i = 0; i < 8; ++i)
    {
        const uint8_t* p = in + 28 - 4 * i;
        out[i] = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    }
}

static void from_limbs(const uint32_t in[8], uint8_t out[32])
{
    for (int i = 0; i < 8; ++i)
    {
        uint8_t* p = out + 28 - 4 * i;
        p[0] = (uint8_t)(in[i] >> 24);
        p[1] = (uint8_t)(in[i] >> 16);
        p[2] = (uint8_t)(in[i] >> 8);
        p[3] = (uint8_t)in[i];
    }
}

/* x = x * x + c mod 2^256. */
static void square_add(uint32_t x[8], const uint32_t c[8])
{
    uint32_t r[8] = {0};
    for (int i = 0; i < 8; ++i)
    {
        uint64_t carry = 0;
        for (int j = 0; i + j < 8; ++j)
        {
            const uint64_t t = (uint64_t)x[i] * x[j] + r[i + j] + carry;
            r[i + j] = (uint32_t)t;
            carry = t >> 32;
        }
    }
    uint64_t carry = 0;
    for (int i = 0; i < 8; ++i)
    {
        const uint64_t t = (uint64_t)r[i] + c[i] + carry;
        x[i] = (uint32_t)t;
        carry = t >> 32;
    }
}

void main(void)
{
    uint8_t header[8] = {0};
    const uint32_t size = eth2_blockDataSize();
    if (size < 40)
        __builtin_trap();
    eth2_blockDataCopy(header, 0, 8);
    eth2_blockDataCopy(c_bytes, 8, 32);
    const uint32_t mode = (uint32_t)header[0] | (uint32_t)header[1] << 8 |
                          (uint32_t)header[2] << 16 | (uint32_t)header[3] << 24;
    const uint32_t n = (uint32_t)header[4] | (uint32_t)header[5] << 8 |
                       (uint32_t)header[6] << 16 | (uint32_t)header[7] << 24;
    eth2_loadPreStateRoot(x_bytes);
    if (mode == 0)
    {
        uint32_t x[8], c[8];
        to_limbs(x_bytes, x);
        to_limbs(c_bytes, c);
        for (uint32_t k = 0; k < n; ++k)
            square_add(x, c);
        from_limbs(x, x_bytes);
    }
    else
    {
        for (uint32_t k = 0; k < n; ++k)
        {
            bignum_mul256(x_bytes, x_bytes, t_bytes);
            bignum_add256(t_bytes, c_bytes, x_bytes);
        }
    }
    eth2_savePostStateRoot(x_bytes);
}
