/// Adapter: wabt 1.0.32's interpreter (wabt::interp) behind scout's Engine
/// interface. wabt's types stay in this file.
///
/// Where the two engines could differ, this one does what the Binaryen engine
/// (the reference) does, so that a vector gives the same verdict on both:
/// - call depth: main (or a start function) may nest EngineLimits::max_call_depth
///   calls, host calls included; deeper is a `resource` trap with the Binaryen
///   engine's message. A call into a library counts one, and the library counts
///   its own nested calls afresh, as the Binaryen engine's separate instances do;
/// - memory: an initial memory above max_memory_pages is a LoadError with the
///   Binaryen engine's wording; memory.grow beyond it returns -1;
/// - active data and element segments at a constant offset must fit the
///   initial memory or table (Binaryen's validator rejects them at load; the
///   wasm spec and wabt would trap at instantiation);
/// - a memory imported from a library is that library's memory, whatever
///   limits the import declares (Binaryen does not match them).
/// Known differences that remain: wasm traps are worded as wabt words them
/// (kinds agree); expressions nested deeper than 100,000 run here but are a
/// `resource` trap in the Binaryen engine (its interpreter recurses natively);
/// the sign and payload of a NaN produced by float arithmetic may differ (the
/// wasm spec leaves them open: --deterministic is the cure); a malformed or
/// invalid module is rejected by either engine, but not always with the same
/// category ("invalid wasm binary" / "wasm validation failed") or reason.

#include "wabt_engine.hpp"

#include "eei.hpp"
#include "errors.hpp"
#include "link_plan.hpp"
#include "memory_view.hpp"
#include "module_check.hpp"
#include "trap.hpp"

#include <wabt/binary-reader-nop.h>
#include <wabt/binary-reader.h>
#include <wabt/cast.h>
#include <wabt/config.h>
#include <wabt/error.h>
#include <wabt/feature.h>
#include <wabt/interp/binary-reader-interp.h>
#include <wabt/interp/interp.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <iterator>
#include <limits>
#include <optional>

