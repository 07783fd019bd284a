#pragma once
/// Differential runs: the same vector on several engines, failing on any
/// disagreement. The tool for reproducing a consensus bug.

#include "runner.hpp"

#include <optional>
#include <string>
#include <vector>

namespace scout {

/// The engines --engine names: one name, a comma-separated list, or "all"
/// (every engine built in). nullopt for an unknown name or an empty list.
std::optional<std::vector<std::string>> parse_engine_list(const std::string& text);

/// What the engines said about one file, one line per point of disagreement
/// ("block 2 post-state: binaryen 0x.., wabt 0x.."). Compared: status, load
/// errors, which blocks ran, each block's post-state, deposits, ticks, gas,
/// debug output and trap kind, the final roots and deposits. Not compared:
/// timings and the wording of traps (engines word them differently).
std::vector<std::string> disagreements(const std::vector<std::string>& engines,
                                       const std::vector<FileResult>& results);

/// The first engine's result, failed and carrying the disagreements when the
/// engines do not agree.
FileResult combine_engine_results(const std::vector<std::string>& engines,
                                  std::vector<FileResult> results);

}  // namespace scout
