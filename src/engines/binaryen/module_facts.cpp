/// `scout inspect`'s facts of a module, and the float detection behind them
/// (module_facts.hpp).

#include "module_facts.hpp"

#include "binaryen_support.hpp"
#include "describe.hpp"
#include "errors.hpp"
#include "wasm_types.hpp"

#include <ir/iteration.h>
#include <wasm-traversal.h>
#include <wasm.h>

#include <sstream>

namespace scout::binaryen {
namespace {

bool is_float(wasm::Type t)
{
    return t.isFloat();  // f32 or f64
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

}  // namespace
}  // namespace scout::binaryen

namespace scout {

ModuleFacts inspect_module(const Bytes& wasm_bytes)
{
    using binaryen::describe;
    using binaryen::FloatFinder;
    using binaryen::is_float;
    using binaryen::parse;
    using binaryen::validation_errors;
    ModuleFacts facts;
    wasm::Module module;
    try
    {
        parse(wasm_bytes, module);
    }
    catch (const LoadError& e)
    {
        facts.error = e.what();
        return facts;
    }
    if (const auto error = validation_errors(module); !error.empty())
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

}  // namespace scout