namespace scout {
namespace {

namespace wi = wabt::interp;

constexpr uint64_t page_size = 65536;
constexpr size_t none = static_cast<size_t>(-1);

// ------------------------------------------------------------ the call depth

// wabt 1.0.32's Thread takes no options: its constructor reserves a call stack
// of 64 KiB / sizeof(Frame) frames (1638) and PushCall traps ("call stack
// exhausted") when frames_ is at capacity. Thread::frames_ is private; an
// explicit instantiation may name private members ([temp.explicit]), which
// gives this file a pointer to it, to swap in a call stack of the capacity
// --max-call-depth allows. wabt's interpreter does not recurse natively for
// wasm calls, so the native stack depth does not grow with the wasm call depth
// (a call into a library adds one native level: make_library_call).
template <typename Tag, typename Tag::type Member> struct ExposeMember
{
    friend typename Tag::type member_of(Tag) { return Member; }
};
struct ThreadFrames
{
    using type = std::vector<wi::Frame> wi::Thread::*;
    friend type member_of(ThreadFrames);
};
template struct ExposeMember<ThreadFrames, &wi::Thread::frames_>;

/// A thread on which the called function may nest at most `max_call_depth`
/// calls: its own frame plus that many (libstdc++'s reserve allocates exactly).
void limit_call_depth(wi::Thread& thread, uint32_t max_call_depth)
{
    auto& frames = thread.*member_of(ThreadFrames{});
    std::vector<wi::Frame> limited;
    limited.reserve(size_t{max_call_depth} + 1);
    frames.swap(limited);
}

// ------------------------------------------------------------ parsing

std::string describe_error(const wabt::Errors& errors)
{
    if (errors.empty())
        return "unknown error";
    const auto& e = errors.front();
    return printable(e.message) + " (at byte " + std::to_string(e.loc.offset) + ")";
}

ValType val_type(wabt::Type t)
{
    if (t == wabt::Type::I32)
        return ValType::i32;
    if (t == wabt::Type::I64)
        return ValType::i64;
    if (t == wabt::Type::F32)
        return ValType::f32;
    if (t == wabt::Type::F64)
        return ValType::f64;
    return ValType::other;
}

FuncType func_type(const wi::FuncType& f)
{
    FuncType type;
    for (const auto& t : f.params)
        type.params.push_back(val_type(t));
    for (const auto& t : f.results)
        type.results.push_back(val_type(t));
    return type;
}

ExternKind extern_kind(wabt::ExternalKind kind)
{
    switch (kind)
    {
    case wabt::ExternalKind::Func:
        return ExternKind::function;
    case wabt::ExternalKind::Table:
        return ExternKind::table;
    case wabt::ExternalKind::Memory:
        return ExternKind::memory;
    case wabt::ExternalKind::Global:
        return ExternKind::global;
    default:
        return ExternKind::tag;
    }
}

/// The value of an init expression that is exactly `i32.const N`; nullopt for
/// anything else (global.get).
std::optional<int32_t> constant_offset(const wi::ModuleDesc& desc, const wi::FuncDesc& init)
{
    if (init.code_offset == wi::Istream::kInvalidOffset || init.code_offset >= desc.istream.end())
        return std::nullopt;
    wi::Istream::Offset at = init.code_offset;
    const wi::Instr first = desc.istream.Read(&at);
    if (first.op != wabt::Opcode::I32Const || at >= desc.istream.end())
        return std::nullopt;
    const wi::Instr next = desc.istream.Read(&at);
    if (next.op != wabt::Opcode::Return)
        return std::nullopt;
    return static_cast<int32_t>(first.imm_u32);
}

/// Binaryen's validator (checkSegmentOffset) rejects an active segment at a
/// constant offset that does not fit the initial memory or table; wabt would
/// trap at instantiation instead. Rejected here too, at load, for the same
/// verdict. (A negative i32 offset counts as out of range, as in Binaryen.)
bool segment_fits(int32_t offset, uint64_t size, uint64_t limit)
{
    return offset >= 0 && uint64_t(uint32_t(offset)) + size <= limit;
}

void check_segment_offsets(const wi::ModuleDesc& desc)
{
    std::vector<uint64_t> memory_bytes, table_sizes;  // index spaces: imports first
    for (const auto& imp : desc.imports)
    {
        if (const auto* m = wabt::dyn_cast<wi::MemoryType>(imp.type.type.get()))
            memory_bytes.push_back(m->limits.initial * page_size);
        else if (const auto* t = wabt::dyn_cast<wi::TableType>(imp.type.type.get()))
            table_sizes.push_back(t->limits.initial);
    }
    for (const auto& m : desc.memories)
        memory_bytes.push_back(m.type.limits.initial * page_size);
    for (const auto& t : desc.tables)
        table_sizes.push_back(t.type.limits.initial);

    for (size_t i = 0; i < desc.datas.size(); ++i)
    {
        const auto& d = desc.datas[i];
        if (d.mode != wabt::SegmentKind::Active || d.memory_index >= memory_bytes.size())
            continue;
        const auto offset = constant_offset(desc, d.init_func);
        if (offset && !segment_fits(*offset, d.data.size(), memory_bytes[d.memory_index]))
            throw LoadError("wasm validation failed: memory segment offset should be reasonable: "
                            "data segment " +
                            std::to_string(i) + " (" + std::to_string(d.data.size()) +
                            " bytes at offset " + std::to_string(*offset) +
                            ") does not fit the initial memory of " +
                            std::to_string(memory_bytes[d.memory_index]) + " bytes");
    }
    for (size_t i = 0; i < desc.elems.size(); ++i)
    {
        const auto& e = desc.elems[i];
        if (e.mode != wabt::SegmentKind::Active || e.table_index >= table_sizes.size())
            continue;
        const auto offset = constant_offset(desc, e.init_func);
        if (offset && !segment_fits(*offset, e.elements.size(), table_sizes[e.table_index]))
            throw LoadError("wasm validation failed: table segment offset should be reasonable: "
                            "element segment " +
                            std::to_string(i) + " (" + std::to_string(e.elements.size()) +
                            " elements at offset " + std::to_string(*offset) +
                            ") does not fit the initial table of " +
                            std::to_string(table_sizes[e.table_index]) + " elements");
    }
}

/// A module parsed, validated and described once.
/// wabt keeps every frame's locals and operands on one value stack, a vector
/// on the heap that grows without bound (Thread::Push checks nothing; only
/// the number of frames is limited). So that --max-call-depth nested calls
/// cannot take unbounded memory, a module's calls may nest only as deep as
/// value_stack_budget values allow, by the bound of ValueStackBound.
constexpr uint64_t value_stack_budget = (uint64_t{1} << 30) / sizeof(wi::Value);  // 1 GiB

/// An upper bound on the values a module's calls can put on the value stack
/// when they nest `depth` deep: `fixed + depth * per_call`. A function that
/// cannot recurse (no cycle through it in the call graph, where call_indirect
/// may reach any function of an element segment or of a ref.func) is on the
/// stack at most once, so its frame counts once (`fixed`); each nested call
/// beyond them adds at most the largest frame of a function that can recurse
/// (`per_call`, 0 when none can). A frame is a function's parameters and
/// locals and its operands: each of wabt's compiled instructions (Istream)
/// takes at least 4 bytes and pushes at most one value, or a block's or a
/// call's results, so at most its code size / 4 times the most results of
/// any type.
struct ValueStackBound
{
    uint64_t fixed = 0;
    uint64_t per_call = 0;

