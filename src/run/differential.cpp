#include "differential.hpp"

#include "engine_registry.hpp"
#include "hex.hpp"
#include "result_json.hpp"
#include "wasm_types.hpp"

#include <algorithm>
#include <functional>
#include <sstream>

namespace scout {

std::optional<std::vector<std::string>> parse_engine_list(const std::string& text)
{
    const auto known = engine_names();
    if (text == "all")
        return known;
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string name; std::getline(in, name, ',');)
    {
        if (std::find(known.begin(), known.end(), name) == known.end())
            return std::nullopt;
        if (std::find(out.begin(), out.end(), name) == out.end())
            out.push_back(name);
    }
    if (out.empty())
        return std::nullopt;
    return out;
}

namespace {

std::string trap_text(const BlockResult& b)
{
    return b.trap ? std::string("trap (") + to_string(b.trap->kind) + ")" : "no trap";
}

std::string deposits_text(const std::vector<Deposit>& ds)
{
    // Short: the pubkey's start and the amount of each. (Whether engines
    // agree is decided on every byte, not on this text: disagreements().)
    std::string s = std::to_string(ds.size()) + " deposits";
    for (const auto& d : ds)
        s += " " + to_hex(d.pubkey).substr(0, 8) + ".. amount " + std::to_string(d.amount);
    return s;
}

/// Where two engines' debug output first differs, for the disagreement line.
std::string first_difference(const std::vector<std::string>& a, const std::vector<std::string>& b)
{
    size_t i = 0;
    while (i < a.size() && i < b.size() && a[i] == b[i])
        ++i;
    const auto line = [&](const std::vector<std::string>& v) {
        return i < v.size() ? "'" + printable(v[i]) + "'" : std::string("(none)");
    };
    return "line " + std::to_string(i + 1) + ": " + line(a) + " / " + line(b);
}

}  // namespace

std::vector<std::string> disagreements(const std::vector<std::string>& engines,
                                       const std::vector<FileResult>& results)
{
    std::vector<std::string> out;
    // One aspect: its value per engine; a line when they are not all equal.
    auto compare = [&](const std::string& what,
                       const std::function<std::string(const FileResult&)>& get) {
        std::vector<std::string> values;
        values.reserve(results.size());
        for (const auto& r : results)
            values.push_back(get(r));
        if (std::all_of(values.begin(), values.end(),
                        [&](const std::string& v) { return v == values[0]; }))
            return;
        std::string line = what + ":";
        for (size_t i = 0; i < engines.size(); ++i)
            line += (i ? ", " : " ") + engines[i] + " " + values[i];
        out.push_back(line);
    };

    // An aspect compared exactly (every byte), shown shortly: a line when not
    // all engines' values are equal.
    auto compare_exact = [&](const std::string& what, auto get, auto show) {
        for (size_t i = 1; i < results.size(); ++i)
            if (!(get(results[i]) == get(results[0])))
            {
                std::string line = what + ":";
                for (size_t k = 0; k < engines.size(); ++k)
                    line += (k ? ", " : " ") + engines[k] + " " + show(results[k]);
                out.push_back(line);
                return;
            }
    };

    compare("status", [](const FileResult& r) { return std::string(to_string(r.status)); });
    compare("load", [](const FileResult& r) {
        return r.status == FileStatus::error ? "error" : r.load_error.empty() ? "ok" : "failed";
    });
    compare("blocks run", [](const FileResult& r) { return std::to_string(r.blocks.size()); });
    size_t common = results.empty() ? 0 : results[0].blocks.size();
    for (const auto& r : results)
        common = std::min(common, r.blocks.size());
    for (size_t i = 0; i < common; ++i)
    {
        const std::string tag = "block " + std::to_string(i);
        auto block = [i](const FileResult& r) -> const BlockResult& { return r.blocks[i]; };
        compare(tag + " trap", [&](const FileResult& r) { return trap_text(block(r)); });
        compare(tag + " post-state",
                [&](const FileResult& r) { return "0x" + to_hex(block(r).post_state); });
        compare(tag + " deposits",
                [&](const FileResult& r) { return std::to_string(block(r).deposits); });
        compare(tag + " ticks",
                [&](const FileResult& r) { return std::to_string(block(r).ticks_used); });
        compare(tag + " gas", [&](const FileResult& r) {
            return block(r).gas_used ? std::to_string(*block(r).gas_used)
                                     : std::string("unmetered");
        });
        compare_exact(
            tag + " debug output",
            [&](const FileResult& r) -> const std::vector<std::string>& {
                return block(r).debug_output;
            },
            [&](const FileResult& r) {
                const auto& lines = block(r).debug_output;
                std::string text = std::to_string(lines.size()) + " lines";
                if (&r != &results[0] && lines != block(results[0]).debug_output)
                    text += " (vs " + engines[0] + ": " +
                            first_difference(block(results[0]).debug_output, lines) + ")";
                return text;
            });
    }
    compare_exact(
        "deposits",
        [](const FileResult& r) -> const std::vector<Deposit>& { return r.actual_deposits; },
        [&](const FileResult& r) {
            std::string text = deposits_text(r.actual_deposits);
            if (&r != &results[0] && r.actual_deposits != results[0].actual_deposits &&
                text == deposits_text(results[0].actual_deposits))
                text += " (other bytes)";
            return text;
        });
    return out;
}

