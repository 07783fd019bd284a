/// Adapter: Binaryen 108's interpreter behind scout's Engine interface.
/// Binaryen's types stay in this file.

#include "binaryen_engine.hpp"

#include "binaryen_support.hpp"
#include "eei.hpp"
#include "errors.hpp"
#include "large_stack.hpp"
#include "module_check.hpp"
#include "trap.hpp"

#include <ir/iteration.h>
#include <ir/module-utils.h>
#include <pass.h>
#include <wasm-binary.h>
#include <wasm-interpreter.h>
#include <wasm-traversal.h>
#include <wasm-validator.h>
#include <wasm.h>

#include <chrono>
#include <cstring>
#include <iostream>
#include <optional>
#include <sstream>
#include <unordered_map>

#ifndef SCOUT_BINARYEN_VERSION
#define SCOUT_BINARYEN_VERSION "unknown"
#endif

namespace scout {
namespace {

constexpr uint64_t page_size = wasm::Memory::kPageSize;

ValType val_type(wasm::Type t)
{
    if (t == wasm::Type::i32)
        return ValType::i32;
    if (t == wasm::Type::i64)
        return ValType::i64;
    if (t == wasm::Type::f32)
        return ValType::f32;
    if (t == wasm::Type::f64)
        return ValType::f64;
    return ValType::other;
}

FuncType func_type(wasm::Function& f)  // Binaryen's getters are not const
{
    FuncType type;
    for (const auto& t : f.getParams())
        type.params.push_back(val_type(t));
    for (const auto& t : f.getResults())
        type.results.push_back(val_type(t));
    return type;
}

ModuleInterface describe(wasm::Module& module)
{
    ModuleInterface iface;
    auto add_import = [&](wasm::Importable* imp, ExternKind kind) {
        iface.imports.push_back({imp->module.str, imp->base.str, kind, {}});
    };
    wasm::ModuleUtils::iterImportedFunctions(module, [&](wasm::Function* f) {
        add_import(f, ExternKind::function);
        iface.imports.back().type = func_type(*f);
    });
    if (module.memory.exists && module.memory.imported())
        add_import(&module.memory, ExternKind::memory);
    wasm::ModuleUtils::iterImportedTables(
        module, [&](wasm::Table* t) { add_import(t, ExternKind::table); });
    wasm::ModuleUtils::iterImportedGlobals(
        module, [&](wasm::Global* g) { add_import(g, ExternKind::global); });
    wasm::ModuleUtils::iterImportedTags(module,
                                        [&](wasm::Tag* t) { add_import(t, ExternKind::tag); });

    for (const auto& e : module.exports)
    {
        ExportDesc d{e->name.str, ExternKind::function, {}};
        switch (e->kind)
        {
        case wasm::ExternalKind::Function:
            d.type = func_type(*module.getFunction(e->value));
            break;
        case wasm::ExternalKind::Table:
            d.kind = ExternKind::table;
            break;
        case wasm::ExternalKind::Memory:
            d.kind = ExternKind::memory;
            break;
        case wasm::ExternalKind::Global:
            d.kind = ExternKind::global;
            break;
        default:
            d.kind = ExternKind::tag;
            break;
        }
        iface.exports.push_back(std::move(d));
    }
    return iface;
}

/// Binaryen's interpreter recurses natively once per nested expression and
/// per call. Its expression-depth limit is off in wasm::ModuleRunner, so a
/// deeply nested but valid function could overflow the C++ stack. ScoutRunner
/// turns it on per invocation: a body nests at most max_interpreter_depth
/// expressions (a call's body starts again at 0), and calls nest at most
/// --max-call-depth deep (FrameScope). What one frame can take of the native
/// stack is then bounded by its module's deepest body (frame_reserve), and
/// ScoutRunner checks before every invocation that this fits in what is left
/// (native_stack_left), else traps as a resource limit: a script never
/// overflows the host stack, however its calls nest.
constexpr wasm::Index max_interpreter_depth = 100'000;
/// Native stack per nesting level and per call, with a margin. Measured by
/// stack painting on Release builds: an expression takes 64 bytes on the fast
/// path and at most ~800 on Binaryen's visitors (nested v128 and f32
/// arithmetic), a call's frames about 1.1 KB, a small recursive function's
/// call (its body nested a few levels) about 1.5 KB. Under AddressSanitizer,
/// and without optimization, frames are far bigger (a level about 11 KB with
/// ASan's redzones).
#if defined(__SANITIZE_ADDRESS__) || !defined(__OPTIMIZE__)
#define SCOUT_BIG_FRAMES 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SCOUT_BIG_FRAMES 1
#endif
#endif
#ifdef SCOUT_BIG_FRAMES
constexpr uint64_t native_bytes_per_level = 16384;
constexpr uint64_t native_bytes_per_call = 65536;
constexpr bool inline_blocks = false;  ///< blocks never run on the caller's stack
#else
constexpr uint64_t native_bytes_per_level = 2048;
constexpr uint64_t native_bytes_per_call = 16384;
/// Blocks of modules that provably need little stack run on the caller's.
constexpr bool inline_blocks = true;
#endif
/// Stack kept free below a frame for host functions and the harness.
constexpr uint64_t host_call_reserve = uint64_t{256} << 10;

/// The stack of the engine's StackThread: the deepest body allowed, plus
/// --max-call-depth calls. Reserved as address space (large_stack.hpp): only
/// what a run touches is ever committed.
size_t interpreter_stack_bytes(uint32_t max_call_depth)
{
    return max_interpreter_depth * native_bytes_per_level + host_call_reserve +
           (uint64_t{max_call_depth} + 2) * native_bytes_per_call;
}

class BlockHost;
class ScoutRunner;
using Bindings = std::unordered_map<const wasm::Function*, ImportBinding>;
using LinkedInstances = std::map<wasm::Name, std::shared_ptr<ScoutRunner>>;

// ---------------------------------------------------------------------------
// Raw values. Binaryen's interpreter passes every value as a wasm::Literal
// inside a wasm::Flow (a small vector of Literals plus a branch target), and
// Literal's copy, assignment and destructor live in libbinaryen.so: profiled,
// a fifth of the time went to copying Literals. ScoutRunner's fast paths pass
// the values of the numeric types as raw bits instead: an i32 or f32 in the low
// 32 bits (zero-extended), an i64 or f64 in all 64. A Literal is only made
// where a value crosses into code that still speaks Flow.

/// none, unreachable, i32, i64, f32, f64: the types the fast paths evaluate.
inline bool is_raw(wasm::Type t)
{
    return t.getID() <= wasm::Type::f64;
}

inline uint64_t raw_of(const wasm::Literal& l)
{
    switch (l.type.getBasic())
    {
    case wasm::Type::i32:
        return static_cast<uint32_t>(l.geti32());
    case wasm::Type::i64:
        return static_cast<uint64_t>(l.geti64());
    case wasm::Type::f32:
        return static_cast<uint32_t>(l.reinterpreti32());
    case wasm::Type::f64:
        return static_cast<uint64_t>(l.reinterpreti64());
    default:
        WASM_UNREACHABLE("not a raw value");
    }
}

/// A Flow holding the raw value `bits` of type `t` (no value for none).
inline wasm::Flow flow_of(wasm::Type t, uint64_t bits)
{
    wasm::Flow flow;
    switch (t.getBasic())
    {
    case wasm::Type::i32:
        flow.values.emplace_back(static_cast<int32_t>(static_cast<uint32_t>(bits)));
        break;
    case wasm::Type::i64:
        flow.values.emplace_back(static_cast<int64_t>(bits));
        break;
    case wasm::Type::f32: {
        const uint32_t b = static_cast<uint32_t>(bits);
        float f;
        std::memcpy(&f, &b, sizeof f);
        flow.values.emplace_back(f);  // Literal(float) keeps the bits, NaN payloads included
        break;
    }
    case wasm::Type::f64: {
        double d;
        std::memcpy(&d, &bits, sizeof d);
        flow.values.emplace_back(d);
        break;
    }
    default:
        break;
    }
    return flow;
}

inline wasm::Literal literal_of(wasm::Type t, uint64_t bits)
{
    return flow_of(t, bits).values[0];
}

// ---------------------------------------------------------------------------
// What ScoutRunner needs to know of each function, worked out once per parsed
// module (shared by every block's instance).

struct FuncInfo
{
    wasm::Function* func = nullptr;
    const HostFunction* host = nullptr;  ///< an import bound to the EEI
    bool library = false;                ///< an import bound to a library's export
    /// Parameters and result are all numeric (at most one result), and the
    /// function is defined here or is an EEI import: calls pass raw bits.
    bool raw_call = false;
    wasm::Type results;
    uint32_t params = 0;
    uint32_t locals = 0;  ///< parameters included
    /// Per local, the index of its value among the frame's "wide" locals (v128,
    /// tuples and references, kept as Literals), or -1 for a numeric local,
    /// kept as raw bits in the slot of its own index. Empty when no local is
    /// wide (the usual case).
    std::vector<int32_t> wide;
    std::vector<wasm::Type> wide_types;
};

class ModuleCode
{
public:
    ModuleCode() = default;
    ModuleCode(wasm::Module& module, const Bindings& bindings)
    {
        for (auto& f : module.functions)
        {
            FuncInfo info;
            info.func = f.get();
            info.results = f->getResults();
            info.params = static_cast<uint32_t>(f->getNumParams());
            bool raw = info.results.isTuple() ? false : is_raw(info.results);
            for (const auto& t : f->getParams())
                raw = raw && is_raw(t) && t.isConcrete();
            if (f->imported())
            {
                const auto it = bindings.find(f.get());
                if (it != bindings.end() && it->second.host)
                    info.host = it->second.host;
                else
                    info.library = true;  // (or unbound: callImport reports it)
                info.raw_call = raw && info.host != nullptr;
            }
            else
            {
                info.raw_call = raw;
                info.locals = static_cast<uint32_t>(f->getNumLocals());
                for (wasm::Index i = 0; i < info.locals; ++i)
                {
                    const wasm::Type t = f->getLocalType(i);
                    if (is_raw(t))
                        continue;
                    if (info.wide.empty())
                        info.wide.assign(info.locals, -1);
                    info.wide[i] = static_cast<int32_t>(info.wide_types.size());
                    info.wide_types.push_back(t);
                }
            }
            functions_.emplace(f->name, std::move(info));
        }
    }

