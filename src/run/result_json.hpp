#pragma once
/// FileResult to and from JSON: the --format json report (docs/report-schema.json)
/// and the message an isolated worker process sends back.

#include "runner.hpp"

#include <nlohmann/json.hpp>

namespace scout {

/// Total seconds a file took: load plus every block's instantiate and execute
/// (the JSON's time_seconds, and what the reports add up).
double file_seconds(const FileResult& r);

/// "passed", "failed", "error".
const char* to_string(FileStatus status);

/// One block of the JSON report, with the deposits it pushed (none for a
/// trapped block); also what an isolated worker streams after each block.
nlohmann::json block_result_to_json(const BlockResult& block, const std::vector<Deposit>& deposits);

/// The inverse of block_result_to_json (the deposits are counted, not kept:
/// a file's deposits are its actual_deposits). Throws nlohmann::json::exception
/// on a document of another shape.
BlockResult block_result_from_json(const nlohmann::json& block);

/// Every string of `j` made valid UTF-8 (as printable() escapes it):
/// nlohmann::json throws when it dumps a string that is not, such as a file
/// name in another encoding, and the whole report or message would be lost.
void make_valid_utf8(nlohmann::json& j);

/// One file of the JSON report.
nlohmann::json file_result_to_json(const FileResult& result);

/// The inverse of file_result_to_json, for what it writes. Throws
/// nlohmann::json::exception on a document of another shape.
FileResult file_result_from_json(const nlohmann::json& doc);

}  // namespace scout
