#pragma once
/// `scout run --update`: rewrites a vector's expected post-state roots and
/// deposit receipts with what the run produced, touching nothing else.

#include "runner.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace scout {

/// The outcome of updating one file.
struct UpdateResult
{
    bool written = false;              ///< the file was rewritten
    std::vector<std::string> changes;  ///< what changed, one line each
    std::string refused;               ///< why nothing was written, when it was refused
};

/// Computes the new text of a vector from its old text and a run's result:
/// each differing root is replaced in place (its quotes and 0x prefix kept);
/// a differing deposit_receipts section is regenerated, or appended when
/// absent. Comments, key order and everything else stay byte for byte.
/// Throws InputError when the text does not have the expected shape.
std::string updated_vector_text(const std::string& text, const FileResult& result,
                                std::vector<std::string>& changes);

/// Rewrites result.file. Refuses when the file did not run to the end (a trap
/// or bad input), since there is no actual state to accept then. The new text
/// is checked to load and to carry exactly the actual values before it
/// replaces the file.
UpdateResult update_vector_file(const FileResult& result);

/// `scout run --update` for one file's result: a file that did not fail (it
/// passed, or could not run: an error) is left alone and `result` returned as
/// it is. A failed file is rewritten when it failed on its roots or deposits
/// alone (update_vector_file), with `UPDATED file` and the changes, or `NOT
/// UPDATED file: why`, printed to `log`; the result to report is the accepted
/// one (passed) when the file was rewritten, else `result` (still failed).
FileResult update_vector(const FileResult& result, std::ostream& log);

}  // namespace scout