    const FuncInfo& function(wasm::Name name) const { return functions_.at(name); }

private:
    std::unordered_map<wasm::Name, FuncInfo> functions_;
};

/// One function invocation's locals.
struct Frame
{
    uint64_t* raw = nullptr;                      ///< numeric locals, by index
    std::vector<wasm::Literals>* wide = nullptr;  ///< the others (null: none)
    const FuncInfo* info = nullptr;
};

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
    __attribute__((noinline, cold)) void depth_limit()
    {
        enter();  // traps
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
            hostLimit("interpreter recursion limit");
    }

    static bool fast_unary(wasm::UnaryOp op);
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

/// Whether a host function's value of this type uses all 64 bits.
inline bool wide_bits(ValType t)
{
    return t == ValType::i64 || t == ValType::f64;
}

inline wasm::Type wasm_type(ValType t)
{
    switch (t)
    {
    case ValType::i64:
        return wasm::Type::i64;
    case ValType::f32:
        return wasm::Type::f32;
    case ValType::f64:
        return wasm::Type::f64;
    default:
        return wasm::Type::i32;
    }
}

class BlockHost final : public wasm::ModuleRunnerBase<ScoutRunner>::ExternalInterface
{
public:
    /// `linked`: the block's library instances, for imports bound to them.
    /// `memory_owner`: the host whose memory host functions see (the library's,
    /// when the module imports its memory from one; null: this host's own).
    BlockHost(BlockContext& block, const Bindings& bindings, uint64_t max_memory_bytes,
              const LinkedInstances* linked = nullptr, BlockHost* memory_owner = nullptr)
      : block_(block)
      , bindings_(bindings)
      , max_memory_bytes_(max_memory_bytes)
      , linked_(linked)
      , memory_owner_(memory_owner ? memory_owner : this)
    {}

    /// The linear memory instances of this host see.
    std::vector<uint8_t>& memory() { return memory_owner_->memory_; }

    /// Calls an EEI function with raw arguments; returns the raw result.
    uint64_t call_host(const HostFunction& f, const uint64_t* raw_args, size_t count)
    {
        Value args[8];
        const size_t n = std::min(count, std::size(args));
        for (size_t i = 0; i < n; ++i)
            args[i].bits = i < f.type.params.size() && wide_bits(f.type.params[i])
                               ? raw_args[i]
                               : static_cast<uint32_t>(raw_args[i]);
        auto& memory = memory_owner_->memory_;
        MemoryView view(memory.data(), memory.size());
        const Value result = call_host_function(f, block_, view, args);
        if (f.type.results.empty())
            return 0;
        return wide_bits(f.type.results[0]) ? result.bits : static_cast<uint32_t>(result.bits);
    }

    void init(wasm::Module& module, ScoutRunner&) override
    {
        if (module.memory.exists && !module.memory.imported())
            memory_.resize(module.memory.initial * page_size);
        wasm::ModuleUtils::iterDefinedTables(
            module, [&](wasm::Table* t) { tables_[t->name].resize(t->initial); });
    }

    void importGlobals(std::map<wasm::Name, wasm::Literals>&, wasm::Module&) override
    {
        // bind_imports rejects imported globals before a module gets here.
    }

