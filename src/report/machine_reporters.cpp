/// JSON (docs/report-schema.json), JUnit XML and TAP 13 reporters.

#include "hex.hpp"
#include "reporter.hpp"
#include "result_json.hpp"
#include "text_reporter.hpp"
#include "wasm_types.hpp"

#include <nlohmann/json.hpp>

#include <iomanip>
#include <sstream>

namespace scout {

void Totals::add(const FileResult& r)
{
    if (r.status == FileStatus::passed)
        ++passed;
    else
        ++failed;
    if (r.status == FileStatus::error)
        ++errors;
    seconds += file_seconds(r);
}

std::vector<std::string> report_formats()
{
    return {"text", "json", "junit", "tap"};
}

namespace {

using nlohmann::json;

// Each reporter keeps its stream, the run's info and the totals; their
// constructors and file() beginnings look alike, what they write differs.
class JsonReporter final : public Reporter
{
public:
    JsonReporter(std::ostream& out, const RunInfo& info)
      : out_(out)
      , info_(info)
    {}
    void file(const FileResult& r) override
    {
        totals_.add(r);
        files_.push_back(file_result_to_json(r));
        make_valid_utf8(files_.back());
    }
    void end() override
    {
        const json doc = {{"scout_version", info_.scout_version},
                          {"engine", info_.engine},
                          {"tick_budget", info_.tick_budget},
                          {"summary",
                           {{"passed", totals_.passed},
                            {"failed", totals_.failed},
                            {"errors", totals_.errors},
                            {"time_seconds", totals_.seconds}}},
                          {"files", files_}};
        out_ << doc.dump(2) << "\n";
    }

private:
    std::ostream& out_;
    RunInfo info_;
    Totals totals_;
    json files_ = json::array();
};

/// The text report of one file, without its verdict line: the body of a JUnit
/// failure and of a TAP diagnostic.
std::string details(const FileResult& r)
{
    std::ostringstream text;
    TextReporter(text, false).file(r);
    return text.str();
}

/// XML character escaping, by hand: the report is a fixed, flat shape, and
/// escaping (plus dropping characters XML 1.0 forbids) is all it needs.
std::string xml(const std::string& text)
{
    const std::string s = utf8_or_escaped(text);  // the document is declared UTF-8
    std::string out;
    for (const char ch : s)
    {
        const auto c = static_cast<unsigned char>(ch);
        switch (ch)
        {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&apos;";
            break;
        default:
            if (c < 0x20 && c != '\n' && c != '\t' && c != '\r')
                out += '?';
            else
                out += ch;
        }
    }
    return out;
}

std::string seconds_text(double s)
{
    std::ostringstream o;
    o << std::fixed << std::setprecision(6) << s;
    return o.str();
}

/// JUnit XML in the shape Jenkins, GitLab and GitHub's test reporters read:
/// one <testcase> per vector file; <failure> for a failed vector, <error> for
/// bad input; debug output in <system-out>.
class JunitReporter final : public Reporter
{
public:
    JunitReporter(std::ostream& out, const RunInfo& info)
      : out_(out)
      , info_(info)
    {}
    void file(const FileResult& r) override
    {
        totals_.add(r);
        std::ostringstream c;
        const auto name = r.file.string();
        c << "    <testcase classname=\"scout." << xml(info_.engine) << "\" name=\"" << xml(name)
          << "\" file=\"" << xml(name) << "\" time=\"" << seconds_text(file_seconds(r)) << "\">\n";
        if (r.status == FileStatus::error)
            c << "      <error message=\"" << xml(r.error) << "\" type=\""
              << (r.not_run.empty() ? "bad input" : "not run") << "\">"
              << xml(r.engines.empty() ? r.error : details(r)) << "</error>\n";
        else if (r.status == FileStatus::failed)
            c << "      <failure message=\"" << xml(failure_summary(r)) << "\" type=\""
              << (r.trapped_block() ? "trap" : "mismatch") << "\">" << xml(details(r))
              << "</failure>\n";
        // Several engines: each one's verdict (why one did not run, say).
        std::string debug = r.status == FileStatus::passed ? engines_text(r) : "";
        for (const auto& b : r.blocks)
            for (const auto& line : b.debug_output)
                debug += "block " + std::to_string(b.index) + ", env " + std::to_string(b.env) +
                         ": " + line + "\n";
        if (!debug.empty())
            c << "      <system-out>" << xml(debug) << "</system-out>\n";
        c << "    </testcase>\n";
        cases_ += c.str();
    }
    void end() override
    {
        const size_t tests = totals_.passed + totals_.failed;
        const size_t failures = totals_.failed - totals_.errors;
        out_ << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             << "<testsuites name=\"scout\" tests=\"" << tests << "\" failures=\"" << failures
             << "\" errors=\"" << totals_.errors << "\" time=\"" << seconds_text(totals_.seconds)
             << "\">\n"
             << "  <testsuite name=\"scout run (" << xml(info_.engine) << ")\" tests=\"" << tests
             << "\" failures=\"" << failures << "\" errors=\"" << totals_.errors
             << "\" skipped=\"0\" time=\"" << seconds_text(totals_.seconds) << "\">\n"
             << cases_ << "  </testsuite>\n</testsuites>\n";
    }

private:
    static std::string failure_summary(const FileResult& r)
    {
        if (const auto* t = r.trapped_block())
            return "block " + std::to_string(t->index) + ", env " + std::to_string(t->env) +
                   ": trap (" + to_string(t->trap->kind) + "): " + t->trap->message;
        std::string s;
        for (const auto& m : r.root_mismatches)
            s += (s.empty() ? "" : "; ") + std::string("env ") + std::to_string(m.env) +
                 ": post-state root mismatch";
        if (!r.deposits_match)
            s += (s.empty() ? "" : "; ") + std::string("deposit receipts differ (layout ") +
                 to_string(r.deposit_layout) + ")";
        return s;
    }

