#include "differential.hpp"

#include "engine.hpp"
#include "hex.hpp"

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

std::string status_text(const FileResult& r)
{
    switch (r.status)
    {
    case FileStatus::passed:
        return "passed";
    case FileStatus::failed:
        return "failed";
    default:
        return "error";
    }
}

std::string trap_text(const BlockResult& b)
{
    return b.trap ? std::string("trap (") + to_string(b.trap->kind) + ")" : "no trap";
}

std::string deposits_text(const std::vector<Deposit>& ds)
{
    // Short, but every byte counts: the pubkey's start, the amount and a hash
    // of the whole deposit.
    std::string s = std::to_string(ds.size()) + " deposits";
    std::hash<std::string> h;
    for (const auto& d : ds)
    {
        const Bytes all = d.encode(DepositLayout::ssz);
        s += " " + to_hex(d.pubkey).substr(0, 8) + ".. amount " + std::to_string(d.amount) + " #" +
             std::to_string(h(std::string(all.begin(), all.end())) % 100000);
    }
    return s;
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

    compare("status", status_text);
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
        compare(tag + " debug output", [&](const FileResult& r) {
            const auto& b = block(r);
            std::string s = std::to_string(b.debug_output.size()) + " lines";
            std::hash<std::string> h;
            size_t acc = 0;
            for (const auto& l : b.debug_output)
                acc = acc * 31 + h(l);
            return s + " #" + std::to_string(acc % 100000);
        });
    }
    compare("deposits", [](const FileResult& r) { return deposits_text(r.actual_deposits); });
    return out;
}

FileResult combine_engine_results(const std::vector<std::string>& engines,
                                  std::vector<FileResult> results)
{
    auto lines = disagreements(engines, results);
    FileResult combined = std::move(results.front());
    if (!lines.empty())
    {
        combined.disagreements = std::move(lines);
        if (combined.status == FileStatus::passed)
            combined.status = FileStatus::failed;
    }
    return combined;
}

}  // namespace scout
