#pragma once
/// Internal to the Binaryen engine: ScoutRunner, the fast evaluator, and the
/// instance of a module it runs (LinkedInstances: the libraries a script
/// calls). Its definitions: scout_runner.cpp (instances, invocations, frames,
/// calls), scout_runner_eval.cpp (the fast path's dispatch, control flow,
/// locals, globals, memory), scout_runner_numeric.cpp (integer operators).

#include "module_code.hpp"
#include "raw_values.hpp"
#include "trap.hpp"

#include <wasm-interpreter.h>
#include <wasm.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>

namespace scout::binaryen {

class BlockHost;
class ScoutRunner;
/// The library instances of one block, by library name (a script's imports
/// from a library call into these).
using LinkedInstances = std::map<wasm::Name, std::shared_ptr<ScoutRunner>>;

/// Binaryen's wasm::ModuleRunner, made faster where the profile says so
/// (docs/performance.md, "Binaryen engine"), with scout's limits.
///
/// The interpreter dispatches every expression to the visit method of the
/// derived type; ScoutRunner overrides those of the hot expressions. Each
/// override evaluates numeric expressions through eval(), which returns raw
/// bits instead of a Flow and recurses into children the same way, and falls
/// back to Binaryen's own visitor for everything else (floating-point
/// arithmetic, SIMD, bulk memory, tuples, memory.grow...). Locals live in
/// ScoutRunner's own frames, so calls and locals never go through Binaryen's
/// FunctionScope; every entry point (callExport, callFunction, callTable) is
/// ScoutRunner's. Semantics, trap messages, the order of evaluation and of
/// host calls, and the depth counting of Binaryen's limits stay exactly
/// Binaryen 108's: where the fast path meets anything unusual (an address
/// that traps, a v128 value) it hands the expression to the Binaryen code it
/// replaces.
class ScoutRunner : public wasm::ModuleRunnerBase<ScoutRunner>
{
    using Base = wasm::ModuleRunnerBase<ScoutRunner>;
    using Runner = wasm::ExpressionRunner<ScoutRunner>;
    using Dispatch = wasm::OverriddenVisitor<ScoutRunner, wasm::Flow>;

public:
    /// `frame_reserve`: ParsedModule::frame_reserve, the native stack an
    /// invocation must find free to start.
    ScoutRunner(wasm::Module& module, const ModuleCode& code, BlockHost* host,
                LinkedInstances linked, uint32_t max_call_depth, size_t frame_reserve);

    /// Runs the start function, with the depth limit on. ParsedModule moves the
    /// start function out of the module, so that the base constructor (which
    /// runs it before a derived class can set anything) does not.
    void start(wasm::Name start_function);

    // Entry points: these hide the base class's, which would run the function
    // in Binaryen's own frames.
    wasm::Literals callExport(wasm::Name name, const wasm::Literals& arguments);
    wasm::Literals callExport(wasm::Name name) { return callExport(name, wasm::Literals()); }
    wasm::Literals callFunction(wasm::Name name, const wasm::Literals& arguments);
    /// For callTable: calls a defined function of this instance.
    wasm::Literals call_function_internal(wasm::Function* function,
                                          const wasm::Literals& arguments);

    // --- the visitors the interpreter dispatches to (Flow in, Flow out) ---

    /// As ExpressionRunner::visit (depth count and limit, dispatch), without
    /// its result type check; the base class's code calls this one through
    /// self()->visit.
    wasm::Flow visit(wasm::Expression* curr)
    {
        enter();
        wasm::Flow flow = Dispatch::visit(curr);
        --depth;
        return flow;
    }

