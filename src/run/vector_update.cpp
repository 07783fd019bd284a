#include "vector_update.hpp"

#include "errors.hpp"
#include "file_write.hpp"
#include "hex.hpp"
#include "vector_loader.hpp"
#include "yaml_line.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace scout {
namespace {

struct Edit
{
    size_t begin;
    size_t end;
    std::string text;
};

/// The end (exclusive) of the scalar token starting at `pos`: a quoted scalar
/// ends after its closing quote; a plain one at a comment, a flow indicator or
/// the end of the line.
size_t scalar_end(const std::string& text, size_t pos)
{
    const char q = text[pos];
    if (q == '"' || q == '\'')
    {
        for (size_t i = pos + 1; i < text.size(); ++i)
        {
            if (q == '"' && text[i] == '\\')
                ++i;
            else if (text[i] == q)
            {
                if (q == '\'' && i + 1 < text.size() && text[i + 1] == '\'')
                    ++i;  // '' escapes a single quote
                else
                    return i + 1;
            }
        }
        return text.size();
    }
    size_t i = pos;
    while (i < text.size() && text[i] != '\n' && text[i] != ',' && text[i] != ']' &&
           text[i] != '}' && !(text[i] == '#' && i > pos && text[i - 1] == ' '))
        ++i;
    while (i > pos && (text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\r'))
        --i;
    return i;
}

/// The new token for a root: the old token's quotes and 0x prefix are kept.
std::string root_token(const std::string& old_token, const Bytes32& root)
{
    std::string quote;
    std::string inner = old_token;
    if (!inner.empty() && (inner[0] == '"' || inner[0] == '\''))
    {
        quote = inner.substr(0, 1);
        inner = inner.substr(1);
    }
    const bool prefixed =
        inner.size() >= 2 && inner[0] == '0' && (inner[1] == 'x' || inner[1] == 'X');
    return quote + (prefixed ? "0x" : "") + to_hex(root) + quote;
}

std::string deposits_section(const std::vector<Deposit>& deposits)
{
    if (deposits.empty())
        return "deposit_receipts: []\n";
    std::string s = "deposit_receipts:\n";
    for (const auto& d : deposits)
        s += "  - pubkey: \"" + to_hex(d.pubkey) + "\"\n    withdrawal_credentials: \"" +
             to_hex(d.withdrawal_credentials) + "\"\n    amount: " + std::to_string(d.amount) +
             "\n    signature: \"" + to_hex(d.signature) + "\"\n";
    return s;
}

size_t line_start(const std::string& text, size_t pos)
{
    const auto nl = text.rfind('\n', pos == 0 ? 0 : pos - 1);
    return pos == 0 || nl == std::string::npos ? 0 : nl + 1;
}

/// Where the block of a top-level key that starts at `key_pos` ends: at the
/// next line that starts in column 0 with content other than a comment, with
/// trailing blank and comment lines left outside (they belong to what follows).
size_t top_level_block_end(const std::string& text, size_t key_pos)
{
    size_t pos = text.find('\n', key_pos);
    size_t last_content_end = pos == std::string::npos ? text.size() : pos + 1;
    while (pos != std::string::npos && pos + 1 < text.size())
    {
        const size_t start = pos + 1;
        const size_t end = text.find('\n', start);
        const std::string line =
            text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        const auto first = line.find_first_not_of(" \t\r");
        const bool blank_or_comment = first == std::string::npos || line[first] == '#';
        if (!blank_or_comment && first == 0)
            break;
        if (!blank_or_comment)
            last_content_end = end == std::string::npos ? text.size() : end + 1;
        pos = end;
    }
    return last_content_end;
}

}  // namespace

std::string updated_vector_text(const std::string& text, const FileResult& result,
                                std::vector<std::string>& changes)
{
    const std::string file = result.file.string();
    YAML::Node root;
    try
    {
        root = YAML::Load(text);
    }
    catch (const YAML::Exception& e)
    {
        throw InputError(file, yaml_line(e.mark), "malformed YAML: " + e.msg);
    }
    std::vector<Edit> edits;
    const auto roots = root["shard_post_state"]["exec_env_states"];
    for (const auto& m : result.root_mismatches)
    {
        const auto node = roots[m.env];
        if (!node || !node.IsScalar() || node.Mark().pos < 0)
            throw InputError(file, 0,
                             "cannot locate shard_post_state.exec_env_states[" +
                                 std::to_string(m.env) + "]");
        const auto begin = static_cast<size_t>(node.Mark().pos);
        const auto end = scalar_end(text, begin);
        edits.push_back({begin, end, root_token(text.substr(begin, end - begin), m.actual)});
        changes.push_back("env " + std::to_string(m.env) + " post-state root: 0x" +
                          to_hex(m.expected) + " -> 0x" + to_hex(m.actual));
    }

    if (!result.deposits_match)
    {
        const std::string section = deposits_section(result.actual_deposits);
        std::optional<size_t> key_pos;
        for (const auto& kv : root)
            if (kv.first.Scalar() == "deposit_receipts")
                key_pos = static_cast<size_t>(kv.first.Mark().pos);
        if (key_pos)
        {
            if (*key_pos != line_start(text, *key_pos))
                throw InputError(file, 0,
                                 "deposit_receipts is not a block key at the start of a line");
            edits.push_back({*key_pos, top_level_block_end(text, *key_pos), section});
        }
        else
            edits.push_back({text.size(), text.size(),
                             (text.empty() || text.back() == '\n' ? "" : "\n") + section});
        changes.push_back("deposit_receipts: " + std::to_string(result.expected_deposits.size()) +
                          " expected -> " + std::to_string(result.actual_deposits.size()) +
                          " actual");
    }

    std::sort(edits.begin(), edits.end(),
              [](const Edit& a, const Edit& b) { return a.begin > b.begin; });
    std::string out = text;
    for (const auto& e : edits)
        out.replace(e.begin, e.end - e.begin, e.text);
    return out;
}

namespace {

/// Why --update cannot make a failed file pass, or empty: it can only accept
/// the roots and deposits a complete run produced.
std::string cannot_update(const FileResult& result)
{
    if (result.status == FileStatus::error)
        return "the vector could not be loaded";
    if (const auto* t = result.trapped_block())
        return "block " + std::to_string(t->index) + " trapped; there is no post-state to accept";
    if (!result.load_error.empty())
        return "the run did not finish (" + result.load_error + ")";
    if (result.blocks.size() != result.blocks_total)
        return "only " + std::to_string(result.blocks.size()) + " of " +
               std::to_string(result.blocks_total) + " blocks ran";
    if (!result.disagreements.empty())
        return "the engines disagree (" + result.disagreements.front() +
               "); --update accepts one result, not several";
    if (!result.gas_mismatches.empty())
        return "block " + std::to_string(result.gas_mismatches.front().block) +
               " used other gas than its pinned gas:, which --update does not rewrite";
    if (result.root_mismatches.empty() && result.deposits_match)
        return "it fails for a reason --update does not change";
    return "";
}

/// Everything a vector says but its expected post-state roots and deposits,
/// for checking that an update changed nothing else (a YAML alias shared by
/// the post-state and the pre-state would change both).
bool same_but_results(const TestVector& a, const TestVector& b)
{
    if (a.pre_states != b.pre_states || a.blocks.size() != b.blocks.size() ||
        a.scripts.size() != b.scripts.size() || a.libraries.size() != b.libraries.size() ||
        a.field != b.field || a.deposit_layout != b.deposit_layout)
        return false;
    for (size_t i = 0; i < a.blocks.size(); ++i)
        if (a.blocks[i].env != b.blocks[i].env || a.blocks[i].data != b.blocks[i].data ||
            a.blocks[i].expected_gas != b.blocks[i].expected_gas)
            return false;
    for (size_t i = 0; i < a.scripts.size(); ++i)
        if (a.scripts[i].declared != b.scripts[i].declared)
            return false;
    for (size_t i = 0; i < a.libraries.size(); ++i)
        if (a.libraries[i].name != b.libraries[i].name ||
            a.libraries[i].module.declared != b.libraries[i].module.declared)
            return false;
    return true;
}

}  // namespace

UpdateResult update_vector_file(const FileResult& result)
{
    UpdateResult u;
    if (result.status == FileStatus::passed)
        return u;
    if (u.refused = cannot_update(result); !u.refused.empty())
        return u;

    std::ifstream in(result.file, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (!in)
    {
        u.refused = "cannot read the file";
        return u;
    }
    try
    {
        const TestVector before = parse_vector(buffer.str(), result.file);
        const std::string text = updated_vector_text(buffer.str(), result, u.changes);
        // Check before writing: the new text must load, expect exactly what
        // ran, and say everything else as before.
        const TestVector check = parse_vector(text, result.file);
        std::vector<Bytes32> actual_roots = before.post_states;
        for (const auto& m : result.root_mismatches)
            actual_roots[m.env] = m.actual;
        if (!same_but_results(before, check))
        {
            u.refused = "a post-state root shares its text with another value (a YAML alias "
                        "of an anchor); rewriting it would change that value too: update it by "
                        "hand";
            u.changes.clear();
            return u;
        }
        if (check.post_states != actual_roots || check.deposits != result.actual_deposits)
        {
            u.refused =
                "internal check failed: the rewritten file does not expect the actual results";
            u.changes.clear();
            return u;
        }
        replace_file_contents(result.file, text);
        u.written = true;
    }
    catch (const InputError& e)
    {
        u.refused = e.what();
        u.changes.clear();
    }
    catch (const WriteError& e)
    {
        u.refused = e.reason();
        u.changes.clear();
    }
    return u;
}

FileResult update_vector(const FileResult& result, std::ostream& log)
{
    if (result.status != FileStatus::failed)
        return result;
    const auto u = update_vector_file(result);
    if (!u.written)
    {
        log << "NOT UPDATED " << result.file.string() << ": " << u.refused << "\n";
        return result;
    }
    log << "UPDATED " << result.file.string() << "\n";
    for (const auto& c : u.changes)
        log << "  " << c << "\n";
    FileResult accepted = result;
    accepted.status = FileStatus::passed;
    accepted.root_mismatches.clear();
    accepted.expected_deposits = accepted.actual_deposits;
    accepted.deposits_match = true;
    return accepted;
}

}  // namespace scout
