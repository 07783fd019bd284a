#pragma once
/// Gas metering: a module is instrumented before any engine sees it, so every
/// engine that runs the metered module counts the same gas.
///
/// Each straight-line region of a function (the function body, every block,
/// every loop body per iteration, every arm of an if) is charged on entry for
/// all instructions it contains directly, by a call to the host function
/// `metering.useGas(i64)`. A region left early by a branch has still paid for
/// all of its instructions: gas is an upper bound that is the same on every
/// engine, not an exact count of executed instructions.

#include "bytes.hpp"
#include "gas_table.hpp"

namespace scout {

/// Instruments a wasm binary with gas charges; returns the metered binary.
/// Throws LoadError when the module cannot be parsed or validated.
Bytes meter_module(const Bytes& wasm, const GasTable& table);

}  // namespace scout