    // Binaryen's Visitor calls visitX by the static type of the node (CRTP),
    // so every kind the fast path takes over needs its own override of the
    // same shape: raw_flow() when the value is raw, else Binaryen's.
    wasm::Flow visitBlock(wasm::Block* curr)
    {
        return is_raw(curr->type) ? raw_flow(curr) : Runner::visitBlock(curr);
    }
    wasm::Flow visitIf(wasm::If* curr)
    {
        return is_raw(curr->type) ? raw_flow(curr) : Runner::visitIf(curr);
    }
    wasm::Flow visitLoop(wasm::Loop* curr)
    {
        return is_raw(curr->type) ? raw_flow(curr) : Runner::visitLoop(curr);
    }
    wasm::Flow visitBreak(wasm::Break* curr)
    {
        return is_raw(curr->type) ? raw_flow(curr) : Runner::visitBreak(curr);
    }
    wasm::Flow visitSwitch(wasm::Switch* curr)
    {
        return is_raw(curr->type) ? raw_flow(curr) : Runner::visitSwitch(curr);
    }
    wasm::Flow visitReturn(wasm::Return* curr)
    {
        return is_raw(curr->type) ? raw_flow(curr) : Runner::visitReturn(curr);
    }
    wasm::Flow visitDrop(wasm::Drop* curr)
    {
        return is_raw(curr->type) ? raw_flow(curr) : Runner::visitDrop(curr);
    }
    wasm::Flow visitSelect(wasm::Select* curr)
    {
        return is_raw(curr->type) ? raw_flow(curr) : Runner::visitSelect(curr);
    }
    wasm::Flow visitUnary(wasm::Unary* curr)
    {
        return fast_unary(curr->op) ? raw_flow(curr) : Runner::visitUnary(curr);
    }
    wasm::Flow visitBinary(wasm::Binary* curr)
    {
        return fast_binary(curr->op) ? raw_flow(curr) : Runner::visitBinary(curr);
    }
    wasm::Flow visitLocalGet(wasm::LocalGet* curr);
    wasm::Flow visitLocalSet(wasm::LocalSet* curr);
    // (Also reached from the base constructor, for global initializers, before
    // ScoutRunner's members exist: Binaryen's own.)
    wasm::Flow visitGlobalGet(wasm::GlobalGet* curr) { return Base::visitGlobalGet(curr); }
    wasm::Flow visitGlobalSet(wasm::GlobalSet* curr)
    {
        return is_raw(curr->type) ? raw_flow(curr) : Base::visitGlobalSet(curr);
    }
    wasm::Flow visitLoad(wasm::Load* curr)
    {
        return is_raw(curr->type) ? raw_flow(curr) : Base::visitLoad(curr);
    }
    wasm::Flow visitStore(wasm::Store* curr)
    {
        return is_raw(curr->type) ? raw_flow(curr) : Base::visitStore(curr);
    }
    wasm::Flow visitCall(wasm::Call* curr);
    wasm::Flow visitCallIndirect(wasm::CallIndirect* curr);
    wasm::Flow visitCallRef(wasm::CallRef*)
    {
        // Needs the GC proposal, which validation rejects; never Binaryen's
        // own call path, whose frames ScoutRunner does not keep.
        trap("call_ref is not supported");
        WASM_UNREACHABLE("trap");
    }

private:
    // --- the fast path ---

    /// Evaluates `e`, counting it against the depth limit as visit() does.
    /// Returns true when control flows on, with the value's raw bits in `out`
    /// when e's type is numeric; false when a branch (br, br_if, br_table,
    /// return) leaves `e`, the branch then being in pending_. The commonest
    /// leaves (local.get, a numeric const) are evaluated right here, inline at
    /// every call site; everything else in eval_node.
    __attribute__((always_inline)) bool eval(wasm::Expression* e, uint64_t& out)
    {
        using E = wasm::Expression;
        if (e->_id == E::LocalGetId && !frame_->wide)
        {
            leaf();
            out = frame_->raw[static_cast<wasm::LocalGet*>(e)->index];
            return true;
        }
        if (e->_id == E::ConstId && is_raw(e->type))
        {
            leaf();
            out = raw_of(static_cast<wasm::Const*>(e)->value);
            return true;
        }
        return eval_node(e, out);
    }
    /// eval's count of a leaf: the depth goes up by one and straight back.
    __attribute__((always_inline)) void leaf()
    {
        if (__builtin_expect(Runner::maxDepth != NO_LIMIT && depth >= Runner::maxDepth, 0))
            depth_limit();
    }
    [[noreturn]] __attribute__((noinline, cold)) void depth_limit()
    {
        ++depth;  // as enter(), which would trap here
        recursion_limit();
    }
    /// The dispatch: a jump to the eval_* function of e's kind, each of which
    /// counts its expression (Counted) in its own frame, so that a node costs
    /// one frame, not two.
    __attribute__((noinline)) bool eval_node(wasm::Expression* e, uint64_t& out);
    /// Binaryen's visitor (or ScoutRunner's Flow one) for everything else.
    __attribute__((noinline)) bool eval_other(wasm::Expression* e, uint64_t& out);