    wasm::Literals callImport(wasm::Function* import, wasm::Literals& arguments) override
    {
        const auto it = bindings_.find(import);
        if (it == bindings_.end())
            throw Trap(TrapKind::host, std::string("unbound import ") + import->module.str + "." +
                                           import->base.str);
        if (it->second.host == nullptr)  // bound to a library's export
            return linked_->at(import->module)->callExport(import->base, arguments);
        const HostFunction& f = *it->second.host;
        uint64_t args[8] = {};
        const size_t n = std::min(arguments.size(), std::size(args));
        for (size_t i = 0; i < n; ++i)
            if (arguments[i].type.isConcrete() && is_raw(arguments[i].type))
                args[i] = raw_of(arguments[i]);
        const uint64_t result = call_host(f, args, n);
        if (f.type.results.empty())
            return {};
        return flow_of(wasm_type(f.type.results[0]), result).values;
    }

    wasm::Literals callTable(wasm::Name table_name, wasm::Index index, wasm::HeapType sig,
                             wasm::Literals& arguments, wasm::Type results,
                             ScoutRunner& instance) override
    {
        const auto it = tables_.find(table_name);
        if (it == tables_.end())
            trap("call_indirect on a missing table");
        auto& table = it->second;
        if (index >= table.size())
            trap("call_indirect: table index out of bounds");
        wasm::Function* func = nullptr;
        if (table[index].isFunction() && !table[index].isNull())
            func = instance.wasm.getFunctionOrNull(table[index].getFunc());
        if (func == nullptr)
            trap("call_indirect: uninitialized table element");
        if (sig != func->type || func->getResults() != results)
            trap("call_indirect: function signature mismatch");
        if (func->imported())
            return callImport(func, arguments);
        return instance.call_function_internal(func, arguments);
    }

    bool growMemory(wasm::Address, wasm::Address new_size) override
    {
        if (new_size > max_memory_bytes_)
            return false;  // memory.grow returns -1, as the spec allows
        memory_.resize(new_size);
        return true;
    }

    bool growTable(wasm::Name name, const wasm::Literal& value, wasm::Index,
                   wasm::Index new_size) override
    {
        if (new_size > max_table_entries)
            return false;
        tables_[name].resize(new_size, value);
        return true;
    }

    wasm::Index tableSize(wasm::Name name) override
    {
        return static_cast<wasm::Index>(tables_[name].size());
    }

    void tableStore(wasm::Name name, wasm::Index index, const wasm::Literal& entry) override
    {
        auto& table = tables_[name];
        if (index >= table.size())
            trap("table index out of bounds");
        table[index] = entry;
    }

    wasm::Literal tableLoad(wasm::Name name, wasm::Index index) override
    {
        auto& table = tables_[name];
        if (index >= table.size())
            trap("table index out of bounds");
        return table[index];
    }

    void trap(const char* why) override
    {
        throw Trap(TrapKind::wasm, why);
    }

    void hostLimit(const char* why) override
    {
        if (std::strcmp(why, "interpreter recursion limit") == 0)
            throw Trap(TrapKind::resource, "interpreter recursion limit: more than " +
                                               std::to_string(max_interpreter_depth) +
                                               " nested expressions in one function");
        throw Trap(TrapKind::resource, why);
    }

    void throwException(const wasm::WasmException&) override
    {
        throw Trap(TrapKind::wasm, "uncaught wasm exception");
    }

    // Binaryen bounds-checks every access against the memory size before it
    // calls these, so they only move bytes (memcpy: unaligned-safe).
    template <typename T> T get(wasm::Address addr)
    {
        T v;
        std::memcpy(&v, memory_.data() + addr.addr, sizeof(T));
        return v;
    }
    template <typename T> void set(wasm::Address addr, T v)
    {
        std::memcpy(memory_.data() + addr.addr, &v, sizeof(T));
    }

    int8_t load8s(wasm::Address a) override { return get<int8_t>(a); }
    uint8_t load8u(wasm::Address a) override { return get<uint8_t>(a); }
    int16_t load16s(wasm::Address a) override { return get<int16_t>(a); }
    uint16_t load16u(wasm::Address a) override { return get<uint16_t>(a); }
    int32_t load32s(wasm::Address a) override { return get<int32_t>(a); }
    uint32_t load32u(wasm::Address a) override { return get<uint32_t>(a); }
    int64_t load64s(wasm::Address a) override { return get<int64_t>(a); }
    uint64_t load64u(wasm::Address a) override { return get<uint64_t>(a); }
    std::array<uint8_t, 16> load128(wasm::Address a) override
    {
        return get<std::array<uint8_t, 16>>(a);
    }
    void store8(wasm::Address a, int8_t v) override { set(a, v); }
    void store16(wasm::Address a, int16_t v) override { set(a, v); }
    void store32(wasm::Address a, int32_t v) override { set(a, v); }
    void store64(wasm::Address a, int64_t v) override { set(a, v); }
    void store128(wasm::Address a, const std::array<uint8_t, 16>& v) override { set(a, v); }

private:
    BlockContext& block_;
    const Bindings& bindings_;
    uint64_t max_memory_bytes_;
    const LinkedInstances* linked_;
    BlockHost* memory_owner_;
    std::vector<uint8_t> memory_;
    std::unordered_map<wasm::Name, std::vector<wasm::Literal>> tables_;
};

// ---------------------------------------------------------------------------
// ScoutRunner's definitions.

ScoutRunner::ScoutRunner(wasm::Module& module, const ModuleCode& code, BlockHost* host,
                         LinkedInstances linked, uint32_t max_call_depth, size_t frame_reserve)
  : ModuleRunnerBase(module, host, std::move(linked))
  , code_(code)
  , host_(host)
  , memory_(&host->memory())
  , max_call_depth_(max_call_depth)
  , frame_reserve_(frame_reserve)
{}

void ScoutRunner::start(wasm::Name start_function)
{
    Runner::maxDepth = max_interpreter_depth;
    // Globals stay in the base class's map (the base constructor initialized
    // them there); the fast path finds them without a map search.
    for (auto& g : wasm.globals)
        if (!g->imported())
            globals_[g->name] = &globals[g->name];
    if (start_function.is())
        callFunction(start_function, {});
}

wasm::Literals ScoutRunner::callExport(wasm::Name name, const wasm::Literals& arguments)
{
    wasm::Export* export_ = wasm.getExportOrNull(name);
    if (!export_)
        externalInterface->trap("callExport not found");
    return callFunction(export_->value, arguments);
}

wasm::Literals ScoutRunner::callFunction(wasm::Name name, const wasm::Literals& arguments)
{
    return invoke_literals(code_.function(name), arguments);
}

wasm::Literals ScoutRunner::call_function_internal(wasm::Function* function,
                                                   const wasm::Literals& arguments)
{
    return invoke_literals(code_.function(function->name), arguments);
}

class ScoutRunner::FrameScope
{
public:
    FrameScope(ScoutRunner& runner, const FuncInfo& callee)
      : runner_(runner)
      , saved_frame_(runner.frame_)
      , saved_depth_(runner.depth)
    {
        if (runner.call_depth_ > runner.max_call_depth_)
            runner.call_stack_exhausted();
        if (const size_t left = native_stack_left(); left != 0 && left < runner.frame_reserve_)
            throw Trap(TrapKind::resource,
                       "native stack exhausted at call depth " + std::to_string(runner.call_depth_) +
                           " (the interpreter's stack holds fewer calls of this "
                           "module's depth)");
        ++runner.call_depth_;
        runner.depth = 0;  // each invocation may nest max_interpreter_depth expressions
        const size_t n = callee.locals;
        uint64_t* raw = small_;
        if (n > std::size(small_))
        {
            big_.reset(new uint64_t[n]);
            raw = big_.get();
        }
        std::fill(raw, raw + n, uint64_t{0});
        frame_.raw = raw;
        frame_.info = &callee;
        if (!callee.wide_types.empty())
        {
            wide_ = std::make_unique<std::vector<wasm::Literals>>();
            for (const auto& t : callee.wide_types)
                wide_->push_back(wasm::Literal::makeZeros(t));
            frame_.wide = wide_.get();
        }
    }
    ~FrameScope()
    {
        runner_.frame_ = saved_frame_;
        runner_.depth = saved_depth_;
        --runner_.call_depth_;
    }
    FrameScope(const FrameScope&) = delete;
    FrameScope& operator=(const FrameScope&) = delete;