    explicit ValueStackBound(const wi::ModuleDesc& desc)
    {
        const size_t imported = static_cast<size_t>(
            std::count_if(desc.imports.begin(), desc.imports.end(), [](const wi::ImportDesc& i) {
                return i.type.type->kind == wabt::ExternalKind::Func;
            }));
        const size_t n = desc.funcs.size();
        uint64_t most_results = 1;
        for (const auto& type : desc.func_types)
            most_results = std::max<uint64_t>(most_results, type.results.size());
        std::vector<uint64_t> starts;
        for (const auto& f : desc.funcs)
            starts.push_back(f.code_offset);
        std::sort(starts.begin(), starts.end());

        // Frames and call edges (defined functions only: a host function's
        // frame is not on the value stack); node n: "any indirect target".
        std::vector<uint64_t> frame(n, 0);
        std::vector<std::vector<size_t>> calls(n + 1);
        std::vector<bool> indirect_target(n, false);
        const auto defined = [&](wi::Index index) -> std::optional<size_t> {
            if (index < imported || index - imported >= n)
                return std::nullopt;
            return index - imported;
        };
        for (const auto& elem : desc.elems)
            for (const auto& e : elem.elements)
                if (e.kind == wi::ElemKind::RefFunc)
                    if (const auto f = defined(e.index))
                        indirect_target[*f] = true;
        for (size_t i = 0; i < n; ++i)
        {
            const auto& f = desc.funcs[i];
            const auto next = std::upper_bound(starts.begin(), starts.end(), f.code_offset);
            const wi::Istream::Offset end = next == starts.end() ? desc.istream.end() : *next;
            frame[i] = (end - f.code_offset) / 4 * most_results;
            for (const auto& l : f.locals)  // (parameters included)
                frame[i] += l.count;
            for (wi::Istream::Offset at = f.code_offset; at < end;)
            {
                const wi::Instr instr = desc.istream.Read(&at);
                switch (instr.op)
                {
                case wabt::Opcode::Call:
                case wabt::Opcode::ReturnCall:
                    if (const auto callee = defined(instr.imm_u32))
                        calls[i].push_back(*callee);
                    break;
                case wabt::Opcode::RefFunc:
                    if (const auto target = defined(instr.imm_u32))
                        indirect_target[*target] = true;
                    break;
                case wabt::Opcode::CallIndirect:
                case wabt::Opcode::ReturnCallIndirect:
                case wabt::Opcode::CallRef:
                    calls[i].push_back(n);
                    break;
                default:
                    break;
                }
            }
        }
        for (size_t f = 0; f < n; ++f)
            if (indirect_target[f])
                calls[n].push_back(f);

        const std::vector<bool> recursive = on_cycle(calls);
        for (size_t f = 0; f < n; ++f)
        {
            if (recursive[f])
                per_call = std::max(per_call, frame[f]);
            else
                fixed += frame[f];
        }
    }

