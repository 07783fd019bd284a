#pragma once
/// The one linking skeleton of every engine: a script and its libraries
/// (ewasm/scout's module linking) parsed in the engine's own form, each
/// module's imports bound to the EEI or to a library (link_imports), and the
/// script's exports checked (check_script_exports). The engines differ only in
/// how they parse a module; the order of the checks, and so which error a
/// broken vector gets, and the "library 'name': " context of a library's
/// errors are written here once.

#include "eei.hpp"
#include "engine.hpp"
#include "errors.hpp"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace scout {

/// Runs `f()`; a LoadError it throws gets the library's name in front,
/// "library 'name': ...", as every engine reports a library's errors.
template <class F> decltype(auto) in_library(const std::string& name, F&& f)
{
    try
    {
        return std::forward<F>(f)();
    }
    catch (const LoadError& e)
    {
        throw LoadError("library '" + printable(name) + "': " + e.what());
    }
}

/// One module of a link: the engine's parsed form and how each of its
/// imports is bound, in import order.
template <class Parsed> struct LinkedModule
{
    std::string name;  ///< the library's name; empty for the script
    std::unique_ptr<Parsed> parsed;
    std::vector<ImportBinding> bindings;
};

/// A script linked to its libraries; bindings' library indices index
/// `libraries`.
template <class Parsed> struct LinkPlan
{
    std::vector<LinkedModule<Parsed>> libraries;  ///< in the vector's order
    LinkedModule<Parsed> script;
    MainEntry main;  ///< how scout enters the script
};

/// Parses every library (in order) and binds its imports to the EEI, then
/// parses the script and binds its imports to the EEI and the libraries, then
/// checks the script's exports. `parse(const Bytes&)` returns a
/// `std::unique_ptr<Parsed>` whose `interface` member is the module's
/// ModuleInterface, and throws LoadError for a module it refuses. The first
/// error ends the link: a LoadError, in a library's context where it is one.
template <class Parsed, class Parse>
LinkPlan<Parsed> plan_links(const Bytes& script, const std::vector<LibraryCode>& libraries,
                            Parse&& parse)
{
    LinkPlan<Parsed> plan;
    plan.libraries.reserve(libraries.size());
    std::vector<LibraryInterface> interfaces;
    for (const auto& lib : libraries)
    {
        in_library(lib.name, [&] {
            LinkedModule<Parsed> m{lib.name, parse(lib.wasm), {}};
            // Libraries import from the EEI only, never from each other.
            m.bindings = link_imports(m.parsed->interface, {});
            plan.libraries.push_back(std::move(m));
        });
        interfaces.push_back({lib.name, &plan.libraries.back().parsed->interface});
    }
    plan.script.parsed = parse(script);
    plan.script.bindings = link_imports(plan.script.parsed->interface, interfaces);
    plan.main = check_script_exports(plan.script.parsed->interface);
    return plan;
}

}  // namespace scout