    Frame& frame() { return frame_; }
    void enter() { runner_.frame_ = &frame_; }

private:
    ScoutRunner& runner_;
    Frame* saved_frame_;
    wasm::Index saved_depth_;
    Frame frame_;
    uint64_t small_[64];
    std::unique_ptr<uint64_t[]> big_;
    std::unique_ptr<std::vector<wasm::Literals>> wide_;
};

uint64_t ScoutRunner::invoke_raw(const FuncInfo& callee, const uint64_t* args)
{
    FrameScope scope(*this, callee);
    std::copy(args, args + callee.params, scope.frame().raw);
    scope.enter();
    uint64_t result = 0;
    if (!eval(callee.func->body, result))  // a return: the only branch out of a body
        catch_branch(callee.results, result);
    return result;
}

wasm::Literals ScoutRunner::invoke_literals(const FuncInfo& callee, const wasm::Literals& args)
{
    wasm::Function* function = callee.func;
    if (function->getParams().size() != args.size())
        WASM_UNREACHABLE("invalid param count");
    if (function->imported())
    {
        // An export that re-exports an import (a library passing on an EEI
        // function, or another library's): no body here, the host runs it.
        check_host_call_depth();
        wasm::Literals copy = args;
        return externalInterface->callImport(function, copy);
    }
    FrameScope scope(*this, callee);
    Frame& frame = scope.frame();
    for (size_t i = 0; i < args.size(); ++i)
    {
        if (!callee.wide.empty() && callee.wide[i] >= 0)
            (*frame.wide)[callee.wide[i]] = {args[i]};
        else
            frame.raw[i] = raw_of(args[i]);
    }
    scope.enter();
    if (is_raw(function->body->type))
    {
        uint64_t result = 0;
        if (!eval(function->body, result))
        {
            wasm::Flow flow = take_pending();
            return flow.values;
        }
        if (!callee.results.isConcrete())
            return {};
        return flow_of(callee.results, result).values;
    }
    wasm::Flow flow = visit(function->body);
    return flow.values;
}

bool ScoutRunner::eval_node(wasm::Expression* e, uint64_t& out)
{
    using E = wasm::Expression;
    if (is_raw(e->type))
    {
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

bool ScoutRunner::fast_unary(wasm::UnaryOp op)
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

bool ScoutRunner::eval_unary(wasm::Unary* curr, uint64_t& out)
{
    const Counted counted(*this);
    uint64_t v = 0;
    if (!eval(curr->value, v))
        return false;
    const uint32_t a = static_cast<uint32_t>(v);
    switch (curr->op)
    {
    case wasm::ClzInt32:
        out = a == 0 ? 32 : __builtin_clz(a);
        break;
    case wasm::ClzInt64:
        out = v == 0 ? 64 : __builtin_clzll(v);
        break;
    case wasm::CtzInt32:
        out = a == 0 ? 32 : __builtin_ctz(a);
        break;
    case wasm::CtzInt64:
        out = v == 0 ? 64 : __builtin_ctzll(v);
        break;
    case wasm::PopcntInt32:
        out = __builtin_popcount(a);
        break;
    case wasm::PopcntInt64:
        out = __builtin_popcountll(v);
        break;
    case wasm::EqZInt32:
        out = a == 0;
        break;
    case wasm::EqZInt64:
        out = v == 0;
        break;
    case wasm::ExtendSInt32:
        out = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(a)));
        break;
    case wasm::ExtendUInt32:
    case wasm::WrapInt64:
    case wasm::ReinterpretFloat32:
    case wasm::ReinterpretInt32:
        out = a;
        break;
    case wasm::ReinterpretFloat64:
    case wasm::ReinterpretInt64:
        out = v;
        break;
    case wasm::ExtendS8Int32:
        out = static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(a)));
        break;
    case wasm::ExtendS16Int32:
        out = static_cast<uint32_t>(static_cast<int32_t>(static_cast<int16_t>(a)));
        break;
    case wasm::ExtendS8Int64:
        out = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int8_t>(v)));
        break;
    case wasm::ExtendS16Int64:
        out = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int16_t>(v)));
        break;
    case wasm::ExtendS32Int64:
        out = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(v)));
        break;
    default:
        WASM_UNREACHABLE("not a fast unary op");
    }
    return true;
}

namespace ops {

inline uint32_t rotl32(uint32_t x, uint32_t n)
{
    n &= 31;
    return n == 0 ? x : (x << n) | (x >> (32 - n));
}
inline uint32_t rotr32(uint32_t x, uint32_t n)
{
    n &= 31;
    return n == 0 ? x : (x >> n) | (x << (32 - n));
}
inline uint64_t rotl64(uint64_t x, uint64_t n)
{
    n &= 63;
    return n == 0 ? x : (x << n) | (x >> (64 - n));
}
inline uint64_t rotr64(uint64_t x, uint64_t n)
{
    n &= 63;
    return n == 0 ? x : (x >> n) | (x << (64 - n));
}

}  // namespace ops

