/* bignum_256: folds the block data into the state root with the 256-bit
 * big-endian integer functions of module bignum.
 *
 * Import style: module "env" with prefixed names (env.eth2_*, env.bignum_*).
 *
 * Numbers are 32 bytes, big-endian, all arithmetic modulo 2^256 (M). The
 * block data is split into 32-byte words w_0, w_1, ...; a last partial word
 * is padded with zero bytes at its end (so "ab" is 0xab00..00). Each word is
 * fetched with its own eth2.blockDataCopy(ptr, 32 i, min(32, n - 32 i)).
 * Starting from r = the pre-state root, for every word w in order:
 *
 *   s = (r + w) mod M                 add256
 *   d = (w - r) mod M                 sub256
 *   p = (s * d) mod M                 mul256
 *   q = floor(p / (w | 1))            div256  (divisor forced odd, never 0)
 *   t = (p * s) mod (d | 1)           mulMod  (full 512-bit product; modulus odd),
 *                                     written into r's buffer
 *   r = (t + q) mod M                 add256(r, q, r): the output aliases an input
 *
 * "x | 1" sets the lowest bit (bit 0 of byte 31). The post-state root is the
 * final r; with empty data it is the pre-state root.
 */

#include <stdint.h>

#define IMPORT(module, name) __attribute__((import_module(module), import_name(name)))

IMPORT("env", "eth2_loadPreStateRoot") void eth2_loadPreStateRoot(uint8_t* ptr);
IMPORT("env", "eth2_blockDataSize") uint32_t eth2_blockDataSize(void);
IMPORT("env", "eth2_blockDataCopy") void eth2_blockDataCopy(uint8_t* ptr, uint32_t offset, uint32_t length);
IMPORT("env", "eth2_savePostStateRoot") void eth2_savePostStateRoot(const uint8_t* ptr);
IMPORT("env", "bignum_add256") void bignum_add256(const uint8_t* a, const uint8_t* b, uint8_t* out);
IMPORT("env", "bignum_sub256") void bignum_sub256(const uint8_t* a, const uint8_t* b, uint8_t* out);
IMPORT("env", "bignum_mul256") void bignum_mul256(const uint8_t* a, const uint8_t* b, uint8_t* out);
IMPORT("env", "bignum_div256") void bignum_div256(const uint8_t* a, const uint8_t* b, uint8_t* out);
IMPORT("env", "bignum_mulMod") void bignum_mulMod(const uint8_t* a, const uint8_t* b, const uint8_t* m, uint8_t* out);

static uint8_t r[32], w[32], s[32], d[32], p[32], q[32], odd[32];

static void copy32(uint8_t* dst, const uint8_t* src)
{
    for (int i = 0; i < 32; ++i)
        dst[i] = src[i];
}

void main(void)
{
    const uint32_t size = eth2_blockDataSize();
    eth2_loadPreStateRoot(r);
    for (uint32_t offset = 0; offset < size; offset += 32)
    {
        const uint32_t length = size - offset < 32 ? size - offset : 32;
        for (int i = 0; i < 32; ++i)
            w[i] = 0;
        eth2_blockDataCopy(w, offset, length);

        bignum_add256(r, w, s);
        bignum_sub256(w, r, d);
        bignum_mul256(s, d, p);
        copy32(odd, w);
        odd[31] |= 1;
        bignum_div256(p, odd, q);
        copy32(odd, d);
        odd[31] |= 1;
        bignum_mulMod(p, s, odd, r);
        bignum_add256(r, q, r);
    }
    eth2_savePostStateRoot(r);
}
