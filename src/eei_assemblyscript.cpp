#include "eei_groups.hpp"

namespace scout::eei {

// Being written (issue 3).
std::vector<HostFunction> assemblyscript_functions()
{
    return {};
}

}  // namespace scout::eei