bool ScoutRunner::eval_binary(wasm::Binary* curr, uint64_t& out)
{
    const Counted counted(*this);
    uint64_t l = 0, r = 0;
    if (!eval(curr->left, l))
        return false;
    if (!eval(curr->right, r))
        return false;
    const uint32_t a = static_cast<uint32_t>(l), b = static_cast<uint32_t>(r);
    const int32_t sa = static_cast<int32_t>(a), sb = static_cast<int32_t>(b);
    const int64_t sl = static_cast<int64_t>(l), sr = static_cast<int64_t>(r);
    // Trap messages are ExpressionRunner::visitBinary's.
    switch (curr->op)
    {
    case wasm::AddInt32:
        out = static_cast<uint32_t>(a + b);
        break;
    case wasm::SubInt32:
        out = static_cast<uint32_t>(a - b);
        break;
    case wasm::MulInt32:
        out = static_cast<uint32_t>(a * b);
        break;
    case wasm::DivSInt32:
        if (b == 0)
            trap("i32.div_s by 0");
        if (sa == std::numeric_limits<int32_t>::min() && sb == -1)
            trap("i32.div_s overflow");
        out = static_cast<uint32_t>(sa / sb);
        break;
    case wasm::DivUInt32:
        if (b == 0)
            trap("i32.div_u by 0");
        out = a / b;
        break;
    case wasm::RemSInt32:
        if (b == 0)
            trap("i32.rem_s by 0");
        out = sa == std::numeric_limits<int32_t>::min() && sb == -1
                  ? 0
                  : static_cast<uint32_t>(sa % sb);
        break;
    case wasm::RemUInt32:
        if (b == 0)
            trap("i32.rem_u by 0");
        out = a % b;
        break;
    case wasm::AndInt32:
        out = a & b;
        break;
    case wasm::OrInt32:
        out = a | b;
        break;
    case wasm::XorInt32:
        out = a ^ b;
        break;
    case wasm::ShlInt32:
        out = static_cast<uint32_t>(a << (b & 31));
        break;
    case wasm::ShrSInt32:
        out = static_cast<uint32_t>(sa >> (b & 31));
        break;
    case wasm::ShrUInt32:
        out = a >> (b & 31);
        break;
    case wasm::RotLInt32:
        out = ops::rotl32(a, b);
        break;
    case wasm::RotRInt32:
        out = ops::rotr32(a, b);
        break;
    case wasm::EqInt32:
        out = a == b;
        break;
    case wasm::NeInt32:
        out = a != b;
        break;
    case wasm::LtSInt32:
        out = sa < sb;
        break;
    case wasm::LtUInt32:
        out = a < b;
        break;
    case wasm::LeSInt32:
        out = sa <= sb;
        break;
    case wasm::LeUInt32:
        out = a <= b;
        break;
    case wasm::GtSInt32:
        out = sa > sb;
        break;
    case wasm::GtUInt32:
        out = a > b;
        break;
    case wasm::GeSInt32:
        out = sa >= sb;
        break;
    case wasm::GeUInt32:
        out = a >= b;
        break;

    case wasm::AddInt64:
        out = l + r;
        break;
    case wasm::SubInt64:
        out = l - r;
        break;
    case wasm::MulInt64:
        out = l * r;
        break;
    case wasm::DivSInt64:
        if (r == 0)
            trap("i64.div_s by 0");
        if (sl == std::numeric_limits<int64_t>::min() && sr == -1)
            trap("i64.div_s overflow");
        out = static_cast<uint64_t>(sl / sr);
        break;
    case wasm::DivUInt64:
        if (r == 0)
            trap("i64.div_u by 0");
        out = l / r;
        break;
    case wasm::RemSInt64:
        if (r == 0)
            trap("i64.rem_s by 0");
        out = sl == std::numeric_limits<int64_t>::min() && sr == -1
                  ? 0
                  : static_cast<uint64_t>(sl % sr);
        break;
    case wasm::RemUInt64:
        if (r == 0)
            trap("i64.rem_u by 0");
        out = l % r;
        break;
    case wasm::AndInt64:
        out = l & r;
        break;
    case wasm::OrInt64:
        out = l | r;
        break;
    case wasm::XorInt64:
        out = l ^ r;
        break;
    case wasm::ShlInt64:
        out = l << (r & 63);
        break;
    case wasm::ShrSInt64:
        out = static_cast<uint64_t>(sl >> (r & 63));
        break;
    case wasm::ShrUInt64:
        out = l >> (r & 63);
        break;
    case wasm::RotLInt64:
        out = ops::rotl64(l, r);
        break;
    case wasm::RotRInt64:
        out = ops::rotr64(l, r);
        break;
    case wasm::EqInt64:
        out = l == r;
        break;
    case wasm::NeInt64:
        out = l != r;
        break;
    case wasm::LtSInt64:
        out = sl < sr;
        break;
    case wasm::LtUInt64:
        out = l < r;
        break;
    case wasm::LeSInt64:
        out = sl <= sr;
        break;
    case wasm::LeUInt64:
        out = l <= r;
        break;
    case wasm::GtSInt64:
        out = sl > sr;
        break;
    case wasm::GtUInt64:
        out = l > r;
        break;
    case wasm::GeSInt64:
        out = sl >= sr;
        break;
    case wasm::GeUInt64:
        out = l >= r;
        break;
    default:
        WASM_UNREACHABLE("not a fast binary op");
    }
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

// Binaryen's getFinalAddress reads an i32 pointer as a signed value (it widens
// geti32() to 64 bits), so every pointer from 2^31 up traps as "final >
// memory"; the fast path keeps that, and otherwise accepts exactly the
// accesses getFinalAddress accepts (ptr + offset + bytes <= memory size).
// Anything else goes to getFinalAddress itself, for its trap and message.

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
    if (static_cast<int32_t>(p) < 0 || ea + curr->bytes > memory.size())
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
    if (static_cast<int32_t>(p) < 0 || ea + curr->bytes > memory.size())
    {
        auto* inst = getMemoryInstance();
        const wasm::Address addr = checked_address(curr, ptr);  // traps
        inst->externalInterface->store(curr, addr, literal_of(curr->value->type, value));
        return true;
    }
    std::memcpy(memory.data() + ea, &value, curr->bytes);  // little-endian host
    return true;
}

bool ScoutRunner::eval_call(wasm::Call* curr, uint64_t& out)
{
    const Counted counted(*this);
    const FuncInfo& callee = code_.function(curr->target);
    if (callee.raw_call && curr->operands.size() <= 16)
        return call_raw(curr, callee, out);
    return from_flow(call_literals(curr, callee), curr->type, out);
}

wasm::Flow ScoutRunner::visitCall(wasm::Call* curr)
{
    const FuncInfo& callee = code_.function(curr->target);
    if (callee.raw_call && curr->operands.size() <= 16)
    {
        uint64_t bits = 0;
        if (!call_raw(curr, callee, bits))
            return take_pending();
        return flow_of(curr->type, bits);
    }
    return call_literals(curr, callee);
}

bool ScoutRunner::call_raw(wasm::Call* curr, const FuncInfo& callee, uint64_t& out)
{
    uint64_t args[16];
    const size_t n = curr->operands.size();
    for (size_t i = 0; i < n; ++i)
        if (!eval(curr->operands[i], args[i]))
            return false;
    uint64_t result = 0;
    if (callee.host)
    {
        check_host_call_depth();
        result = host_->call_host(*callee.host, args, n);
    }
    else
        result = invoke_raw(callee, args);
    if (curr->isReturn)  // return_call (tail calls are not enabled; as Binaryen does it)
    {
        branch(wasm::RETURN_FLOW, curr->type, result);
        return false;
    }
    out = result;
    return true;
}

wasm::Flow ScoutRunner::call_literals(wasm::Call* curr, const FuncInfo& callee)
{
    wasm::Literals arguments;
    wasm::Flow flow = generateArguments(curr->operands, arguments);
    if (flow.breaking())
        return flow;
    wasm::Flow ret;
    if (callee.func->imported())
    {
        check_host_call_depth();
        ret.values = externalInterface->callImport(callee.func, arguments);
    }
    else
        ret.values = invoke_literals(callee, arguments);
    if (curr->isReturn)
        ret.breakTo = wasm::RETURN_FLOW;
    return ret;
}

