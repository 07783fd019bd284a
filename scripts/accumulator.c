/* accumulator: hashes the block into the state root.
 *
 * Import style: modules "eth2" and "debug" with bare names.
 *
 * Semantics: post-state root = SHA-256(pre-state root (32 bytes) || block data).
 * The block data is fetched with two eth2.blockDataCopy calls, the first half
 * [0, n/2) then the second half [n/2, n) (n/2 rounded down), so that a
 * non-zero offset reaches the host whenever n >= 2. The new root is printed
 * with debug.printMemHex.
 *
 * This is wasm guest code: no libc, so SHA-256 (FIPS 180-4) is written out
 * in sha256.h. Memory grows as needed for large blocks.
 */

#include <stdint.h>

#define IMPORT(module, name) __attribute__((import_module(module), import_name(name)))

IMPORT("eth2", "loadPreStateRoot") void eth2_loadPreStateRoot(uint8_t* ptr);
IMPORT("eth2", "blockDataSize") uint32_t eth2_blockDataSize(void);
IMPORT("eth2", "blockDataCopy") void eth2_blockDataCopy(uint8_t* ptr, uint32_t offset, uint32_t length);
IMPORT("eth2", "savePostStateRoot") void eth2_savePostStateRoot(const uint8_t* ptr);
IMPORT("debug", "print32") void debug_print32(uint32_t value);
IMPORT("debug", "printMemHex") void debug_printMemHex(const uint8_t* ptr, uint32_t length);

/* The first free byte after the data and the stack (defined by wasm-ld). */
extern uint8_t __heap_base;

#include "sha256.h"

void main(void)
{
    const uint32_t size = eth2_blockDataSize();
    debug_print32(size);

    /* buffer = pre-state root (32 bytes) || block data (size bytes). */
    uint8_t* buffer = (uint8_t*)(((uintptr_t)&__heap_base + 15) & ~(uintptr_t)15);
    const uintptr_t end = (uintptr_t)buffer + 32 + size;
    const uintptr_t have = __builtin_wasm_memory_size(0) * 65536u;
    if (end > have)
    {
        const uintptr_t pages = (end - have + 65535u) / 65536u;
        if (__builtin_wasm_memory_grow(0, pages) == (uintptr_t)-1)
            __builtin_trap();
    }

    eth2_loadPreStateRoot(buffer);
    const uint32_t half = size / 2;
    eth2_blockDataCopy(buffer + 32, 0, half);
    eth2_blockDataCopy(buffer + 32 + half, half, size - half);

    uint8_t root[32];
    sha256(buffer, 32 + size, root);
    debug_printMemHex(root, 32);
    eth2_savePostStateRoot(root);
}