    /// How deep calls may nest within value_stack_budget, at most `limit`.
    uint32_t call_depth(uint32_t limit) const
    {
        if (per_call == 0)
            return limit;
        const uint64_t room = value_stack_budget > fixed ? value_stack_budget - fixed : 0;
        return static_cast<uint32_t>(std::clamp<uint64_t>(room / per_call, 1, limit));
    }

private:
    /// Which nodes of a directed graph lie on a cycle (Tarjan's strongly
    /// connected components, iterative: hostile modules have deep call chains).
    static std::vector<bool> on_cycle(const std::vector<std::vector<size_t>>& edges)
    {
        const size_t n = edges.size();
        constexpr size_t unvisited = std::numeric_limits<size_t>::max();
        std::vector<size_t> index(n, unvisited), low(n, 0);
        std::vector<bool> on_stack(n, false), result(n, false);
        std::vector<size_t> stack;
        std::vector<std::pair<size_t, size_t>> work;  // (node, next edge)
        size_t counter = 0;
        for (size_t root = 0; root < n; ++root)
        {
            if (index[root] != unvisited)
                continue;
            work.emplace_back(root, 0);
            while (!work.empty())
            {
                auto& [v, next] = work.back();
                if (next == 0 && index[v] == unvisited)
                {
                    index[v] = low[v] = counter++;
                    stack.push_back(v);
                    on_stack[v] = true;
                }
                if (next < edges[v].size())
                {
                    const size_t w = edges[v][next++];
                    if (w == v)
                        result[v] = true;  // calls itself
                    if (index[w] == unvisited)
                        work.emplace_back(w, 0);
                    else if (on_stack[w])
                        low[v] = std::min(low[v], index[w]);
                    continue;
                }
                if (low[v] == index[v])
                {
                    // v roots a component: pop it; more than one member is a cycle.
                    const auto first = std::find(stack.begin(), stack.end(), v);
                    const bool cycle = stack.end() - first > 1;
                    for (auto it = first; it != stack.end(); ++it)
                    {
                        on_stack[*it] = false;
                        result[*it] = result[*it] || cycle;
                    }
                    stack.erase(first, stack.end());
                }
                const size_t done = v;
                work.pop_back();
                if (!work.empty())
                    low[work.back().first] = std::min(low[work.back().first], low[done]);
            }
        }
        return result;
    }
};

struct WabtModule
{
    wi::ModuleDesc desc;  ///< start function taken out: run() calls it
    ModuleInterface interface;
    /// interface.imports[k] is desc.imports[import_index[k]]: the interface
    /// lists imports in the Binaryen engine's order (functions, memory, tables,
    /// globals, tags), so that link errors name the same import first.
    std::vector<size_t> import_index;
    std::vector<ImportBinding> bindings;  ///< one per desc.imports entry
    std::vector<size_t> library_export;   ///< for imports bound to a library: its export's index
    std::optional<wi::Index> start;
    size_t main_export = none;
    /// How deep this module's calls may nest: --max-call-depth, or less when
    /// its frames could fill the value stack before (ValueStackBound).
    uint32_t call_depth = 1;