wasm::Flow ScoutRunner::visitCallIndirect(wasm::CallIndirect* curr)
{
    return call_indirect(curr);
}

wasm::Flow ScoutRunner::call_indirect(wasm::CallIndirect* curr)
{
    wasm::Literals arguments;
    wasm::Flow flow = generateArguments(curr->operands, arguments);
    if (flow.breaking())
        return flow;
    wasm::Flow target = visit(curr->target);
    if (target.breaking())
        return target;
    const wasm::Index index = target.getSingleValue().geti32();
    const wasm::Type type = curr->isReturn ? frame_->info->func->getResults() : curr->type;
    // ModuleRunnerBase::getTableInterfaceInfo (private there).
    ExternalInterface* table_interface = externalInterface;
    wasm::Name table_name = curr->table;
    if (auto* table = wasm.getTable(curr->table); table->imported())
    {
        auto& owner = linkedInstances.at(table->module);
        table_interface = owner->externalInterface;
        table_name = owner->wasm.getExport(table->base)->value;
    }
    wasm::Flow ret =
        table_interface->callTable(table_name, index, curr->heapType, arguments, type, *this);
    if (curr->isReturn)
        ret.breakTo = wasm::RETURN_FLOW;
    return ret;
}

/// The deepest expression nesting of any function body (a body is depth 1).
/// Iterative: hostile modules nest hundreds of thousands deep.
size_t max_nesting(wasm::Module& module)
{
    size_t deepest = 0;
    std::vector<std::pair<wasm::Expression*, size_t>> work;
    for (auto& f : module.functions)
    {
        if (f->imported() || !f->body)
            continue;
        work.emplace_back(f->body, 1);
        while (!work.empty())
        {
            const auto [e, d] = work.back();
            work.pop_back();
            deepest = std::max(deepest, d);
            for (auto* child : wasm::ChildIterator(e))
                work.emplace_back(child, d + 1);
        }
    }
    return deepest;
}

/// Binaryen's optimization pipeline (PassRunner::addDefaultOptimizationPasses)
/// at -O`level` (1 to 3), shrink level 0, minus every pass that could change what a run
/// shows, not only how fast it is:
///   - inlining-optimizing and once-reduction change how deep calls nest (and
///     once-reduction removes calls), so --max-call-depth and Binaryen's limit
///     of 250 would stop a recursion at another point;
///   - directize turns a call_indirect through a constant bad index into
///     `unreachable`, a trap with another message;
///   - memory-packing (it only makes data segments smaller, and warns on
///     stderr about overlapping ones), generate-stack-ir and optimize-stack-ir
///     only shape the binary output.
/// Every implicit trap is kept (ignoreImplicitTraps and trapsNeverHappen off),
/// float semantics too (no fast math). Imports are opaque to the optimizer, so
/// every host call (useGas and useTicks included) happens with the same
/// arguments in the same order. bench/opt_equivalence checks every vector.
void optimize(wasm::Module& module, uint32_t level)
{
    wasm::PassOptions options;
    options.optimizeLevel = static_cast<int>(std::min<uint32_t>(level, 3));
    options.shrinkLevel = 0;
    options.ignoreImplicitTraps = false;
    options.trapsNeverHappen = false;
    options.fastMath = false;
    wasm::PassRunner runner(&module, options);
    runner.add("duplicate-function-elimination");
    runner.addDefaultFunctionOptimizationPasses();
    if (level >= 2)
        runner.add("dae-optimizing");
    runner.add("duplicate-function-elimination");
    runner.add("duplicate-import-elimination");
    runner.add(level >= 2 ? "simplify-globals-optimizing" : "simplify-globals");
    runner.add("remove-unused-module-elements");
    runner.run();
}

/// Modules nested deeper than this are run as parsed, never optimized:
/// Binaryen's passes recurse natively per nesting level on the loading
/// thread's stack, and spend minutes on a hostile module nested 100,000 deep.
/// Kept optimized only if still within it, so the optimizer (which flattens
/// and folds expressions) can never move or remove the trap at
/// max_interpreter_depth. (The bound was max_interpreter_depth / 251 while
/// that limit counted the nesting of all frames together.)
constexpr size_t max_optimized_nesting = 400;
bool optimizable(wasm::Module& module)
{
    return max_nesting(module) < max_optimized_nesting;
}

// Running blocks on the calling thread. A block needs a deep native stack only
// when its module nests deeply or recurses; most scripts need a few hundred
// KB, and handing every block to the StackThread and back costs more than a
// small block's execution. So a block runs on the calling thread when the
// module's worst case, bounded below, fits in what is left of that thread's
// stack. A call adds call_levels levels (its frames, about 1.1 KB).
constexpr uint64_t call_levels = 4;

/// Native stack one invocation of a module's functions can take before its
/// next call: its deepest body (at most max_interpreter_depth levels), a
/// call's frames, and room for host functions.
size_t native_frame_reserve(wasm::Module& module)
{
    const uint64_t deepest_body = std::min<uint64_t>(max_nesting(module), max_interpreter_depth);
    return (deepest_body + call_levels) * native_bytes_per_level + host_call_reserve;
}

