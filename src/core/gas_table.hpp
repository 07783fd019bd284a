#pragma once
/// The gas table: what metering charges for each instruction class
/// (docs/metering.md). Read and checked here, before any engine, so that the
/// runner and the command line need not see the metering pass (metering.hpp,
/// on Binaryen IR).

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace scout {

/// The cost of each instruction class (docs/metering.md lists the classes).
class GasTable
{
public:
    /// scout's documented defaults.
    static GasTable defaults();

    /// Reads a YAML map `class: cost` (unsigned integers); classes not named
    /// keep their default. Throws InputError (file, line) for an unknown class
    /// or a bad cost.
    static GasTable load(const std::filesystem::path& file);

    uint64_t cost(const std::string& instruction_class) const;
    const std::map<std::string, uint64_t>& costs() const { return costs_; }

private:
    std::map<std::string, uint64_t> costs_;
};

}  // namespace scout
