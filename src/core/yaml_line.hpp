#pragma once
/// The one conversion from a yaml-cpp position to the 1-based line that
/// errors print ("file:line: reason").

#include <yaml-cpp/yaml.h>

#include <cstddef>

namespace scout {

/// The 1-based line of a yaml-cpp mark; 0 when yaml-cpp does not know it
/// (a node built in memory, an error at the end of the input).
inline size_t yaml_line(const YAML::Mark& mark)
{
    return mark.line < 0 ? 0 : static_cast<size_t>(mark.line) + 1;
}

/// The 1-based line where `node` starts; 0 when unknown.
inline size_t yaml_line(const YAML::Node& node)
{
    return yaml_line(node.Mark());
}

}  // namespace scout
