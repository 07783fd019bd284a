#pragma once
/// The whole command line, as a function: the scout executable's main
/// (main.cpp) is a call of it, and test/faults/'s scout_faulty calls it after
/// setting an engine decorator (engine_registry.hpp).

namespace scout {

/// Parses `argv` (scout's subcommands and options: docs/cli.md), runs what it
/// asks for and returns the exit code. `scout worker` children are started
/// through /proc/self/exe: the program that called this one.
int scout_main(int argc, char** argv);

}  // namespace scout
