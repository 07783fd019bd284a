#include "text_reporter.hpp"

#include "hex.hpp"

#include <iomanip>
#include <sstream>

namespace scout {
namespace {

std::string root(const Bytes32& r)
{
    return "0x" + to_hex(r);
}

std::string milliseconds(double seconds)
{
    std::ostringstream s;
    s << std::fixed << std::setprecision(seconds < 0.01 ? 3 : 1) << seconds * 1000 << " ms";
    return s.str();
}

std::string describe(const Deposit& d)
{
    return "pubkey 0x" + to_hex(d.pubkey) + ", withdrawal_credentials 0x" +
           to_hex(d.withdrawal_credentials) + ", amount " + std::to_string(d.amount) +
           ", signature 0x" + to_hex(d.signature);
}

uint64_t byte_swapped(uint64_t v)
{
    uint64_t out = 0;
    for (int i = 0; i < 8; ++i, v >>= 8)
        out = out << 8 | (v & 0xff);
    return out;
}

/// The fields in which two deposits differ, expected then actual; a hint when
/// the amounts are each other's bytes reversed (a vector in the other layout).
std::string deposit_difference(const Deposit& e, const Deposit& a, DepositLayout layout)
{
    std::string out;
    auto field = [&](const char* name, const std::string& expected, const std::string& actual) {
        if (expected != actual)
            out += std::string("\n      ") + name + ": expected " + expected + ", actual " + actual;
    };
    field("pubkey", "0x" + to_hex(e.pubkey), "0x" + to_hex(a.pubkey));
    field("withdrawal_credentials", "0x" + to_hex(e.withdrawal_credentials),
          "0x" + to_hex(a.withdrawal_credentials));
    field("amount", std::to_string(e.amount), std::to_string(a.amount));
    field("signature", "0x" + to_hex(e.signature), "0x" + to_hex(a.signature));
    if (e.amount != a.amount && byte_swapped(e.amount) == a.amount)
        out += layout == DepositLayout::ssz
                   ? "\n      (read big-endian, the amount would match: for ewasm/scout's layout, "
                     "drop the vector's deposit_layout: ssz)"
                   : "\n      (read little-endian, the amount would match: if the script pushes "
                     "SSZ deposits, add deposit_layout: ssz to the vector)";
    return "differs in" + out;
}

}  // namespace

std::string engines_text(const FileResult& r)
{
    if (r.engines.empty())
        return {};
    std::string out = "  engines:";
    for (size_t i = 0; i < r.engines.size(); ++i)
        out += (i ? ", " : " ") + r.engines[i].engine + " " + r.engines[i].verdict;
    out += "\n";
    for (const auto& e : r.engines)
        if (!e.reason.empty())
            out += "    " + e.engine + " " + e.verdict + ": " + terminal_safe(e.reason) + "\n";
    return out;
}

bool engines_noteworthy(const FileResult& r)
{
    for (const auto& e : r.engines)
        if (e.verdict != "passed")
            return true;
    return false;
}

std::string TextReporter::paint(const char* colour, const std::string& text) const
{
    return style_.colour ? std::string("\x1b[") + colour + "m" + text + "\x1b[0m" : text;
}

namespace {

std::string value_text(ValType type, const Value& v)
{
    // Raw bits: an f64 (AssemblyScript's trace) as the u64 of its bits, as the
    // JSON report has it.
    return type == ValType::i64 || type == ValType::f64 ? std::to_string(v.i64())
                                                        : std::to_string(v.i32());
}

std::string host_call_text(const HostCallRecord& c)
{
    std::string s = c.function + "(";
    for (size_t i = 0; i < c.args.size(); ++i)
        s += (i ? ", " : "") + value_text(c.param_types[i], c.args[i]);
    s += ")";
    for (const auto& a : c.accesses)
        s += std::string(a.write ? " wrote [" : " read [") + std::to_string(a.ptr) + ", " +
             std::to_string(uint64_t{a.ptr} + a.length) + ")";
    if (c.result)
        s += " -> " + value_text(c.result_type, *c.result);
    if (!c.trap.empty())
        s += " TRAP: " + terminal_safe(c.trap);
    return s;
}

}  // namespace

void TextReporter::block_details(const FileResult& result, const BlockResult& b, bool with_debug)
{
    const std::string tag = "block " + std::to_string(b.index) + " (line " +
                            std::to_string(b.line) + "), env " + std::to_string(b.env);
    if (style_.verbose)
    {
        out_ << "  " << tag << ", " << terminal_safe(b.script) << ": " << root(b.pre_state)
             << " -> " << root(b.post_state)
             << (b.post_state_saved ? "" : " (no root saved: zero root, as ewasm/scout)") << ", "
             << b.deposits << (b.deposits == 1 ? " deposit" : " deposits") << ", " << b.ticks_used
             << " ticks, " << (b.gas_used ? std::to_string(*b.gas_used) + " gas, " : std::string())
             << "instantiate " << milliseconds(b.instantiate_seconds) << ", execute "
             << milliseconds(b.execute_seconds) << "\n";
    }
    else if (style_.trace)
        out_ << "  " << tag << ", " << terminal_safe(b.script) << ":\n";
    if (style_.trace)
        for (const auto& c : b.host_calls)
            out_ << "    host " << host_call_text(c) << "\n";
    if (style_.trace && b.host_calls_dropped != 0)
        out_ << "    (" << b.host_calls_dropped
             << " further host calls not recorded: the file reached its limit of --trace "
                "records)\n";
    if (with_debug)
    {
        for (const auto& line : b.debug_output)
            out_ << "  [" << printable(result.file.string()) << " " << tag << "] "
                 << terminal_safe(line) << "\n";
        if (b.debug_dropped != 0)
            out_ << "  [" << printable(result.file.string()) << " " << tag << "] ("
                 << b.debug_dropped << " further debug lines dropped)\n";
    }
    if (b.trap)
        out_ << "  " << tag << ", script " << terminal_safe(b.script) << ": trap ("
             << to_string(b.trap->kind) << "): " << terminal_safe(b.trap->message) << "\n";
}

void TextReporter::file(const FileResult& r)
{
    if (r.status == FileStatus::error)
    {
        ++failed_;
        ++errors_;
        out_ << paint("1;31", "ERROR") << " " << terminal_safe(r.error) << "\n";
        out_ << engines_text(r);
        if (!r.disagreements.empty())
        {
            out_ << "  engines disagree:\n";
            for (const auto& d : r.disagreements)
                out_ << "    " << terminal_safe(d) << "\n";
        }
        return;
    }
    const bool failed = r.status == FileStatus::failed;
    if (failed)
        ++failed_;
    else
        ++passed_;
    if (!failed && style_.quiet)
        return;
    out_ << (failed ? paint("1;31", "FAIL") : paint("32", "PASS")) << " "
         << printable(r.file.string()) << " (" << r.blocks_total
         << (r.blocks_total == 1 ? " block" : " blocks");
    if (r.uses_bignum)
        out_ << ", field " << to_string(r.field);
    if (style_.verbose)
        out_ << ", load " << milliseconds(r.load_seconds);
    out_ << ")\n";
    if (style_.verbose && r.uses_bignum)
        out_ << "  note: bignum field " << to_string(r.field) << " (from "
             << terminal_safe(r.field_source) << ")\n";
    if (style_.verbose && r.uses_deposits)
        out_ << "  note: deposit layout " << describe(r.deposit_layout) << ", from "
             << (r.deposit_layout_declared ? "the vector's deposit_layout" : "the default") << "\n";

    if (style_.verbose)
        for (const auto& note : r.notes)
            out_ << "  note: " << terminal_safe(note) << "\n";
    else
        for (const auto& note : r.notes)
            if (note.find("unknown top-level key") != std::string::npos)
                out_ << "  warning: " << terminal_safe(note) << "\n";

    if (!r.load_error.empty())
        out_ << "  " << terminal_safe(r.load_error) << "\n";
    for (const auto& b : r.blocks)
        block_details(r, b, style_.verbose || style_.trace || failed);
    if (const auto* t = r.trapped_block(); t && r.blocks.size() < r.blocks_total)
        out_ << "  " << (r.blocks_total - r.blocks.size()) << " of " << r.blocks_total
             << " blocks not run after the trap\n";

    if (style_.verbose || engines_noteworthy(r))
        out_ << engines_text(r);
    if (!r.disagreements.empty())
    {
        out_ << "  engines disagree:\n";
        for (const auto& d : r.disagreements)
            out_ << "    " << terminal_safe(d) << "\n";
    }
    for (const auto& g : r.gas_mismatches)
        out_ << "  block " << g.block << " (line " << g.line << "): gas used " << g.actual
             << ", expected " << g.expected << "\n";
    for (const auto& m : r.root_mismatches)
    {
        out_ << "  env " << m.env << ": post-state root mismatch\n"
             << "    expected " << root(m.expected) << "\n"
             << "    actual   " << root(m.actual) << "\n";
    }
    if (!r.deposits_match)
    {
        out_ << "  deposit receipts differ: expected " << r.expected_deposits.size() << ", got "
             << r.actual_deposits.size() << "; deposit layout " << describe(r.deposit_layout)
             << "\n";
        const size_t n = std::max(r.expected_deposits.size(), r.actual_deposits.size());
        for (size_t i = 0; i < n; ++i)
        {
            const Deposit* e = i < r.expected_deposits.size() ? &r.expected_deposits[i] : nullptr;
            const Deposit* a = i < r.actual_deposits.size() ? &r.actual_deposits[i] : nullptr;
            if (e && a && *e == *a)
                continue;
            out_ << "    deposit " << i << ":";
            if (e && a)
                out_ << " " << deposit_difference(*e, *a, r.deposit_layout) << "\n";
            else
                out_ << "\n      expected " << (e ? describe(*e) : "none") << "\n"
                     << "      actual   " << (a ? describe(*a) : "none") << "\n";
        }
    }
}

void TextReporter::summary()
{
    out_ << passed_ << " passed, " << failed_ << " failed\n";
    out_.flush();
}

}  // namespace scout
