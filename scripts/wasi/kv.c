/* kv: a key-value registry EE in C, with `int main(void)`, built with clang
 * for wasm32-wasi against wasi-libc (malloc, calloc, free, memchr, memcpy,
 * strlen, strcmp, qsort): none of those needs a WASI import, and the script
 * imports nothing else but eth2.* (scripts/README.md).
 *
 * Import style: modules "eth2" with bare names.
 *
 * Semantics: the block data is text; a NUL byte ends it (what follows is
 * ignored). Lines are separated by '\n' (the last may lack one); a line
 * "key=value" (split at its first '=', key not empty) sets key to value, a
 * later line overriding an earlier one; other lines are ignored.
 *   post-state root = SHA-256(pre-state root || for each key in ascending
 *                     byte order (strcmp): key "=" value "\n")
 * main returns the number of distinct keys (ignored by scout and V8).
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define IMPORT(module, name) __attribute__((import_module(module), import_name(name)))

IMPORT("eth2", "loadPreStateRoot") void eth2_loadPreStateRoot(uint8_t* ptr);
IMPORT("eth2", "blockDataSize") uint32_t eth2_blockDataSize(void);
IMPORT("eth2", "blockDataCopy") void eth2_blockDataCopy(void* ptr, uint32_t offset, uint32_t length);
IMPORT("eth2", "savePostStateRoot") void eth2_savePostStateRoot(const uint8_t* ptr);

#include "../sha256.h"

struct record
{
    const char* key;   /* NUL-terminated, inside the block text */
    const char* value; /* NUL-terminated, inside the block text */
    size_t order;      /* position in the block: the later of two equal keys wins */
};

static int by_key_then_order(const void* a, const void* b)
{
    const struct record* x = a;
    const struct record* y = b;
    const int c = strcmp(x->key, y->key);
    if (c != 0)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

int main(void)
{
    const uint32_t size = eth2_blockDataSize();
    char* text = malloc((size_t)size + 1);
    if (text == NULL)
        abort();
    eth2_blockDataCopy(text, 0, size);
    text[size] = '\0';
    const size_t length = strlen(text); /* up to the first NUL */

    /* At most one record per '\n', plus the last line. */
    size_t lines = 1;
    for (const char* p = text; (p = memchr(p, '\n', (size_t)(text + length - p))) != NULL; ++p)
        ++lines;
    struct record* records = calloc(lines, sizeof *records);
    if (records == NULL)
        abort();

    size_t count = 0;
    char* line = text;
    while (line <= text + length)
    {
        char* end = memchr(line, '\n', (size_t)(text + length - line));
        if (end == NULL)
            end = text + length;
        *end = '\0';
        char* eq = memchr(line, '=', (size_t)(end - line));
        if (eq != NULL && eq != line)
        {
            *eq = '\0';
            records[count].key = line;
            records[count].value = eq + 1;
            records[count].order = count;
            ++count;
        }
        line = end + 1;
    }

    qsort(records, count, sizeof *records, by_key_then_order);

    /* Keep the last record of each run of equal keys. */
    size_t distinct = 0;
    size_t body = 0;
    for (size_t i = 0; i < count; ++i)
    {
        if (i + 1 < count && strcmp(records[i].key, records[i + 1].key) == 0)
            continue;
        records[distinct++] = records[i];
        body += strlen(records[i].key) + strlen(records[i].value) + 2;
    }

    uint8_t* message = malloc(32 + body);
    if (message == NULL)
        abort();
    eth2_loadPreStateRoot(message);
    uint8_t* out = message + 32;
    for (size_t i = 0; i < distinct; ++i)
    {
        const size_t k = strlen(records[i].key);
        const size_t v = strlen(records[i].value);
        memcpy(out, records[i].key, k);
        out[k] = '=';
        memcpy(out + k + 1, records[i].value, v);
        out[k + 1 + v] = '\n';
        out += k + v + 2;
    }

    uint8_t root[32];
    sha256(message, (uint32_t)(32 + body), root);
    eth2_savePostStateRoot(root);
    free(message);
    free(records);
    free(text);
    return (int)distinct;
}
