#include "gas_table.hpp"

#include "errors.hpp"
#include "yaml_line.hpp"

#include <yaml-cpp/yaml.h>

namespace scout {
namespace {

/// Instruction classes and their default costs. Loosely after the relative
/// costs of ewasm's and Arwen's tables: plain arithmetic 1, multiplication 3,
/// division 10, memory access 3, calls 10 and 20, memory growth 1000. Made on
/// first use: a map built before main could throw where nothing catches it.
const std::map<std::string, uint64_t>& default_costs()
{
    static const std::map<std::string, uint64_t> costs = {
        {"const", 1},
        {"local", 1},
        {"global", 2},
        {"drop", 1},
        {"select", 2},
        {"nop", 0},
        {"unary", 1},
        {"binary", 1},
        {"mul", 3},
        {"div", 10},
        {"load", 3},
        {"store", 3},
        {"call", 10},
        {"call_indirect", 20},
        {"branch", 2},
        {"return", 2},
        {"if", 2},
        {"loop", 2},
        {"block", 1},
        {"memory.size", 2},
        {"memory.grow", 1000},
        {"memory.bulk", 50},
        {"unreachable", 1},
        {"simd", 4},
        {"other", 5},
    };
    return costs;
}

}  // namespace

GasTable GasTable::defaults()
{
    GasTable t;
    t.costs_ = default_costs();
    return t;
}

GasTable GasTable::load(const std::filesystem::path& file)
{
    GasTable t = defaults();
    YAML::Node root;
    try
    {
        root = YAML::LoadFile(file.string());
    }
    catch (const YAML::BadFile&)
    {
        throw InputError(file.string(), 0, "cannot open gas table");
    }
    catch (const YAML::Exception& e)
    {
        throw InputError(file.string(), yaml_line(e.mark), "malformed YAML: " + e.msg);
    }
    const auto line = [](const YAML::Node& n) { return yaml_line(n); };
    if (!root.IsMap())
        throw InputError(file.string(), line(root),
                         "a gas table is a map of instruction class to cost");
    for (const auto& kv : root)
    {
        const auto name = kv.first.Scalar();
        if (default_costs().count(name) == 0)
            throw InputError(file.string(), line(kv.first),
                             "unknown instruction class '" + name + "' (see docs/metering.md)");
        const auto text = kv.second.IsScalar() ? kv.second.Scalar() : std::string();
        if (text.empty() || text.size() > 18 ||
            text.find_first_not_of("0123456789") != std::string::npos)
            throw InputError(file.string(), line(kv.second),
                             "cost of '" + name + "' must be an unsigned integer below 10^18");
        t.costs_[name] = std::stoull(text);
    }
    return t;
}

uint64_t GasTable::cost(const std::string& instruction_class) const
{
    const auto it = costs_.find(instruction_class);
    return it == costs_.end() ? 0 : it->second;
}

}  // namespace scout
