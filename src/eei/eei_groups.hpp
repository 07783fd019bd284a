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

/// Why scout refuses an import it knows (AssemblyScript's `env.seed`:
/// determinism), or null. eei_assemblyscript.cpp.
const char* refused_import_reason(std::string_view module, std::string_view field);

/// A double as JavaScript's String(v) writes it ("1.5", "1e+21", "NaN"): how
/// AssemblyScript's loader shows trace()'s values. eei_assemblyscript.cpp.
std::string js_number_string(double v);

}  // namespace scout::eei