    /// ExpressionRunner::visit's depth count, for the scope of one expression.
    struct Counted
    {
        explicit Counted(ScoutRunner& r)
          : runner(r)
        {
            runner.enter();
        }
        ~Counted() { --runner.depth; }
        Counted(const Counted&) = delete;
        Counted& operator=(const Counted&) = delete;
        ScoutRunner& runner;
    };

    __attribute__((noinline)) bool eval_local_get(wasm::LocalGet* curr, uint64_t& out);
    __attribute__((noinline)) bool eval_const(wasm::Const* curr, uint64_t& out);
    __attribute__((noinline)) bool eval_block(wasm::Block* curr, uint64_t& out);
    __attribute__((noinline)) bool eval_if(wasm::If* curr, uint64_t& out);
    __attribute__((noinline)) bool eval_loop(wasm::Loop* curr, uint64_t& out);
    __attribute__((noinline)) bool eval_break(wasm::Break* curr, uint64_t& out);
    __attribute__((noinline)) bool eval_switch(wasm::Switch* curr, uint64_t& out);
    __attribute__((noinline)) bool eval_return(wasm::Return* curr, uint64_t& out);
    __attribute__((noinline)) bool eval_drop(wasm::Drop* curr, uint64_t& out);
    __attribute__((noinline)) bool eval_select(wasm::Select* curr, uint64_t& out);
    __attribute__((noinline)) bool eval_unary(wasm::Unary* curr, uint64_t& out);
    __attribute__((noinline)) bool eval_binary(wasm::Binary* curr, uint64_t& out);
    __attribute__((noinline)) bool eval_local_set(wasm::LocalSet* curr, uint64_t& out);
    __attribute__((noinline)) bool eval_global_get(wasm::GlobalGet* curr, uint64_t& out);
    __attribute__((noinline)) bool eval_global_set(wasm::GlobalSet* curr, uint64_t& out);
    __attribute__((noinline)) bool eval_load(wasm::Load* curr, uint64_t& out);
    __attribute__((noinline)) bool eval_store(wasm::Store* curr, uint64_t& out);
    __attribute__((noinline)) bool eval_call(wasm::Call* curr, uint64_t& out);

    /// The raw path of a call: guard taken, callee known.
    bool call_raw(wasm::Call* curr, const FuncInfo& callee, uint64_t& out);
    /// Binaryen's path of a call (Literals arguments), for the other signatures.
    wasm::Flow call_literals(wasm::Call* curr, const FuncInfo& callee);
    /// As ModuleRunnerBase::visitCallIndirect, the guard taken.
    wasm::Flow call_indirect(wasm::CallIndirect* curr);

    /// Invokes a defined function with raw arguments (callee.raw_call).
    uint64_t invoke_raw(const FuncInfo& callee, const uint64_t* args);
    /// Invokes a defined function with Literals, as callFunctionInternal does.
    wasm::Literals invoke_literals(const FuncInfo& callee, const wasm::Literals& args);

    /// Wraps the fast path of an expression reached through visit().
    template <typename T> wasm::Flow raw_flow(T* curr)
    {
        uint64_t bits = 0;
        --depth;  // visit() has counted curr, and eval_node counts it again
        const bool ok = eval_node(curr, bits);
        ++depth;
        if (!ok)
            return take_pending();
        return flow_of(curr->type, bits);
    }
    /// Turns a Flow back into the fast path's terms.
    bool from_flow(wasm::Flow&& flow, wasm::Type type, uint64_t& out)
    {
        if (flow.breaking())
        {
            pending_ = std::move(flow);
            return false;
        }
        if (type.isConcrete() && is_raw(type))
            out = raw_of(flow.values[0]);
        return true;
    }
    wasm::Flow take_pending()
    {
        wasm::Flow flow = std::move(pending_);
        pending_.breakTo.clear();
        return flow;
    }
    /// A branch to `target` with the raw value `bits` of `type` (none: no value).
    void branch(wasm::Name target, wasm::Type type, uint64_t bits)
    {
        pending_.values.clear();
        if (type.isConcrete())
            pending_.values.push_back(literal_of(type, bits));
        pending_.breakTo = target;
    }
    /// The value of the branch in pending_, caught by a construct of `type`.
    void catch_branch(wasm::Type type, uint64_t& out)
    {
        pending_.breakTo.clear();
        if (type.isConcrete())
            out = raw_of(pending_.values[0]);
    }

