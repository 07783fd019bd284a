/* field_ops: folds the block data into the state root with the websnark
 * Montgomery field functions and the W-byte integer functions of module
 * bignum. Built twice (scripts/CMakeLists.txt):
 *
 *   field_ops32.wasm  -DFIELD_BYTES=32   for bignum_field bn128 or secp256k1
 *   field_ops48.wasm  -DFIELD_BYTES=48   for bignum_field bls12-381
 *
 * A script cannot ask which field the run uses, so W (the operand width) is
 * fixed at build time; p and R = 2^(8W) are those of the run's field.
 *
 * Import style: modules "eth2" and "bignum" (and "hash" for W = 48) with bare
 * names.
 *
 * Numbers are W bytes, little-endian. acc starts as the pre-state root read
 * as a little-endian number (for W = 48 the 32 root bytes are its low bytes,
 * the high 16 bytes are 0). The block data is split into W-byte chunks
 * c_0, c_1, ...; a last partial chunk is padded with zero bytes at its end
 * (its high-order bytes). Each chunk is fetched with its own
 * eth2.blockDataCopy(ptr, W i, min(W, n - W i)). Inputs are used as read,
 * including values >= p, and several calls take c or acc as they are, so
 * every f1m_* function sees unreduced inputs. For every chunk c, in order
 * (M = 2^(8W); "raw": an operand that may be >= p):
 *
 *   cm  = toMontgomery(c)                 c R mod p               (raw)
 *   am  = toMontgomery(acc)               acc R mod p             (raw)
 *   m1  = f1m_mul(am, cm)                 am cm R^-1 mod p
 *   m2  = f1m_mul(c, acc)                 c acc R^-1 mod p        (raw, raw)
 *   m3  = f1m_square(m1)                  m1 m1 R^-1 mod p
 *   m4  = f1m_square(c)                   c c R^-1 mod p          (raw)
 *   m5  = f1m_add(m3, c)                  (m3 + c) mod p          (raw b)
 *   m6  = f1m_sub(acc, m5)                (acc - m5) mod p        (raw a)
 *   f   = fromMontgomery(m6)              m6 R^-1 mod p
 *   g   = fromMontgomery(c)               c R^-1 mod p            (raw)
 *   t   = cm + am + m1 + ... + m6 + g     mod M, eight int_add calls; n = the
 *                                         number of them that carried (0..8)
 *   s   = int_add(f, c),   carry          (f + c) mod M,   carry = [f + c >= M]
 *   d   = int_sub(c, acc), borrow         (c - acc) mod M, borrow = [c < acc]
 *   e   = int_mul(s, d)                   (s d) mod M
 *   q,r = int_div(e, c | 1)               e = q (c | 1) + r  (divisor odd, never 0)
 *   u   = int_add(q, r)                   (q + r) mod M (never carries: q + r <= e)
 *   acc = int_sub(u, t), borrow2          (u - t) mod M, borrow2 = [u < t]
 *   acc = acc XOR (carry + 2 borrow + 4 borrow2 + 8 n)   on the lowest byte only
 *
 * t counts every f1m_* result as an integer (not only modulo p), so a result
 * left unreduced (>= p) changes the root.
 * "c | 1" sets bit 0 of byte 0. The post-state root is acc itself for W = 32
 * and hash.sha256(acc, 48) for W = 48. With empty data: the pre-state root
 * (W = 32), SHA-256(pre-state root || 16 zero bytes) (W = 48).
 */

#include <stdint.h>

#ifndef FIELD_BYTES
#error "build with -DFIELD_BYTES=32 or -DFIELD_BYTES=48"
#endif
#define W FIELD_BYTES

#define IMPORT(module, name) __attribute__((import_module(module), import_name(name)))

