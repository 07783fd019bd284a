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

/// One engine's verdict on a file and why: the error, the trap, what differs,
/// or the feature it lacks (FileResult::not_run: verdict "not run").
EngineOutcome engine_outcome(const std::string& engine, const FileResult& result);

/// The result of the first engine that ran the file, with every engine's
/// outcome (FileResult::engines); failed and carrying the disagreements when
/// the engines that ran do not agree. An engine that lacks a feature the
/// file's modules use (FileResult::not_run) is left out of the comparison, so
/// it does not fail the file by itself. When none could run it, the first
/// engine's result (an error).
FileResult combine_engine_results(const std::vector<std::string>& engines,
                                  std::vector<FileResult> results);

}  // namespace scout