    WabtModule(const Bytes& wasm, const EngineLimits& limits)
    {
        // The structural pass first, as for every engine (module_check.hpp), so
        // that a malformed binary is told apart from an invalid module, as the
        // Binaryen engine tells them ("invalid wasm binary" / "wasm validation failed").
        check_binary(wasm);
        wabt::Errors errors;
        if (wabt::Failed(wi::ReadBinaryInterp("<wasm>", wasm.data(), wasm.size(),
                                              wabt_read_options(), &errors, &desc)))
            throw LoadError("wasm validation failed: " + describe_error(errors));
        check_segment_offsets(desc);
        call_depth = ValueStackBound(desc).call_depth(limits.max_call_depth);

        for (auto& m : desc.memories)
        {
            auto& l = m.type.limits;
            if (l.initial > limits.max_memory_pages)
                throw LoadError("memory declares " + std::to_string(l.initial) +
                                " initial pages, more than the limit of " +
                                std::to_string(limits.max_memory_pages));
            // memory.grow past the limit fails (returns -1), as it would past
            // a declared maximum.
            l.max = l.has_max ? std::min<uint64_t>(l.max, limits.max_memory_pages)
                              : limits.max_memory_pages;
            l.has_max = true;
        }
        describe();
        if (!desc.starts.empty())
            start = desc.starts.front().func_index;
        desc.starts.clear();
        for (size_t i = 0; i < desc.exports.size(); ++i)
            if (desc.exports[i].type.name == "main" && main_export == none)
                main_export = i;
    }

