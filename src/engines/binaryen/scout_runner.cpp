/// ScoutRunner (scout_runner.hpp): instances, invocations and their frames,
/// and calls (direct, to the host, indirect through a table).

#include "scout_runner.hpp"

#include "block_host.hpp"
#include "depth_analysis.hpp"
#include "large_stack.hpp"

#include <algorithm>

namespace scout::binaryen {

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
        host_->trap("callExport not found");  // externalInterface, known not to return
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
                       "native stack exhausted at call depth " +
                           std::to_string(runner.call_depth_) +
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
    // The analyzer loses the frame's wide locals when the frame is published:
    // they belong to scope.wide_ (a unique_ptr), freed with the scope.
    scope.enter();  // NOLINT(clang-analyzer-cplusplus.NewDeleteLeaks)
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
        result = host_->call_host(*callee.host, args);
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

}  // namespace scout::binaryen