    /// ExpressionRunner::visit's depth count and limit.
    void enter()
    {
        ++depth;
        if (Runner::maxDepth != NO_LIMIT && depth > Runner::maxDepth)
            recursion_limit();
    }

    // The traps of the fast path, said not to return. BlockHost's hostLimit and
    // trap always throw, but the compiler sees that only when BlockHost is in
    // the same translation unit (as when the engine was one file): without
    // [[noreturn]], every eval_* function saved registers around the trap call
    // on its hot path. Callgrind, test-vectors/bench/accumulator_64k.yaml,
    // BinaryenScript::run_block: 443 M instructions as one file, 466 M split
    // without these, 422 M with them (bignum_256_1k_words: 45.1, 46.3, 43.2 M).
    // The throws after the calls are never reached.
    [[noreturn]] __attribute__((noinline, cold)) void recursion_limit()
    {
        // Qualified: this class does not override it, and Binaryen's constructor
        // evaluates global initialisers through this class before it is built,
        // where a virtual call would not reach an override anyway.
        Base::hostLimit("interpreter recursion limit");
        throw Trap(TrapKind::resource, "interpreter recursion limit");
    }
    /// A wasm trap with Binaryen's message `why`.
    [[noreturn]] __attribute__((noinline, cold)) void wasm_trap(const char* why)
    {
        trap(why);
        throw Trap(TrapKind::wasm, why);
    }

    /// The unary operators eval_unary evaluates. (Inline: eval_node, a chain
    /// of tail calls, would otherwise need a frame of its own to call it.)
    static bool fast_unary(wasm::UnaryOp op)
    {
        switch (op)
        {
        case wasm::ClzInt32:
        case wasm::ClzInt64:
        case wasm::CtzInt32:
        case wasm::CtzInt64:
        case wasm::PopcntInt32:
        case wasm::PopcntInt64:
        case wasm::EqZInt32:
        case wasm::EqZInt64:
        case wasm::ExtendSInt32:
        case wasm::ExtendUInt32:
        case wasm::WrapInt64:
        case wasm::ReinterpretFloat32:
        case wasm::ReinterpretFloat64:
        case wasm::ReinterpretInt32:
        case wasm::ReinterpretInt64:
        case wasm::ExtendS8Int32:
        case wasm::ExtendS16Int32:
        case wasm::ExtendS8Int64:
        case wasm::ExtendS16Int64:
        case wasm::ExtendS32Int64:
            return true;
        default:
            return false;
        }
    }
    /// The integer operators, i32's then i64's (the order integer_ops.hpp
    /// asserts); every later operator is a float or SIMD one.
    static bool fast_binary(wasm::BinaryOp op) { return op <= wasm::GeUInt64; }

    /// Traps as Binaryen's trapIfGt does, when the fast bounds check fails.
    wasm::Address checked_address(wasm::Load* curr, uint64_t ptr);
    wasm::Address checked_address(wasm::Store* curr, uint64_t ptr);

    /// A function invocation's frame, as callFunctionInternal's FunctionScope,
    /// with its checks: calls nest at most --max-call-depth deep (checked where
    /// Binaryen checks its fixed limit of 250, which scout does not use: on
    /// entry, after the arguments were evaluated, as wabt and wasm2c do), each
    /// invocation nests at most
    /// max_interpreter_depth expressions, and the native stack has room for it.
    class FrameScope;
    /// A host function's call counts as a nested call too (as on wabt and
    /// wasm2c), checked where FrameScope checks a wasm function's.
    void check_host_call_depth() const
    {
        if (call_depth_ > max_call_depth_)
            call_stack_exhausted();
    }
    [[noreturn]] void call_stack_exhausted() const
    {
        throw Trap(TrapKind::resource, "call stack exhausted: more than " +
                                           std::to_string(max_call_depth_) +
                                           " nested calls (--max-call-depth)");
    }

    const ModuleCode& code_;
    BlockHost* host_;
    std::vector<uint8_t>* memory_;  ///< the linear memory (the library's, when imported)
    uint32_t max_call_depth_;
    uint32_t call_depth_ = 0;
    size_t frame_reserve_;
    Frame* frame_ = nullptr;
    wasm::Flow pending_;
    std::unordered_map<wasm::Name, wasm::Literals*> globals_;
};

}  // namespace scout::binaryen
