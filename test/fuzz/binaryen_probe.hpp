#pragma once
/// Binaryen's parser sometimes ends the process instead of throwing: an
/// assert() that Debian's libbinaryen.so keeps (e.g. wasm-binary.cpp:2333 in
/// WasmBinaryBuilder::readFunctions) aborts, Fatal() calls _Exit(1). Scout
/// cannot catch either; in the product the file's worker process dies and
/// `scout run` reports the block as crashed (src/run/isolation.cpp), while
/// `scout inspect` itself dies.
///
/// A fuzz target that let them through would stop on the first such input,
/// again and again. So fuzz_run_module first parses and validates each input
/// in a helper process (exactly scout's binaryen::parse and validation_errors;
/// the helper is this executable started once more: binaryen_probe.cpp) and
/// skips the input when the helper was ended by Binaryen: SIGABRT (an
/// assertion or WASM_UNREACHABLE) or exit code 1 (Fatal()). Any other death of
/// the helper (a segfault, a sanitizer report: exit code 99) is not skipped:
/// the input then runs in-process and crashes there, with the full report and
/// a saved artifact.
///
/// Skipped inputs are saved, with Binaryen's message, as
/// .cache/fuzz-binaryen-exits/<sha1>.{wasm,txt} (SCOUT_FUZZ_EXITS_DIR) and
/// counted at exit. SCOUT_FUZZ_BINARYEN_EXITS=crash turns the probe off, so
/// that they crash the fuzzer like any other finding.

#include "bytes.hpp"

#include <string>

namespace scout_fuzz {

enum class ProbeResult
{
    survived,       ///< parse and validation returned (or threw)
    binaryen_exit,  ///< Binaryen ended the process: skip the input
    other_death,    ///< something else killed the helper: run it in-process
};

/// Call first thing in LLVMFuzzerInitialize. In the helper process it never
/// returns; in the fuzzer it sets BINARYEN_CORES=1 (one thread, as the helper).
void probe_init();

/// Parses and validates `wasm` in the helper process. `message` gets Binaryen's
/// last words for binaryen_exit.
ProbeResult probe_binaryen(const scout::Bytes& wasm, std::string* message);

}  // namespace scout_fuzz
