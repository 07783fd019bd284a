/// JSON (docs/report-schema.json), JUnit XML and TAP 13 reporters.

#include "hex.hpp"
#include "reporter.hpp"
#include "text_reporter.hpp"

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

double file_seconds(const FileResult& r)
{
    double s = r.load_seconds;
    for (const auto& b : r.blocks)
        s += b.instantiate_seconds + b.execute_seconds;
    return s;
}

std::vector<std::string> report_formats()
{
    return {"text", "json", "junit", "tap"};
}

namespace {

using nlohmann::json;

const char* status_name(FileStatus s)
{
    switch (s)
    {
    case FileStatus::passed:
        return "passed";
    case FileStatus::failed:
        return "failed";
    default:
        return "error";
    }
}

std::string hex0x(const Bytes32& r)
{
    return "0x" + to_hex(r);
}

json deposit_json(const Deposit& d)
{
    return {{"pubkey", "0x" + to_hex(d.pubkey)},
            {"withdrawal_credentials", "0x" + to_hex(d.withdrawal_credentials)},
            {"amount", d.amount},
            {"signature", "0x" + to_hex(d.signature)}};
}

json deposits_json(std::vector<Deposit>::const_iterator begin, std::vector<Deposit>::const_iterator end)
{
    json out = json::array();
    for (auto it = begin; it != end; ++it)
        out.push_back(deposit_json(*it));
    return out;
}

json host_call_json(const HostCallRecord& c)
{
    json args = json::array();
    for (size_t i = 0; i < c.args.size(); ++i)
        args.push_back(c.param_types[i] == ValType::i64 ? c.args[i].i64() : c.args[i].i32());
    json accesses = json::array();
    for (const auto& a : c.accesses)
        accesses.push_back({{"ptr", a.ptr}, {"length", a.length}, {"access", a.write ? "write" : "read"}});
    json out = {{"function", c.function}, {"args", args}, {"memory", accesses}};
    if (c.result)
        out["result"] = c.result_type == ValType::i64 ? c.result->i64() : c.result->i32();
    if (!c.trap.empty())
        out["trap"] = c.trap;
    return out;
}

json file_json(const FileResult& r)
{
    json f = {{"file", r.file.string()}, {"status", status_name(r.status)},
              {"time_seconds", file_seconds(r)}};
    if (r.status == FileStatus::error)
    {
        f["error"] = r.error;
        return f;
    }
    f["load_seconds"] = r.load_seconds;
    f["notes"] = r.notes;
    if (r.uses_bignum)
        f["field"] = to_string(r.field);
    f["blocks_total"] = r.blocks_total;
    json blocks = json::array();
    size_t deposit_offset = 0;
    for (const auto& b : r.blocks)
    {
        json block = {{"index", b.index},
                      {"line", b.line},
                      {"env", b.env},
                      {"script", b.script},
                      {"pre_state", hex0x(b.pre_state)},
                      {"post_state", hex0x(b.post_state)},
                      {"post_state_saved", b.post_state_saved},
                      {"ticks_used", b.ticks_used},
                      {"instantiate_seconds", b.instantiate_seconds},
                      {"execute_seconds", b.execute_seconds},
                      {"debug_output", b.debug_output},
                      {"debug_dropped", b.debug_dropped}};
        // A trapped block's deposits never reach actual_deposits.
        if (!b.trap)
        {
            const auto begin = r.actual_deposits.begin() + static_cast<long>(deposit_offset);
            block["deposits"] = deposits_json(begin, begin + static_cast<long>(b.deposits));
            deposit_offset += b.deposits;
        }
        else
            block["deposits"] = json::array();
        block["trap"] = b.trap ? json{{"kind", to_string(b.trap->kind)}, {"message", b.trap->message}} :
                                 json(nullptr);
        if (!b.host_calls.empty())
        {
            json calls = json::array();
            for (const auto& c : b.host_calls)
                calls.push_back(host_call_json(c));
            block["host_calls"] = calls;
        }
        blocks.push_back(block);
    }
    f["blocks"] = blocks;
    json mismatches = json::array();
    for (const auto& m : r.root_mismatches)
        mismatches.push_back({{"env", m.env}, {"expected", hex0x(m.expected)}, {"actual", hex0x(m.actual)}});
    f["root_mismatches"] = mismatches;
    f["deposits_match"] = r.deposits_match;
    f["expected_deposits"] = deposits_json(r.expected_deposits.begin(), r.expected_deposits.end());
    f["actual_deposits"] = deposits_json(r.actual_deposits.begin(), r.actual_deposits.end());
    return f;
}

class JsonReporter final : public Reporter
{
public:
    JsonReporter(std::ostream& out, const RunInfo& info) : out_(out), info_(info) {}
    void file(const FileResult& r) override
    {
        totals_.add(r);
        files_.push_back(file_json(r));
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
std::string xml(const std::string& s)
{
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
    JunitReporter(std::ostream& out, const RunInfo& info) : out_(out), info_(info) {}
    void file(const FileResult& r) override
    {
        totals_.add(r);
        std::ostringstream c;
        const auto name = r.file.string();
        c << "    <testcase classname=\"scout." << xml(info_.engine) << "\" name=\"" << xml(name)
          << "\" file=\"" << xml(name) << "\" time=\"" << seconds_text(file_seconds(r)) << "\">\n";
        if (r.status == FileStatus::error)
            c << "      <error message=\"" << xml(r.error) << "\" type=\"bad input\">" << xml(r.error)
              << "</error>\n";
        else if (r.status == FileStatus::failed)
            c << "      <failure message=\"" << xml(failure_summary(r)) << "\" type=\""
              << (r.trapped_block() ? "trap" : "mismatch") << "\">" << xml(details(r))
              << "</failure>\n";
        std::string debug;
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
            s += (s.empty() ? "" : "; ") + std::string("deposit receipts differ");
        return s;
    }

    std::ostream& out_;
    RunInfo info_;
    Totals totals_;
    std::string cases_;
};

/// TAP version 13: one test point per vector file, details as a YAML block.
class TapReporter final : public Reporter
{
public:
    explicit TapReporter(std::ostream& out) : out_(out) {}
    void begin(size_t files) override { out_ << "TAP version 13\n1.." << files << "\n"; }
    void file(const FileResult& r) override
    {
        ++n_;
        const bool ok = r.status == FileStatus::passed;
        out_ << (ok ? "ok " : "not ok ") << n_ << " - " << r.file.string() << "\n";
        if (ok)
            return;
        out_ << "  ---\n  status: " << status_name(r.status) << "\n  message: |\n";
        std::istringstream lines(r.status == FileStatus::error ? r.error : details(r));
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
