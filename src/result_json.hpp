#pragma once
/// FileResult to and from JSON: the --format json report (docs/report-schema.json)
/// and the message an isolated worker process sends back.

#include "runner.hpp"

#include <nlohmann/json.hpp>

namespace scout {

/// "passed", "failed", "error".
const char* to_string(FileStatus status);

/// One file of the JSON report.
nlohmann::json file_result_to_json(const FileResult& result);

/// The inverse of file_result_to_json, for what it writes. Throws
/// nlohmann::json::exception on a document of another shape.
FileResult file_result_from_json(const nlohmann::json& doc);

}  // namespace scout