EngineOutcome engine_outcome(const std::string& engine, const FileResult& r)
{
    EngineOutcome o{engine, to_string(r.status), ""};
    if (!r.not_run.empty())
    {
        o.verdict = "not run";
        o.reason = r.not_run;
    }
    else if (r.status == FileStatus::error)
        o.reason = r.error;
    else if (const auto* t = r.trapped_block())
        o.reason = "block " + std::to_string(t->index) + ", env " + std::to_string(t->env) +
                   ": trap (" + to_string(t->trap->kind) + "): " + t->trap->message;
    else if (!r.load_error.empty())
        o.reason = r.load_error;
    else if (r.status == FileStatus::failed)
    {
        std::vector<std::string> what;
        if (!r.root_mismatches.empty())
            what.push_back(std::to_string(r.root_mismatches.size()) + " post-state root" +
                           (r.root_mismatches.size() == 1 ? "" : "s") + " differ");
        if (!r.deposits_match)
            what.push_back("deposit receipts differ");
        if (!r.gas_mismatches.empty())
            what.push_back("gas differs");
        for (size_t i = 0; i < what.size(); ++i)
            o.reason += (i ? ", " : "") + what[i];
    }
    return o;
}

FileResult combine_engine_results(const std::vector<std::string>& engines,
                                  std::vector<FileResult> results)
{
    std::vector<EngineOutcome> outcomes;
    for (size_t i = 0; i < results.size(); ++i)
        outcomes.push_back(engine_outcome(engines[i], results[i]));
    // An engine that lacks a feature the vector's modules use did not run:
    // it neither agrees nor disagrees. The others are compared.
    std::vector<std::string> ran_names;
    std::vector<FileResult> ran;
    for (size_t i = 0; i < results.size(); ++i)
        if (results[i].not_run.empty())
        {
            ran_names.push_back(engines[i]);
            ran.push_back(std::move(results[i]));
        }
    if (ran.empty())  // no engine could run it: the first one's error
    {
        FileResult only = std::move(results.front());
        only.engines = std::move(outcomes);
        return only;
    }
    auto lines = disagreements(ran_names, ran);
    FileResult combined = std::move(ran.front());
    combined.engines = std::move(outcomes);
    if (!lines.empty())
    {
        combined.disagreements = std::move(lines);
        if (combined.status == FileStatus::passed)
            combined.status = FileStatus::failed;
    }
    return combined;
}

}  // namespace scout
