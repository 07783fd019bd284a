/* bench_sha256: SHA-256 in wasm, for timing engines (docs/performance.md).
 *
 * Import style: module "eth2" with bare names; nothing else.
 *
 * Block data: rounds (u32, little-endian) || payload (at most 65536 bytes).
 * Semantics: h = the pre-state root; `rounds` times h = SHA-256(h || payload);
 * post-state root = h. (rounds = 0: the pre-state root, unchanged.)
 *
 * The SHA-256 is scripts/sha256.h, shared with scripts/accumulator.c.
 * Built by tools/gen_bench_vectors.py with the flags of scripts/CMakeLists.txt.
 */

#include <stdint.h>

#define IMPORT(module, name) __attribute__((import_module(module), import_name(name)))

IMPORT("eth2", "loadPreStateRoot") void eth2_loadPreStateRoot(uint8_t* ptr);
IMPORT("eth2", "blockDataSize") uint32_t eth2_blockDataSize(void);
IMPORT("eth2", "blockDataCopy") void eth2_blockDataCopy(uint8_t* ptr, uint32_t offset, uint32_t length);
IMPORT("eth2", "savePostStateRoot") void eth2_savePostStateRoot(const uint8_t* ptr);

#include "../../../scripts/sha256.h"

/* h (32 bytes) || payload: hashed as one message each round. */
static uint8_t buffer[32 + 65536];

void main(void)
{
    const uint32_t size = eth2_blockDataSize();
    uint8_t header[4] = {0, 0, 0, 0};
    if (size >= 4)
        eth2_blockDataCopy(header, 0, 4);
    const uint32_t rounds = (uint32_t)header[0] | (uint32_t)header[1] << 8 |
                            (uint32_t)header[2] << 16 | (uint32_t)header[3] << 24;
    uint32_t payload = size >= 4 ? size - 4 : 0;
    if (payload > 65536)
        __builtin_trap();
    eth2_loadPreStateRoot(buffer);
    eth2_blockDataCopy(buffer + 32, 4, payload);
    for (uint32_t r = 0; r < rounds; ++r)
        sha256(buffer, 32 + payload, buffer);
    eth2_savePostStateRoot(buffer);
}