/// How deep, in native stack, running a module can go: in "levels" of
/// native_bytes_per_level, the deepest chain of nested expressions through
/// nested calls (a call adds call_levels), whatever function is entered.
/// Unbounded (nullopt) when calls can recurse: direct calls, and any
/// call_indirect reaching any function of an element segment. Iterative, for
/// hostile modules.
std::optional<uint64_t> stack_levels(wasm::Module& module)
{
    // Nodes: the defined functions, then one node standing for "any function
    // of an element segment", the target of every call_indirect. Edges carry
    // the levels they add: a call's depth in its caller plus call_levels.
    std::unordered_map<wasm::Name, size_t> index;
    std::vector<wasm::Function*> functions;
    for (auto& f : module.functions)
        if (!f->imported())
        {
            index.emplace(f->name, functions.size());
            functions.push_back(f.get());
        }
    const size_t n = functions.size();
    const size_t any_indirect = n;
    std::vector<uint64_t> nesting(n + 1, 0);
    std::vector<std::vector<std::pair<uint64_t, size_t>>> edges(n + 1);
    for (auto& segment : module.elementSegments)
        for (auto* e : segment->data)
            if (auto* ref = e->dynCast<wasm::RefFunc>())
                if (const auto it = index.find(ref->func); it != index.end())
                    edges[any_indirect].emplace_back(0, it->second);

    std::vector<std::pair<wasm::Expression*, uint64_t>> work;
    for (size_t i = 0; i < n; ++i)
    {
        work.emplace_back(functions[i]->body, 1);
        while (!work.empty())
        {
            const auto [e, d] = work.back();
            work.pop_back();
            nesting[i] = std::max(nesting[i], d);
            if (auto* call = e->dynCast<wasm::Call>())
            {
                if (const auto it = index.find(call->target); it != index.end())
                    edges[i].emplace_back(d + call_levels, it->second);
            }
            else if (e->is<wasm::CallIndirect>() || e->is<wasm::CallRef>())
                edges[i].emplace_back(d + call_levels, any_indirect);
            for (auto* child : wasm::ChildIterator(e))
                work.emplace_back(child, d + 1);
        }
    }

    // deepest(f) = max(nesting(f), max over edges (levels + deepest(target))),
    // by an iterative depth-first search; a cycle means recursion.
    enum : uint8_t
    {
        fresh,
        open,
        done
    };
    std::vector<uint8_t> state(n + 1, fresh);
    std::vector<uint64_t> deepest(nesting);
    std::vector<std::pair<size_t, size_t>> stack;  // (node, next edge)
    uint64_t result = 0;
    for (size_t root = 0; root <= n; ++root)
    {
        if (state[root] != fresh)
            continue;
        stack.emplace_back(root, 0);
        state[root] = open;
        while (!stack.empty())
        {
            const size_t node = stack.back().first;
            size_t& next = stack.back().second;
            if (next < edges[node].size())
            {
                const auto [levels, target] = edges[node][next];
                if (state[target] == open)
                    return std::nullopt;
                if (state[target] == fresh)
                {
                    state[target] = open;
                    stack.emplace_back(target, 0);
                    continue;
                }
                deepest[node] = std::max(deepest[node], levels + deepest[target]);
                ++next;
                continue;
            }
            state[node] = done;
            result = std::max(result, deepest[node]);
            stack.pop_back();
            if (!stack.empty())
            {
                const auto [caller, at] = stack.back();
                deepest[caller] =
                    std::max(deepest[caller], edges[caller][at].first + deepest[node]);
                ++stack.back().second;
            }
        }
    }
    return result;
}

/// A module parsed, validated and described once.
struct ParsedModule
{
    /// The module that runs: as parsed, or as optimized (--binaryen-opt).
    wasm::Module& module() { return *module_; }
    ModuleInterface interface;
    Bindings bindings;
    ModuleCode code;   ///< built by bind()
    wasm::Name start;  ///< moved out of `module`: ScoutRunner::start runs it
    /// The imported functions, in import order, as parsed (optimization may
    /// remove unused ones; the interface and the binding follow the original).
    std::vector<wasm::Name> function_imports;
    /// stack_levels() of the module; nullopt: its calls can recurse.
    std::optional<uint64_t> levels;
    size_t frame_reserve = 0;  ///< native_frame_reserve() of the module

    ParsedModule(const Bytes& wasm_bytes, uint64_t max_memory_bytes, uint32_t max_pages,
                 uint32_t opt_level)
    {
        wasm::Module& module = *module_;
        binaryen::parse(wasm_bytes, module);
        if (const auto error = binaryen::validation_errors(module); !error.empty())
            throw LoadError("wasm validation failed: " + error);
        if (module.memory.exists && !module.memory.imported() &&
            module.memory.initial * page_size > max_memory_bytes)
            throw LoadError("memory declares " + std::to_string(module.memory.initial) +
                            " initial pages, more than the limit of " + std::to_string(max_pages));
        interface = describe(module);
        wasm::ModuleUtils::iterImportedFunctions(
            module, [&](wasm::Function* f) { function_imports.push_back(f->name); });
        if (opt_level > 0 && optimizable(module))
        {
            // (While the start function is a root, so the optimizer keeps it.)
            auto optimized = std::make_unique<wasm::Module>();
            binaryen::parse(wasm_bytes, *optimized);
            optimize(*optimized, opt_level);
            if (optimizable(*optimized))
                module_ = std::move(optimized);
        }
        start = module_->start;
        module_->start = wasm::Name();
        levels = stack_levels(*module_);
        frame_reserve = native_frame_reserve(*module_);
    }

    /// Records how each imported function is bound (in import order, as
    /// describe() lists them).
    void bind(const std::vector<ImportBinding>& bound)
    {
        for (size_t i = 0; i < function_imports.size(); ++i)
            if (auto* f = module_->getFunctionOrNull(function_imports[i]))
                bindings[f] = bound[i];
        code = ModuleCode(*module_, bindings);
    }

private:
    std::unique_ptr<wasm::Module> module_ = std::make_unique<wasm::Module>();
};

class BinaryenScript final : public LoadedScript
{
public:
    BinaryenScript(const Bytes& wasm_bytes, const std::vector<LibraryCode>& libraries,
                   const EngineLimits& limits, std::shared_ptr<StackThread> thread)
      : thread_(std::move(thread))
      , max_memory_bytes_(uint64_t{limits.max_memory_pages} * page_size)
      , max_call_depth_(limits.max_call_depth)
    {
        std::vector<LibraryInterface> library_interfaces;
        for (const auto& lib : libraries)
        {
            try
            {
                auto parsed = std::make_unique<ParsedModule>(lib.wasm, max_memory_bytes_,
                                                             limits.max_memory_pages,
                                                             limits.binaryen_opt);
                // Libraries import from the EEI only, never from each other.
                parsed->bind(link_imports(parsed->interface, {}));
                libraries_.push_back({wasm::Name(lib.name.c_str()), std::move(parsed)});
            }
            catch (const LoadError& e)
            {
                throw LoadError("library '" + printable(lib.name) + "': " + e.what());
            }
            library_interfaces.push_back({lib.name, &libraries_.back().parsed->interface});
        }
        script_ =
            std::make_unique<ParsedModule>(wasm_bytes, max_memory_bytes_, limits.max_memory_pages,
                                           limits.binaryen_opt);
        script_->bind(link_imports(script_->interface, library_interfaces));
        main_params_ = check_script_exports(script_->interface).params;
        // The native stack a block can need: the script's deepest chain, plus
        // a library's (a script's call into a library runs on the same stack),
        // plus a megabyte for host functions and the harness's own frames.
        std::optional<uint64_t> levels = script_->levels;
        for (const auto& lib : libraries_)
            levels = levels && lib.parsed->levels ? std::optional(*levels + *lib.parsed->levels)
                                                  : std::nullopt;
        if (inline_blocks && levels && *levels < max_interpreter_depth)
            stack_bytes_ = *levels * native_bytes_per_level + (size_t{1} << 20);
    }

    const ModuleInterface& interface() const override { return script_->interface; }

