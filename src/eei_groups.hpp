#pragma once
/// Internal: each EEI module contributes its table of host functions.
/// One file per module: eei_eth2.cpp, eei_debug.cpp, eei_bignum.cpp,
/// eei_hash.cpp, eei_assemblyscript.cpp, eei_metering.cpp.

#include "eei.hpp"

namespace scout::eei {

std::vector<HostFunction> eth2_functions();
std::vector<HostFunction> debug_functions();
std::vector<HostFunction> bignum_functions();
std::vector<HostFunction> hash_functions();
std::vector<HostFunction> assemblyscript_functions();
std::vector<HostFunction> metering_functions();

}  // namespace scout::eei