    /// Records how each import is bound (`bound` in interface order, as
    /// link_imports returns it) and, for imports from libraries, which export.
    void bind(const std::vector<ImportBinding>& bound,
              const std::vector<const WabtModule*>& libraries = {})
    {
        bindings.assign(desc.imports.size(), ImportBinding{});
        library_export.assign(desc.imports.size(), none);
        for (size_t k = 0; k < bound.size(); ++k)
        {
            const size_t i = import_index[k];
            bindings[i] = bound[k];
            if (bound[k].host != nullptr)
                continue;
            auto& imp = desc.imports[i].type;
            const auto& lib_exports = libraries.at(bound[k].library)->desc.exports;
            for (size_t e = 0; e < lib_exports.size() && library_export[i] == none; ++e)
                if (lib_exports[e].type.name == imp.name)
                    library_export[i] = e;
            // A memory imported from a library is the library's memory, with
            // the library's limits, whatever the import declares: Binaryen
            // does not match them, so wabt must not refuse to link either.
            if (imp.type->kind == wabt::ExternalKind::Memory)
                imp.type = std::make_unique<wi::MemoryType>(wabt::Limits(0));
        }
    }

private:
    void describe()
    {
        for (const auto kind :
             {wabt::ExternalKind::Func, wabt::ExternalKind::Memory, wabt::ExternalKind::Table,
              wabt::ExternalKind::Global, wabt::ExternalKind::Tag})
            for (size_t i = 0; i < desc.imports.size(); ++i)
            {
                const auto& imp = desc.imports[i].type;
                if (imp.type->kind != kind)
                    continue;
                ImportDesc d{imp.module, imp.name, extern_kind(kind), {}};
                if (const auto* f = wabt::dyn_cast<wi::FuncType>(imp.type.get()))
                    d.type = func_type(*f);
                interface.imports.push_back(std::move(d));
                import_index.push_back(i);
            }
        for (const auto& e : desc.exports)
        {
            ExportDesc d{e.type.name, extern_kind(e.type.type->kind), {}};
            if (const auto* f = wabt::dyn_cast<wi::FuncType>(e.type.type.get()))
                d.type = func_type(*f);
            interface.exports.push_back(std::move(d));
        }
    }
};

// ------------------------------------------------------------ running

/// What one module instance's host functions see.
struct HostEnv
{
    BlockContext* block = nullptr;
    wi::Memory* memory = nullptr;         ///< the instance's memory, set once instantiated
    std::exception_ptr* error = nullptr;  ///< where a host function's exception is kept
};

/// A host function's argument as scout's raw bits: an i32 or f32 in the low 32
/// bits, an i64 or f64 in all 64 (f64: AssemblyScript's env.trace).
uint64_t value_bits(ValType type, const wi::Value& v)
{
    switch (type)
    {
    case ValType::i64:
        return v.Get<uint64_t>();
    case ValType::f64:
        return wabt::Bitcast<uint64_t>(v.Get<double>());
    case ValType::f32:
        return wabt::Bitcast<uint32_t>(v.Get<float>());
    default:
        return v.Get<uint32_t>();
    }
}

/// A value of type `type` in wabt's form, from its bits.
wi::Value wabt_value(ValType type, uint64_t bits)
{
    switch (type)
    {
    case ValType::i64:
        return wi::Value::Make(bits);
    case ValType::f64:
        return wi::Value::Make(wabt::Bitcast<double>(bits));
    case ValType::f32:
        return wi::Value::Make(wabt::Bitcast<float>(static_cast<uint32_t>(bits)));
    default:
        return wi::Value::Make(static_cast<uint32_t>(bits));
    }
}

/// A wabt host function calling the EEI. wabt is built without exceptions, so
/// none may cross its frames: the exception (a scout::Trap, or anything else)
/// is kept in env.error, wabt gets a trap, and the caller rethrows the
/// exception once wabt has returned (WabtBlockRun::check).
wi::HostFunc::Ptr make_host_function(wi::Store& store, const wi::FuncType& type,
                                     const HostFunction& f, HostEnv& env)
{
    return wi::HostFunc::New(
        store, type,
        [&f, &env](wi::Thread& thread, const wi::Values& params, wi::Values& results,
                   wi::Trap::Ptr* out_trap) -> wabt::Result {
            // A trap already recorded (a call_indirect past the frame limit,
            // which wabt 1.0.32 records and then ignores: see WabtBlockRun::call)
            // stops the run here, before the host function has an effect.
            if (*out_trap)
                return wabt::Result::Error;
            try
            {
                uint64_t args[max_host_params] = {};
                const size_t n = std::min({params.size(), f.type.params.size(), std::size(args)});
                for (size_t i = 0; i < n; ++i)
                    args[i] = value_bits(f.type.params[i], params[i]);
                MemoryView view;
                if (env.memory != nullptr)
                    view = MemoryView(env.memory->UnsafeData(), env.memory->ByteSize());
                const uint64_t result = call_host_function(f, *env.block, view, args);
                if (!f.type.results.empty() && !results.empty())
                    results[0] = wabt_value(f.type.results[0], result);
                return wabt::Result::Ok;
            }
            catch (...)
            {
                *env.error = std::current_exception();
                *out_trap = wi::Trap::New(thread.store(), "host function failed");
                return wabt::Result::Error;
            }
        });
}

/// One block: a fresh store, the libraries' instances and the script's.
class WabtBlockRun
{
public:
    /// `call_depth`: how deep calls may nest, --max-call-depth or, when the
    /// modules' frames could fill the value stack before that, less
    /// (WabtScript::call_depth_).
    WabtBlockRun(BlockContext& block, uint32_t call_depth, uint32_t max_call_depth)
      : block_(block)
      , call_depth_(call_depth)
      , max_call_depth_(max_call_depth)
      , store_(wabt_script_features())
    {}