    /// Runs the block on the calling thread when its stack is known to be
    /// deep enough for anything the module can do; else on the engine's
    /// StackThread (recursion: up to Binaryen's 100,000 levels).
    void run(BlockContext& block) override
    {
        if (stack_bytes_ != 0 && stack_bytes_ <= native_stack_left())
            run_block(block);
        else
            thread_->run([&] { run_block(block); });
    }

private:
    void run_block(BlockContext& block)
    {
        // Libraries first, each a fresh instance with its own host; then the
        // script, linked to them.
        const auto start = std::chrono::steady_clock::now();
        std::vector<std::unique_ptr<BlockHost>> library_hosts;
        LinkedInstances linked;
        for (auto& lib : libraries_)
        {
            library_hosts.push_back(
                std::make_unique<BlockHost>(block, lib.parsed->bindings, max_memory_bytes_));
            auto runner = std::make_shared<ScoutRunner>(lib.parsed->module(), lib.parsed->code,
                                                        library_hosts.back().get(),
                                                        LinkedInstances{}, max_call_depth_,
                                                        lib.parsed->frame_reserve);
            runner->start(lib.parsed->start);
            linked[lib.name] = std::move(runner);
        }
        BlockHost* memory_owner = nullptr;
        if (script_->module().memory.imported())
            for (size_t i = 0; i < libraries_.size(); ++i)
                if (libraries_[i].name == script_->module().memory.module)
                    memory_owner = library_hosts[i].get();
        BlockHost host(block, script_->bindings, max_memory_bytes_, &linked, memory_owner);
        // The constructor instantiates: globals, tables, data segments, start.
        ScoutRunner instance(script_->module(), script_->code, &host, linked, max_call_depth_,
                             script_->frame_reserve);
        instance.start(script_->start);
        block.instantiate_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        wasm::Literals zeros;
        for (size_t i = 0; i < main_params_; ++i)
            zeros.push_back(wasm::Literal(int32_t{0}));
        instance.callExport(wasm::Name("main"), zeros);
    }

    struct Library
    {
        wasm::Name name;
        std::unique_ptr<ParsedModule> parsed;
    };
    size_t main_params_ = 0;  ///< MainEntry::params: main's arguments, all zero
    std::shared_ptr<StackThread> thread_;
    size_t stack_bytes_ = 0;  ///< stack a block can need at most; 0: unbounded
    uint64_t max_memory_bytes_;
    uint32_t max_call_depth_;
    std::vector<Library> libraries_;
    std::unique_ptr<ParsedModule> script_;
};

bool is_float(wasm::Type t)
{
    return t == wasm::Type::f32 || t == wasm::Type::f64;
}

/// Finds floating-point use: any expression producing or consuming f32/f64,
/// float locals and params, and float globals.
struct FloatFinder : wasm::PostWalker<FloatFinder, wasm::UnifiedExpressionVisitor<FloatFinder>>
{
    static constexpr size_t max_listed = 10;
    ModuleFacts& facts;
    explicit FloatFinder(ModuleFacts& f)
      : facts(f)
    {}

    void note(const std::string& where, const std::string& what)
    {
        if (facts.float_uses.size() < max_listed)
            facts.float_uses.push_back(where + ": " + what);
        ++facts.float_use_count;
    }

    void visitExpression(wasm::Expression* curr)
    {
        bool uses = is_float(curr->type);
        for (auto* child : wasm::ChildIterator(curr))
            uses = uses || is_float(child->type);
        if (!uses)
            return;
        const auto* function = getFunction();
        const std::string where =
            function ? "function " + printable(function->name.str) : "a global initializer";
        if (facts.float_uses.size() < max_listed)
            note(where, instruction_name(curr));
        else
            ++facts.float_use_count;  // named only up to max_listed
    }

    /// "f64.add", "f32.load", ...: the first token of Binaryen's print of the
    /// instruction alone. Printing the expression itself would print its whole
    /// subtree (quadratic, and recursive on deep nesting), so the common
    /// instructions are printed as shallow copies with a nop for each child.
    static std::string instruction_name(wasm::Expression* curr)
    {
        static wasm::Nop nop;
        std::ostringstream text;
        if (auto* b = curr->dynCast<wasm::Binary>())
        {
            wasm::Binary copy = *b;
            copy.left = copy.right = &nop;
            text << copy;
        }
        else if (auto* u = curr->dynCast<wasm::Unary>())
        {
            wasm::Unary copy = *u;
            copy.value = &nop;
            text << copy;
        }
        else if (auto* l = curr->dynCast<wasm::Load>())
        {
            wasm::Load copy = *l;
            copy.ptr = &nop;
            text << copy;
        }
        else if (auto* st = curr->dynCast<wasm::Store>())
        {
            wasm::Store copy = *st;
            copy.ptr = copy.value = &nop;
            text << copy;
        }
        else if (curr->is<wasm::Const>())
            text << *curr;
        else
            return wasm::getExpressionName(curr);
        std::string first = text.str().substr(0, text.str().find('\n'));
        const auto open = first.find('(');
        if (open != std::string::npos)
            first = first.substr(open + 1);
        return first.substr(0, first.find_first_of(" )"));
    }
};

ModuleFacts inspect_module(const Bytes& wasm_bytes)
{
    ModuleFacts facts;
    wasm::Module module;
    try
    {
        binaryen::parse(wasm_bytes, module);
    }
    catch (const LoadError& e)
    {
        facts.error = e.what();
        return facts;
    }
    if (const auto error = binaryen::validation_errors(module); !error.empty())
        facts.error = "wasm validation failed: " + error;
    facts.interface = describe(module);
    facts.has_memory = module.memory.exists;
    facts.memory_imported = module.memory.exists && module.memory.imported();
    facts.memory_initial_pages = module.memory.initial;
    if (module.memory.hasMax())
        facts.memory_max_pages = module.memory.max;
    if (module.start.is())
        facts.start_function = printable(module.start.str);
    for (const auto& f : module.functions)
    {
        if (f->imported())
            continue;
        ++facts.defined_functions;
        for (const auto& t : f->getParams())
            if (is_float(t))
                FloatFinder(facts).note("function " + printable(f->name.str), "float parameter");
        for (const auto& t : f->vars)
            if (is_float(t))
                FloatFinder(facts).note("function " + printable(f->name.str), "float local");
    }
    for (const auto& g : module.globals)
        if (is_float(g->type))
            FloatFinder(facts).note("global " + printable(g->name.str), "float global");
    if (facts.error.empty())
    {
        FloatFinder finder(facts);
        finder.walkModule(&module);
    }
    return facts;
}

class BinaryenEngine final : public Engine
{
public:
    explicit BinaryenEngine(const EngineLimits& limits)
      : limits_(limits)
    {}
    std::string_view name() const override { return "binaryen"; }
    std::unique_ptr<LoadedScript> load(const Bytes& wasm,
                                       const std::vector<LibraryCode>& libraries) override
    {
        return std::make_unique<BinaryenScript>(wasm, libraries, limits_, thread_);
    }

    ModuleFacts inspect(const Bytes& wasm) override { return inspect_module(wasm); }

private:
    EngineLimits limits_;
    /// Runs the blocks of every script loaded whose depth the calling thread's
    /// stack cannot be shown to hold.
    std::shared_ptr<StackThread> thread_ = std::make_shared<StackThread>(interpreter_stack_bytes(limits_.max_call_depth));
};

}  // namespace

std::unique_ptr<Engine> make_binaryen_engine(const EngineLimits& limits)
{
    return std::make_unique<BinaryenEngine>(limits);
}

const char* binaryen_version()
{
    return SCOUT_BINARYEN_VERSION;
}

}  // namespace scout
