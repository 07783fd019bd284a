/// Depth analysis of a module: expression nesting, native stack per
/// invocation, the deepest chain through calls (depth_analysis.hpp).

#include "depth_analysis.hpp"

#include <ir/iteration.h>

#include <algorithm>
#include <unordered_map>
#include <utility>
#include <vector>

namespace scout::binaryen {

size_t interpreter_stack_bytes(uint32_t max_call_depth)
{
    return max_interpreter_depth * native_bytes_per_level + host_call_reserve +
           (uint64_t{max_call_depth} + 2) * native_bytes_per_call;
}

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

size_t native_frame_reserve(wasm::Module& module)
{
    const uint64_t deepest_body = std::min<uint64_t>(max_nesting(module), max_interpreter_depth);
    return (deepest_body + call_levels) * native_bytes_per_level + host_call_reserve;
}

namespace {

/// The call graph of stack_levels: nodes are the defined functions, then one
/// node standing for "any function of an element segment", the target of
/// every call_indirect. Edges carry the levels they add: a call's depth in its
/// caller plus call_levels.
struct CallGraph
{
    std::vector<uint64_t> nesting;  ///< per node, its body's deepest nesting
    std::vector<std::vector<std::pair<uint64_t, size_t>>> edges;  ///< (levels, target)
};

CallGraph call_graph(wasm::Module& module)
{
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
    CallGraph graph;
    graph.nesting.assign(n + 1, 0);
    graph.edges.resize(n + 1);
    for (auto& segment : module.elementSegments)
        for (auto* e : segment->data)
            if (auto* ref = e->dynCast<wasm::RefFunc>())
                if (const auto it = index.find(ref->func); it != index.end())
                    graph.edges[any_indirect].emplace_back(0, it->second);

    std::vector<std::pair<wasm::Expression*, uint64_t>> work;
    for (size_t i = 0; i < n; ++i)
    {
        work.emplace_back(functions[i]->body, 1);
        while (!work.empty())
        {
            const auto [e, d] = work.back();
            work.pop_back();
            graph.nesting[i] = std::max(graph.nesting[i], d);
            if (auto* call = e->dynCast<wasm::Call>())
            {
                if (const auto it = index.find(call->target); it != index.end())
                    graph.edges[i].emplace_back(d + call_levels, it->second);
            }
            else if (e->is<wasm::CallIndirect>() || e->is<wasm::CallRef>())
                graph.edges[i].emplace_back(d + call_levels, any_indirect);
            for (auto* child : wasm::ChildIterator(e))
                work.emplace_back(child, d + 1);
        }
    }
    return graph;
}

}  // namespace

std::optional<uint64_t> stack_levels(wasm::Module& module)
{
    const CallGraph graph = call_graph(module);
    const auto& edges = graph.edges;
    const size_t nodes = graph.nesting.size();

    // deepest(f) = max(nesting(f), max over edges (levels + deepest(target))),
    // by an iterative depth-first search; a cycle means recursion.
    enum : uint8_t
    {
        fresh,
        open,
        done
    };
    std::vector<uint8_t> state(nodes, fresh);
    std::vector<uint64_t> deepest(graph.nesting);
    std::vector<std::pair<size_t, size_t>> stack;  // (node, next edge)
    uint64_t result = 0;
    for (size_t root = 0; root < nodes; ++root)
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

}  // namespace scout::binaryen