IMPORT("eth2", "loadPreStateRoot") void eth2_loadPreStateRoot(uint8_t* ptr);
IMPORT("eth2", "blockDataSize") uint32_t eth2_blockDataSize(void);
IMPORT("eth2", "blockDataCopy") void eth2_blockDataCopy(uint8_t* ptr, uint32_t offset, uint32_t length);
IMPORT("eth2", "savePostStateRoot") void eth2_savePostStateRoot(const uint8_t* ptr);
IMPORT("bignum", "f1m_mul") void f1m_mul(const uint8_t* a, const uint8_t* b, uint8_t* out);
IMPORT("bignum", "f1m_square") void f1m_square(const uint8_t* a, uint8_t* out);
IMPORT("bignum", "f1m_add") void f1m_add(const uint8_t* a, const uint8_t* b, uint8_t* out);
IMPORT("bignum", "f1m_sub") void f1m_sub(const uint8_t* a, const uint8_t* b, uint8_t* out);
IMPORT("bignum", "f1m_toMontgomery") void f1m_toMontgomery(const uint8_t* a, uint8_t* out);
IMPORT("bignum", "f1m_fromMontgomery") void f1m_fromMontgomery(const uint8_t* a, uint8_t* out);
IMPORT("bignum", "int_add") uint32_t int_add(const uint8_t* a, const uint8_t* b, uint8_t* out);
IMPORT("bignum", "int_sub") uint32_t int_sub(const uint8_t* a, const uint8_t* b, uint8_t* out);
IMPORT("bignum", "int_mul") void int_mul(const uint8_t* a, const uint8_t* b, uint8_t* out);
IMPORT("bignum", "int_div") void int_div(const uint8_t* a, const uint8_t* b, uint8_t* q, uint8_t* r);
#if W == 48
IMPORT("hash", "sha256") void hash_sha256(const uint8_t* in, uint32_t length, uint8_t* out);
#endif

static uint8_t acc[W], c[W], cm[W], am[W], m1[W], m2[W], m3[W], m4[W], m5[W], m6[W], f[W], g[W], t[W];
static uint8_t s[W], d[W], e[W], odd[W], q[W], r[W], u[W];
static uint8_t root[32];

void main(void)
{
    const uint32_t size = eth2_blockDataSize();
    eth2_loadPreStateRoot(acc); /* the high W - 32 bytes stay 0 */
    for (uint32_t offset = 0; offset < size; offset += W)
    {
        const uint32_t length = size - offset < W ? size - offset : W;
        for (int i = 0; i < W; ++i)
            c[i] = 0;
        eth2_blockDataCopy(c, offset, length);

        f1m_toMontgomery(c, cm);
        f1m_toMontgomery(acc, am);
        f1m_mul(am, cm, m1);
        f1m_mul(c, acc, m2);
        f1m_square(m1, m3);
        f1m_square(c, m4);
        f1m_add(m3, c, m5);
        f1m_sub(acc, m5, m6);
        f1m_fromMontgomery(m6, f);
        f1m_fromMontgomery(c, g);
        uint32_t n = int_add(cm, am, t);
        n += int_add(t, m1, t);
        n += int_add(t, m2, t);
        n += int_add(t, m3, t);
        n += int_add(t, m4, t);
        n += int_add(t, m5, t);
        n += int_add(t, m6, t);
        n += int_add(t, g, t);
        const uint32_t carry = int_add(f, c, s);
        const uint32_t borrow = int_sub(c, acc, d);
        int_mul(s, d, e);
        for (int i = 0; i < W; ++i)
            odd[i] = c[i];
        odd[0] |= 1;
        int_div(e, odd, q, r);
        int_add(q, r, u);
        const uint32_t borrow2 = int_sub(u, t, acc);
        acc[0] ^= (uint8_t)(carry + 2 * borrow + 4 * borrow2 + 8 * n);
    }
#if W == 48
    hash_sha256(acc, W, root);
#else
    for (int i = 0; i < 32; ++i)
        root[i] = acc[i];
#endif
    eth2_savePostStateRoot(root);
}
