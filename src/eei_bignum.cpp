#include "eei_groups.hpp"

namespace scout::eei {

// Being written (issue 3).
std::vector<HostFunction> bignum_functions()
{
    return {};
}

}  // namespace scout::eei
