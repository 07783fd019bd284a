/// ScoutRunner's fast path (scout_runner.hpp): the dispatch of eval_node,
/// control flow, locals, globals, loads and stores. The integer operators are
/// in scout_runner_numeric.cpp, calls in scout_runner.cpp.

#include "scout_runner.hpp"

#include <cstring>

namespace scout::binaryen {

bool ScoutRunner::eval_node(wasm::Expression* e, uint64_t& out)
{
    using E = wasm::Expression;
    if (is_raw(e->type))
    {
        // A switch on the node kind, a case per kind with its cast: the repeated
        // shape is the dispatch itself (as in Binaryen's own visitor), one
        // line per kind, and the fastest way to it.
        switch (e->_id)
        {
        case E::LocalGetId:
            if (frame_->wide && frame_->info->wide[static_cast<wasm::LocalGet*>(e)->index] >= 0)
                break;  // a wide local read as a numeric type: impossible, but safe
            return eval_local_get(static_cast<wasm::LocalGet*>(e), out);
        case E::ConstId:
            return eval_const(static_cast<wasm::Const*>(e), out);
        case E::BinaryId:
            if (fast_binary(static_cast<wasm::Binary*>(e)->op))
                return eval_binary(static_cast<wasm::Binary*>(e), out);
            break;
        case E::LocalSetId:
            return eval_local_set(static_cast<wasm::LocalSet*>(e), out);
        case E::BlockId:
            return eval_block(static_cast<wasm::Block*>(e), out);
        case E::LoadId:
            return eval_load(static_cast<wasm::Load*>(e), out);
        case E::StoreId:
            return eval_store(static_cast<wasm::Store*>(e), out);
        case E::BreakId:
            return eval_break(static_cast<wasm::Break*>(e), out);
        case E::IfId:
            return eval_if(static_cast<wasm::If*>(e), out);
        case E::LoopId:
            return eval_loop(static_cast<wasm::Loop*>(e), out);
        case E::UnaryId:
            if (fast_unary(static_cast<wasm::Unary*>(e)->op))
                return eval_unary(static_cast<wasm::Unary*>(e), out);
            break;
        case E::CallId:
            return eval_call(static_cast<wasm::Call*>(e), out);
        case E::GlobalGetId:
            return eval_global_get(static_cast<wasm::GlobalGet*>(e), out);
        case E::GlobalSetId:
            return eval_global_set(static_cast<wasm::GlobalSet*>(e), out);
        case E::SelectId:
            return eval_select(static_cast<wasm::Select*>(e), out);
        case E::DropId:
            return eval_drop(static_cast<wasm::Drop*>(e), out);
        case E::SwitchId:
            return eval_switch(static_cast<wasm::Switch*>(e), out);
        case E::ReturnId:
            return eval_return(static_cast<wasm::Return*>(e), out);
        default:
            break;
        }
    }
    return eval_other(e, out);
}

bool ScoutRunner::eval_other(wasm::Expression* e, uint64_t& out)
{
    const Counted counted(*this);
    return from_flow(Dispatch::visit(e), e->type, out);
}

bool ScoutRunner::eval_local_get(wasm::LocalGet* curr, uint64_t& out)
{
    const Counted counted(*this);
    out = frame_->raw[curr->index];
    return true;
}

bool ScoutRunner::eval_const(wasm::Const* curr, uint64_t& out)
{
    const Counted counted(*this);
    out = raw_of(curr->value);
    return true;
}

// As ExpressionRunner::visitBlock: nested blocks in first position are run
// iteratively (their depth not counted), without its heap-allocated stack for
// up to eight of them.
bool ScoutRunner::eval_block(wasm::Block* curr, uint64_t& out)
{
    const Counted counted(*this);
    wasm::SmallVector<wasm::Block*, 8> stack;
    stack.push_back(curr);
    while (curr->list.size() > 0 && curr->list[0]->is<wasm::Block>())
    {
        curr = curr->list[0]->cast<wasm::Block>();
        stack.push_back(curr);
    }
    wasm::Block* top = stack.back();
    bool breaking = false;
    while (stack.size() > 0)
    {
        curr = stack.back();
        stack.pop_back();
        if (breaking)
        {
            if (pending_.breakTo == curr->name)
            {
                breaking = false;
                catch_branch(curr->type, out);
            }
            continue;
        }
        auto& list = curr->list;
        for (size_t i = curr != top ? 1 : 0; i < list.size(); i++)
        {
            if (!eval(list[i], out))
            {
                breaking = true;
                if (pending_.breakTo == curr->name)
                {
                    breaking = false;
                    catch_branch(curr->type, out);
                }
                break;
            }
        }
    }
    return !breaking;
}

bool ScoutRunner::eval_if(wasm::If* curr, uint64_t& out)
{
    const Counted counted(*this);
    uint64_t condition = 0;
    if (!eval(curr->condition, condition))
        return false;
    if (static_cast<uint32_t>(condition) != 0)
        return eval(curr->ifTrue, out);
    if (curr->ifFalse)
        return eval(curr->ifFalse, out);
    return true;
}

bool ScoutRunner::eval_loop(wasm::Loop* curr, uint64_t& out)
{
    const Counted counted(*this);
    while (true)
    {
        if (eval(curr->body, out))
            return true;
        if (pending_.breakTo != curr->name)
            return false;
        pending_.breakTo.clear();  // br to the loop: the next iteration
    }
}

bool ScoutRunner::eval_break(wasm::Break* curr, uint64_t& out)
{
    const Counted counted(*this);
    if (curr->value && !is_raw(curr->value->type))
        return from_flow(Runner::visitBreak(curr), curr->type, out);
    uint64_t value = 0;
    if (curr->value && !eval(curr->value, value))
        return false;
    if (curr->condition)
    {
        uint64_t condition = 0;
        if (!eval(curr->condition, condition))
            return false;
        if (static_cast<uint32_t>(condition) == 0)
        {
            out = value;  // br_if not taken: its value flows on
            return true;
        }
    }
    branch(curr->name, curr->value ? curr->value->type : wasm::Type::none, value);
    return false;
}

bool ScoutRunner::eval_switch(wasm::Switch* curr, uint64_t& out)
{
    const Counted counted(*this);
    if (curr->value && !is_raw(curr->value->type))
        return from_flow(Runner::visitSwitch(curr), curr->type, out);
    uint64_t value = 0;
    if (curr->value && !eval(curr->value, value))
        return false;
    uint64_t condition = 0;
    if (!eval(curr->condition, condition))
        return false;
    const int64_t index = static_cast<int32_t>(condition);  // getInteger(): signed
    wasm::Name target = curr->default_;
    if (index >= 0 && static_cast<size_t>(index) < curr->targets.size())
        target = curr->targets[static_cast<size_t>(index)];
    branch(target, curr->value ? curr->value->type : wasm::Type::none, value);
    return false;
}

bool ScoutRunner::eval_return(wasm::Return* curr, uint64_t& out)
{
    const Counted counted(*this);
    if (curr->value && !is_raw(curr->value->type))
        return from_flow(Runner::visitReturn(curr), curr->type, out);
    uint64_t value = 0;
    if (curr->value && !eval(curr->value, value))
        return false;
    branch(wasm::RETURN_FLOW, curr->value ? curr->value->type : wasm::Type::none, value);
    return false;
}

bool ScoutRunner::eval_drop(wasm::Drop* curr, uint64_t& out)
{
    const Counted counted(*this);
    if (!is_raw(curr->value->type))
        return from_flow(Runner::visitDrop(curr), curr->type, out);
    uint64_t ignored = 0;
    return eval(curr->value, ignored);
}

bool ScoutRunner::eval_select(wasm::Select* curr, uint64_t& out)
{
    const Counted counted(*this);
    uint64_t if_true = 0, if_false = 0, condition = 0;
    if (!eval(curr->ifTrue, if_true) || !eval(curr->ifFalse, if_false) ||
        !eval(curr->condition, condition))
        return false;
    out = static_cast<uint32_t>(condition) != 0 ? if_true : if_false;
    return true;
}

bool ScoutRunner::eval_local_set(wasm::LocalSet* curr, uint64_t& out)
{
    const Counted counted(*this);
    if (frame_->wide && frame_->info->wide[curr->index] >= 0)
        return from_flow(visitLocalSet(curr), curr->type, out);
    uint64_t value = 0;
    if (!eval(curr->value, value))
        return false;
    frame_->raw[curr->index] = value;
    out = value;  // local.tee's value
    return true;
}

wasm::Flow ScoutRunner::visitLocalGet(wasm::LocalGet* curr)
{
    if (frame_->wide && frame_->info->wide[curr->index] >= 0)
        return wasm::Flow((*frame_->wide)[frame_->info->wide[curr->index]]);
    return flow_of(curr->type, frame_->raw[curr->index]);
}

wasm::Flow ScoutRunner::visitLocalSet(wasm::LocalSet* curr)
{
    if (frame_->wide && frame_->info->wide[curr->index] >= 0)
    {
        wasm::Flow flow = visit(curr->value);
        if (flow.breaking())
            return flow;
        (*frame_->wide)[frame_->info->wide[curr->index]] = flow.values;
        return curr->isTee() ? flow : wasm::Flow();
    }
    return raw_flow(curr);
}

bool ScoutRunner::eval_global_get(wasm::GlobalGet* curr, uint64_t& out)
{
    const Counted counted(*this);
    out = raw_of((*globals_.at(curr->name))[0]);
    return true;
}

bool ScoutRunner::eval_global_set(wasm::GlobalSet* curr, uint64_t& out)
{
    const Counted counted(*this);
    if (!is_raw(curr->value->type))
        return from_flow(Base::visitGlobalSet(curr), curr->type, out);
    uint64_t value = 0;
    if (!eval(curr->value, value))
        return false;
    auto& global = *globals_.at(curr->name);
    global[0] = literal_of(curr->value->type, value);
    return true;
}

// Binaryen 108's getFinalAddress reads an i32 pointer as a signed value (it
// widens geti32() to 64 bits), so in a memory over 2 GiB (--max-memory-pages
// above 32768) every pointer from 2^31 up would trap as "final > memory",
// where V8, wabt and wasm2c read and write. The fast path does the bounds
// check itself, unsigned (ptr + offset + bytes <= memory size), and sends only
// out-of-bounds accesses to getFinalAddress, for its trap and message (every
// one of those traps there too, signed or not). Atomic and v128 accesses still
// take Binaryen's path (docs/engines.md: its one limit above 2 GiB).

wasm::Address ScoutRunner::checked_address(wasm::Load* curr, uint64_t ptr)
{
    return getMemoryInstance()->getFinalAddress(
        curr, wasm::Literal(static_cast<int32_t>(static_cast<uint32_t>(ptr))));
}

wasm::Address ScoutRunner::checked_address(wasm::Store* curr, uint64_t ptr)
{
    return getMemoryInstance()->getFinalAddress(
        curr, wasm::Literal(static_cast<int32_t>(static_cast<uint32_t>(ptr))));
}

bool ScoutRunner::eval_load(wasm::Load* curr, uint64_t& out)
{
    const Counted counted(*this);
    if (curr->isAtomic)
        return from_flow(Base::visitLoad(curr), curr->type, out);
    uint64_t ptr = 0;
    if (!eval(curr->ptr, ptr))
        return false;
    const uint32_t p = static_cast<uint32_t>(ptr);
    const uint64_t ea = uint64_t{p} + curr->offset;
    auto& memory = *memory_;
    if (ea + curr->bytes > memory.size())
    {
        auto* inst = getMemoryInstance();
        const wasm::Address addr = checked_address(curr, ptr);  // traps
        out = raw_of(inst->externalInterface->load(curr, addr));
        return true;
    }
    const uint8_t* src = memory.data() + ea;
    switch (curr->bytes)
    {
    case 1:
        out = curr->signed_ ? static_cast<uint64_t>(static_cast<int64_t>(static_cast<int8_t>(*src)))
                            : uint64_t{*src};
        break;
    case 2: {
        uint16_t v;
        std::memcpy(&v, src, 2);
        out = curr->signed_ ? static_cast<uint64_t>(static_cast<int64_t>(static_cast<int16_t>(v)))
                            : uint64_t{v};
        break;
    }
    case 4: {
        uint32_t v;
        std::memcpy(&v, src, 4);
        out = curr->signed_ && curr->type == wasm::Type::i64
                  ? static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(v)))
                  : uint64_t{v};
        break;
    }
    default:
        std::memcpy(&out, src, 8);
        break;
    }
    if (curr->type == wasm::Type::i32)
        out = static_cast<uint32_t>(out);  // sign extension stops at 32 bits
    return true;
}

bool ScoutRunner::eval_store(wasm::Store* curr, uint64_t& out)
{
    const Counted counted(*this);
    if (curr->isAtomic || !is_raw(curr->value->type))
        return from_flow(Base::visitStore(curr), curr->type, out);
    uint64_t ptr = 0, value = 0;
    if (!eval(curr->ptr, ptr) || !eval(curr->value, value))
        return false;
    const uint32_t p = static_cast<uint32_t>(ptr);
    const uint64_t ea = uint64_t{p} + curr->offset;
    auto& memory = *memory_;
    if (ea + curr->bytes > memory.size())
    {
        auto* inst = getMemoryInstance();
        const wasm::Address addr = checked_address(curr, ptr);  // traps
        inst->externalInterface->store(curr, addr, literal_of(curr->value->type, value));
        return true;
    }
    std::memcpy(memory.data() + ea, &value, curr->bytes);  // little-endian host
    return true;
}

}  // namespace scout::binaryen