    /// Instantiates `parsed` (imports bound to the EEI or to `libraries`, the
    /// instances made so far) and runs its start function.
    wi::Instance::Ptr instantiate(const WabtModule& parsed,
                                  const std::vector<wi::Instance::Ptr>& libraries)
    {
        envs_.push_back(std::make_unique<HostEnv>());
        HostEnv& env = *envs_.back();
        env.block = &block_;
        env.error = &host_error_;

        wi::RefVec imports;
        for (size_t i = 0; i < parsed.desc.imports.size(); ++i)
        {
            const auto& b = parsed.bindings[i];
            if (b.host != nullptr)
            {
                const auto& type =
                    *wabt::cast<wi::FuncType>(parsed.desc.imports[i].type.type.get());
                auto f = make_host_function(store_, type, *b.host, env);
                imports.push_back(f.ref());
                host_functions_.push_back(std::move(f));
            }
            else
            {
                const wi::Ref target =
                    libraries.at(b.library)->exports().at(parsed.library_export[i]);
                if (const auto* type =
                        wabt::dyn_cast<wi::FuncType>(parsed.desc.imports[i].type.type.get()))
                {
                    auto f = make_library_call(*type, target, b.library);
                    imports.push_back(f.ref());
                    host_functions_.push_back(std::move(f));
                }
                else
                    imports.push_back(target);  // the library's memory itself
            }
        }
        // Module::New takes the description by value: every block gets its own.
        modules_.push_back(wi::Module::New(store_, parsed.desc));
        wi::Trap::Ptr trap;
        auto instance = wi::Instance::Instantiate(store_, modules_.back().ref(), imports, &trap);
        if (!instance)
            fail(trap);
        if (!instance->memories().empty())
            env.memory = store_.UnsafeGet<wi::Memory>(instance->memories().front()).get();
        if (parsed.start)
            call(instance->funcs().at(*parsed.start));
        return instance;
    }

    /// Calls a function with `zero_args` i32 zeros (a start function: none;
    /// main: MainEntry::params) on a fresh thread of bounded depth; its
    /// results are dropped.
    void call(wi::Ref function, size_t zero_args = 0)
    {
        auto func = store_.UnsafeGet<wi::Func>(function);
        wi::Thread thread(store_);
        limit_call_depth(thread, call_depth_);
        const wi::Values params(zero_args, wi::Value::Make(uint32_t{0}));
        wi::Values results;
        wi::Trap::Ptr trap;
        // wabt 1.0.32's call_indirect ignores PushCall's result: a call past the
        // frame limit records its trap in `trap` and carries on as if nothing
        // happened (a recursion through call_indirect would pass). A recorded
        // trap is a trap, whatever Call returns.
        if (wabt::Failed(func->Call(thread, params, results, &trap)) || trap)
            fail(trap);
    }

private:
    /// A function imported from a library. The Binaryen engine runs each
    /// library in its own interpreter instance, which counts nested calls on
    /// its own: the script's call into the library counts one on the script's
    /// side, and the library may then nest up to max_call_depth calls of its
    /// own. So here the library function runs on the library's own thread of
    /// bounded depth, called from a host function. (Libraries import from the
    /// EEI only, so a library's thread is never re-entered.)
    wi::HostFunc::Ptr make_library_call(const wi::FuncType& type, wi::Ref target, size_t library)
    {
        return wi::HostFunc::New(
            store_, type,
            [this, target, library](wi::Thread& caller, const wi::Values& params,
                                    wi::Values& results, wi::Trap::Ptr* out_trap) -> wabt::Result {
                try
                {
                    if (library_threads_.size() <= library)
                        library_threads_.resize(library + 1);
                    auto& thread = library_threads_[library];
                    if (!thread)
                    {
                        thread = std::make_unique<wi::Thread>(store_);
                        limit_call_depth(*thread, call_depth_);
                    }
                    // The trap, if any, is the library's: it reaches fail() as it is.
                    // (A recorded trap is one whatever Call returns: see call().)
                    const auto result = store_.UnsafeGet<wi::Func>(target)->Call(*thread, params,
                                                                                 results, out_trap);
                    return *out_trap ? wabt::Result(wabt::Result::Error) : result;
                }
                catch (...)
                {
                    host_error_ = std::current_exception();
                    *out_trap = wi::Trap::New(caller.store(), "library call failed");
                    return wabt::Result::Error;
                }
            });
    }

    [[noreturn]] void fail(const wi::Trap::Ptr& trap)
    {
        if (host_error_)
            std::rethrow_exception(host_error_);
        const std::string message = trap ? trap->message() : "trap";
        if (message == "call stack exhausted" && call_depth_ == max_call_depth_)
            throw Trap(TrapKind::resource, "call stack exhausted: more than " +
                                               std::to_string(max_call_depth_) +
                                               " nested calls (--max-call-depth)");
        if (message == "call stack exhausted")
            throw Trap(TrapKind::resource,
                       "call stack exhausted: more than " + std::to_string(call_depth_) +
                           " nested calls, as many as the wabt engine's value stack (1 GiB) "
                           "holds of this module's recursive functions");
        throw Trap(TrapKind::wasm, printable(message));
    }

