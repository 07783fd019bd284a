#pragma once
/// Keeps what libraries print (Binaryen's parser and validator write warnings
/// and errors to std::cerr and std::cout) off the terminal, per thread.
///
/// std::cout, std::cerr and std::clog get, once at startup, a stream buffer
/// that routes each write by the writing thread: while an OutputCapture is
/// alive on that thread the text goes into it, otherwise it goes on to the
/// original buffer unchanged. Nothing is swapped while other threads may be
/// writing, so `scout run -j` threads neither race on the streams nor see one
/// another's text (the old per-call std::cerr.rdbuf swap did both).
///
/// A capture takes everything its thread writes to the standard streams,
/// scout's own output included: keep its scope to the library calls.
///
/// Exception: Binaryen's Fatal ("Fatal: ..."), after which Binaryen ends the
/// process, is let through as well, so that the crash is explained.

#include <string>
#include <vector>

namespace scout {

class OutputCapture
{
public:
    /// Starts capturing on this thread; captures nest (the innermost one
    /// collects). `parent`: the capture this one hands its text to when it
    /// ends (one on another thread that waits for this one, e.g. across
    /// run_on_large_stack); by default the capture it nests in, if any.
    OutputCapture();
    explicit OutputCapture(OutputCapture* parent);
    ~OutputCapture();
    OutputCapture(const OutputCapture&) = delete;
    OutputCapture& operator=(const OutputCapture&) = delete;

    /// Everything captured so far.
    const std::string& text() const { return text_; }

    /// The captured text as lines: without empty lines and repeats, each
    /// printable (printable() of wasm_types.hpp).
    std::vector<std::string> lines() const;

    /// Keeps the text from the parent: the caller reports it itself (a
    /// validation error that becomes a load error).
    void consume() { consumed_ = true; }

    /// The innermost capture alive on this thread, or null.
    static OutputCapture* current();

    /// Appends (for the stream buffers and for tests).
    void append(const char* data, size_t size) { text_.append(data, size); }

private:
    std::string text_;
    OutputCapture* parent_ = nullptr;
    OutputCapture* enclosing_ = nullptr;  ///< restored as current() at the end
    bool consumed_ = false;
};

}  // namespace scout
