#pragma once
/// What the engine unit tests share: a private compile cache, running a loaded
/// script for one block, and modules built byte by byte where wat2wasm cannot
/// make them.

#include "block_context.hpp"
#include "engine.hpp"
#include "trap.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace scout_test {

/// A fixture base (`Base`: ::testing::Test or TestWithParam) whose suite
/// compiles into a temp folder (SCOUT_CACHE_DIR), never the user's cache: the
/// wasm2c engine caches compiled objects there.
template <typename Base> class WithPrivateCache : public Base
{
protected:
    static void SetUpTestSuite()
    {
        cache_root_ = new TempDir();
        ::setenv("SCOUT_CACHE_DIR", cache_root_->path().c_str(), 1);
    }
    static void TearDownTestSuite()
    {
        delete cache_root_;
        cache_root_ = nullptr;
        ::unsetenv("SCOUT_CACHE_DIR");
    }

    inline static TempDir* cache_root_ = nullptr;
};

/// A base of the engine test fixtures.
class BlockRunner
{
protected:
    /// Runs once with a fresh context (empty block data unless given).
    scout::BlockContext run(scout::LoadedScript& s, const scout::Bytes& data = {})
    {
        data_ = data;
        scout::BlockContext ctx;
        ctx.block_data = &data_;
        s.run(ctx);
        return ctx;
    }

    /// Runs once from the pre-state root `pre_state` (empty block data).
    scout::BlockContext run_from(scout::LoadedScript& s, const scout::Bytes32& pre_state)
    {
        data_.clear();
        scout::BlockContext ctx;
        ctx.block_data = &data_;
        ctx.pre_state = pre_state;
        s.run(ctx);
        return ctx;
    }

    /// The trap one run raises; a test failure when it raises none. The
    /// context as the trap left it goes to `ctx_out` when given.
    scout::Trap trap_of(scout::LoadedScript& s, scout::BlockContext* ctx_out = nullptr)
    {
        scout::BlockContext ctx;
        ctx.block_data = &data_;
        try
        {
            s.run(ctx);
        }
        catch (const scout::Trap& t)
        {
            if (ctx_out)
                *ctx_out = ctx;
            return t;
        }
        ADD_FAILURE() << "no trap";
        return scout::Trap(scout::TrapKind::wasm, "");
    }

    /// The block data of the last run (run() sets it; tests may set it first).
    scout::Bytes data_;
};

/// `n` as unsigned LEB128.
inline scout::Bytes leb128(uint64_t n)
{
    scout::Bytes out;
    do
    {
        uint8_t b = n & 0x7f;
        n >>= 7;
        out.push_back(n ? (b | 0x80) : b);
    } while (n);
    return out;
}

/// A module section: its id, its size, `payload`.
inline scout::Bytes section(uint8_t id, const scout::Bytes& payload)
{
    scout::Bytes out{id};
    const auto size = leb128(payload.size());
    out.insert(out.end(), size.begin(), size.end());
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

/// A module exporting a 1-page memory and main, whose code is `body` (locals
/// declaration included).
inline scout::Bytes module_with_main(const scout::Bytes& body)
{
    scout::Bytes code = leb128(1);
    const auto body_size = leb128(body.size());
    code.insert(code.end(), body_size.begin(), body_size.end());
    code.insert(code.end(), body.begin(), body.end());

    scout::Bytes m{0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00};
    auto add = [&](const scout::Bytes& s) { m.insert(m.end(), s.begin(), s.end()); };
    add(section(1, {0x01, 0x60, 0x00, 0x00}));                          // type 0: () -> ()
    add(section(3, {0x01, 0x00}));                                      // func 0: type 0
    add(section(5, {0x01, 0x00, 0x01}));                                // memory: min 1
    add(section(7, {0x02, 0x04, 'm', 'a', 'i', 'n', 0x00, 0x00,         // main: func 0
                    0x06, 'm', 'e', 'm', 'o', 'r', 'y', 0x02, 0x00}));  // memory: mem 0
    add(section(10, code));
    return m;
}

/// A valid module whose main evaluates ((0 + 1) + 1) + ... nested `depth`
/// deep: i32.const 0, then depth times (i32.const 1, i32.add). Built by hand:
/// wat2wasm itself overflows its stack on such text.
inline scout::Bytes deeply_nested_module(size_t depth)
{
    scout::Bytes body{0x00, 0x41, 0x00};  // no locals; i32.const 0
    for (size_t i = 0; i < depth; ++i)
        body.insert(body.end(), {0x41, 0x01, 0x6a});  // i32.const 1; i32.add
    body.insert(body.end(), {0x1a, 0x0b});            // drop; end
    return module_with_main(body);
}

/// A module whose main nests `depth` empty blocks.
inline scout::Bytes deeply_nested_blocks(size_t depth)
{
    scout::Bytes body{0x00};
    for (size_t i = 0; i < depth; ++i)
        body.insert(body.end(), {0x02, 0x40});  // block (no result)
    body.insert(body.end(), depth + 1, 0x0b);   // end of each, and of main
    return module_with_main(body);
}

/// Little-endian u32 at `at` of a root.
inline uint32_t le32(const scout::Bytes32& root, size_t at)
{
    return uint32_t{root[at]} | uint32_t{root[at + 1]} << 8 | uint32_t{root[at + 2]} << 16 |
           uint32_t{root[at + 3]} << 24;
}

}  // namespace scout_test
