#pragma once
/// What the engine unit tests share: running a loaded script for one block.

#include "block_context.hpp"
#include "engine.hpp"
#include "trap.hpp"

#include <gtest/gtest.h>

namespace scout_test {

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

}  // namespace scout_test
