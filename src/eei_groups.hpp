#pragma once
/// Internal: each EEI module contributes its table of host functions.
/// One file per module: eei_eth2.cpp, eei_debug.cpp.

#include "eei.hpp"

namespace scout::eei {

std::vector<HostFunction> eth2_functions();
std::vector<HostFunction> debug_functions();

}  // namespace scout::eei
