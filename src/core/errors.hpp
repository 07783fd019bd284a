#pragma once
/// Error types that end a vector file before or outside execution.
/// Traps inside a script are not errors: see trap.hpp.

#include "wasm_types.hpp"

#include <stdexcept>
#include <string>

namespace scout {

/// Bad input: a vector file that cannot be read or understood, or a script
/// that cannot be loaded (missing file, invalid wasm, unresolvable import).
/// `file` and `line` (1-based, 0 when unknown) locate the cause.
class InputError : public std::runtime_error
{
public:
    InputError(std::string file, size_t line, const std::string& message)
      : std::runtime_error(message)
      , file_(std::move(file))
      , line_(line)
    {}

    const std::string& file() const noexcept { return file_; }
    size_t line() const noexcept { return line_; }

    /// "file:line: message" (or "file: message" without a line); the file
    /// name shown with printable() (wasm_types.hpp) rules.
    std::string located() const
    {
        std::string out = printable(file_);
        if (line_ != 0)
            out += ":" + std::to_string(line_);
        return out + ": " + what();
    }

private:
    std::string file_;
    size_t line_;
};

/// A script module was rejected at load time (parse, validation, imports,
/// exports). The message names the cause; the caller adds the file.
class LoadError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

}  // namespace scout