    std::ostream& out_;
    RunInfo info_;
    Totals totals_;
    std::string cases_;
};

/// A test point's description, escaped as TAP 14 specifies: `\` and `#`
/// get a backslash, so that a file name with " # TODO" or " # SKIP" in it is
/// not read as a directive (prove would count a failing file as a TODO).
std::string tap_description(const std::string& text)
{
    std::string out;
    for (const char c : text)
    {
        if (c == '\\' || c == '#')
            out += '\\';
        out += c;
    }
    return out;
}

/// TAP version 13: one test point per vector file, details as a YAML block.
class TapReporter final : public Reporter
{
public:
    explicit TapReporter(std::ostream& out)
      : out_(out)
    {}
    void begin(size_t files) override { out_ << "TAP version 13\n1.." << files << "\n"; }
    void file(const FileResult& r) override
    {
        ++n_;
        const bool ok = r.status == FileStatus::passed;
        out_ << (ok ? "ok " : "not ok ") << n_ << " - "
             << tap_description(printable(r.file.string())) << "\n";
        if (ok && !engines_noteworthy(r))
            return;
        out_ << "  ---\n  status: " << to_string(r.status) << "\n  message: |\n";
        std::istringstream lines(ok ? engines_text(r)
                                 : r.status == FileStatus::error && r.engines.empty() ? r.error
                                                                                      : details(r));
        std::string line;
        while (std::getline(lines, line))
            out_ << "    " << line << "\n";
        out_ << "  ...\n";
    }
    void end() override {}

private:
    std::ostream& out_;
    size_t n_ = 0;
};

}  // namespace

std::unique_ptr<Reporter> make_machine_reporter(const std::string& format, std::ostream& out,
                                                const RunInfo& info)
{
    if (format == "json")
        return std::make_unique<JsonReporter>(out, info);
    if (format == "junit")
        return std::make_unique<JunitReporter>(out, info);
    if (format == "tap")
        return std::make_unique<TapReporter>(out);
    return nullptr;
}

}  // namespace scout
