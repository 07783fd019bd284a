#include "output_capture.hpp"

#include "wasm_types.hpp"

#include <iostream>
#include <set>
#include <sstream>
#include <streambuf>

namespace scout {
namespace {

thread_local OutputCapture* innermost = nullptr;

/// Set for good once Binaryen's Fatal starts writing on this thread: the
/// process is about to end, and its message must reach the terminal.
thread_local bool fatal_seen = false;

/// Routes each write to the writing thread's capture, or to the original
/// buffer. It has no buffer of its own, so every write comes through
/// xsputn/overflow and is routed whole.
class RoutingBuffer final : public std::streambuf
{
public:
    explicit RoutingBuffer(std::streambuf* original)
      : original_(original)
    {}
    std::streambuf* original() const { return original_; }

protected:
    std::streamsize xsputn(const char* s, std::streamsize n) override
    {
        OutputCapture* capture = innermost;
        if (capture == nullptr)
            return original_->sputn(s, n);
        if (!fatal_seen && std::string(s, static_cast<size_t>(n)) == "Fatal: ")
            fatal_seen = true;  // Binaryen's Fatal() constructor writes exactly this
        capture->append(s, static_cast<size_t>(n));
        if (fatal_seen)
        {
            original_->sputn(s, n);
            original_->pubsync();
        }
        return n;
    }

    int_type overflow(int_type c) override
    {
        if (traits_type::eq_int_type(c, traits_type::eof()))
            return traits_type::not_eof(c);
        const char ch = traits_type::to_char_type(c);
        return xsputn(&ch, 1) == 1 ? c : traits_type::eof();
    }

    int sync() override { return innermost != nullptr && !fatal_seen ? 0 : original_->pubsync(); }

private:
    std::streambuf* original_;
};

/// Installs the routing buffers before main() (static initialization runs
/// single-threaded) and restores the originals at exit, before the standard
/// streams' final flush. The buffers themselves are never freed, so a write
/// from a late destructor still finds one.
struct Installer
{
    std::ios_base::Init streams;  ///< the standard streams exist before we touch them
    RoutingBuffer* out = new RoutingBuffer(std::cout.rdbuf());
    RoutingBuffer* err = new RoutingBuffer(std::cerr.rdbuf());
    RoutingBuffer* log = new RoutingBuffer(std::clog.rdbuf());

    Installer()
    {
        std::cout.rdbuf(out);
        std::cerr.rdbuf(err);
        std::clog.rdbuf(log);
    }
    ~Installer()
    {
        std::cout.rdbuf(out->original());
        std::cerr.rdbuf(err->original());
        std::clog.rdbuf(log->original());
    }
};

// Before main on purpose (the buffers must be in place before any thread
// writes); if installing them threw, there would be nothing to run without them.
const Installer installer;  // NOLINT(cert-err58-cpp)

}  // namespace

OutputCapture::OutputCapture()
  : OutputCapture(innermost)
{}

OutputCapture::OutputCapture(OutputCapture* parent)
  : parent_(parent)
  , enclosing_(innermost)
{
    (void)installer;
    innermost = this;
}

OutputCapture::~OutputCapture()
{
    innermost = enclosing_;
    if (parent_ != nullptr && !consumed_)
        parent_->text_ += text_;
}

OutputCapture* OutputCapture::current()
{
    return innermost;
}

std::vector<std::string> OutputCapture::lines() const
{
    std::vector<std::string> out;
    std::set<std::string> seen;
    std::istringstream in(text_);
    for (std::string line; std::getline(in, line);)
    {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
            line.pop_back();
        if (!line.empty() && seen.insert(line).second)
            out.push_back(printable(line));
    }
    return out;
}

}  // namespace scout