    BlockContext& block_;
    uint32_t call_depth_;
    uint32_t max_call_depth_;
    std::exception_ptr host_error_;
    std::vector<std::unique_ptr<HostEnv>> envs_;  // outlive the store's host functions
    wi::Store store_;
    std::vector<wi::Module::Ptr> modules_;
    std::vector<wi::HostFunc::Ptr> host_functions_;
    std::vector<std::unique_ptr<wi::Thread>> library_threads_;  // one per library, made when called
};

class WabtScript final : public LoadedScript
{
public:
    WabtScript(const Bytes& wasm, const std::vector<LibraryCode>& libraries,
               const EngineLimits& limits)
      : max_call_depth_(limits.max_call_depth)
    {
        auto plan = plan_links<WabtModule>(wasm, libraries, [&](const Bytes& bytes) {
            return std::make_unique<WabtModule>(bytes, limits);
        });
        std::vector<const WabtModule*> parsed_libraries;
        for (auto& lib : plan.libraries)
        {
            lib.parsed->bind(lib.bindings);
            libraries_.push_back(std::move(lib.parsed));
            parsed_libraries.push_back(libraries_.back().get());
        }
        script_ = std::move(plan.script.parsed);
        script_->bind(plan.script.bindings, parsed_libraries);
        main_params_ = plan.main.params;
        call_depth_ = script_->call_depth;
        for (const auto& lib : libraries_)
            call_depth_ = std::min(call_depth_, lib->call_depth);
        if (call_depth_ < max_call_depth_)
            notes_.push_back("wabt: calls nest at most " + std::to_string(call_depth_) +
                             " deep here, not " + std::to_string(max_call_depth_) +
                             ": more frames of its recursive functions could fill the 1 GiB "
                             "value stack");
    }

    std::vector<std::string> load_notes() const override { return notes_; }

    const ModuleInterface& interface() const override { return script_->interface; }

    void run(BlockContext& block) override
    {
        // Libraries first, each a fresh instance; then the script, linked to
        // them. Everything lives in the block's own store.
        const auto start = std::chrono::steady_clock::now();
        WabtBlockRun run(block, call_depth_, max_call_depth_);
        std::vector<wi::Instance::Ptr> libraries;
        for (const auto& lib : libraries_)
            libraries.push_back(run.instantiate(*lib, {}));
        auto instance = run.instantiate(*script_, libraries);
        block.instantiate_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        run.call(instance->exports().at(script_->main_export), main_params_);
    }

private:
    uint32_t max_call_depth_;
    uint32_t call_depth_ = 1;         ///< calls nest at most this deep: max_call_depth_ or less
    std::vector<std::string> notes_;  ///< load_notes()
    size_t main_params_ = 0;          ///< MainEntry::params
    std::vector<std::unique_ptr<WabtModule>> libraries_;
    std::unique_ptr<WabtModule> script_;
};

class WabtEngine final : public Engine
{
public:
    explicit WabtEngine(const EngineLimits& limits)
      : limits_(limits)
    {}
    std::string_view name() const override { return "wabt"; }
    std::unique_ptr<LoadedScript> load(const Bytes& wasm,
                                       const std::vector<LibraryCode>& libraries) override
    {
        return std::make_unique<WabtScript>(wasm, libraries, limits_);
    }

private:
    EngineLimits limits_;
};

}  // namespace

std::unique_ptr<Engine> make_wabt_engine(const EngineLimits& limits)
{
    return std::make_unique<WabtEngine>(limits);
}

const char* wabt_version()
{
    return WABT_VERSION_STRING;
}

}  // namespace scout
